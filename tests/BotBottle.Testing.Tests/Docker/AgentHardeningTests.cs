using BotBottle.Testing.Checks;
using BotBottle.Testing.Conformance.Checks;
using BotBottle.Testing.Conformance.Run;
using BotBottle.Testing.Conformance.Spec;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Docker;

/// <summary>
/// The agent container is locked down on every engine: every capability dropped but what the harness's root execs
/// need (no NET_RAW: root in the agent cannot open a raw or packet socket, which a container with the engine's
/// default capabilities can), no new privileges, and pids, memory and CPU limits that a user can change; the launch
/// check's message shows the settings as the engine reports them.
/// </summary>
[Trait("Category", "Docker")]
public sealed class AgentHardeningTests(ReferenceBottleFixture fixture) : IClassFixture<ReferenceBottleFixture>
{
    /// <summary>Opens a packet socket and a raw IPv6 socket, as a user-space IPv6 tool would; prints what happened to each.</summary>
    private const string RawSockets =
        "perl -e 'for ([17, 3, 768, q(packet)], [10, 3, 255, q(raw-ipv6)]) { my ($f, $t, $p, $n) = @$_; " +
        "if (socket(my $s, $f, $t, $p)) { print qq($n opened\\n) } else { print qq($n refused: $!\\n) } }'";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Root_in_the_agent_cannot_open_raw_or_packet_sockets()
    {
        var result = (await fixture.Bottle.ExecAsync(RawSockets, GuestUsers.Root, Ct)).ThrowOnFailure();

        Assert.Equal("packet refused: Operation not permitted\nraw-ipv6 refused: Operation not permitted\n", result.Stdout);
    }

    [Fact]
    public async Task Control_a_container_of_the_same_image_with_the_engines_default_capabilities_opens_both()
    {
        await BackendGate.RequireAsync(fixture.Backend);
        var engine = await EngineProvider.For().GetAsync(Ct);
        await using var control = await ScratchContainer.StartAsync(engine, TestImages.Agent, ["sleep", "120"], onBottleNetwork: false, "control");

        var result = await control.Container.ExecAsync(["/bin/sh", "-c", RawSockets], Ct);

        Assert.Equal("packet opened\nraw-ipv6 opened\n", result.Stdout);
    }

    [Fact]
    public async Task The_agent_has_no_new_privileges_only_the_kept_capabilities_and_the_default_limits()
    {
        var status = (await fixture.Bottle.ExecAsync(
            "grep -E '^(CapBnd|NoNewPrivs):' /proc/self/status | tr -s '\\t ' ' '; cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max",
            GuestUsers.Root, Ct)).ThrowOnFailure();

        // CHOWN (0), DAC_OVERRIDE (1), FOWNER (3), KILL (5), SETGID (6), SETUID (7): 0xeb.
        Assert.Equal("CapBnd: 00000000000000eb\nNoNewPrivs: 1\n512\n", status.Stdout);
    }

    [Fact]
    public async Task Limits_a_user_sets_are_the_ones_the_agent_gets_and_a_bad_one_is_refused_at_once()
    {
        await BackendGate.RequireAsync(fixture.Backend);
        Assert.Throws<ArgumentException>(() => new BottleBuilder().WithLimits(new AgentLimits(Pids: 0)));
        await using var bottle = new BottleBuilder().WithBackend(fixture.Backend).WithLimits(new AgentLimits(Pids: 100, MemoryBytes: 512L * 1024 * 1024, Cpus: 0.5)).Build();
        await bottle.StartAsync(Ct);

        var cgroup = (await bottle.ExecAsync(
            "if [ -f /sys/fs/cgroup/pids.max ]; then cat /sys/fs/cgroup/pids.max /sys/fs/cgroup/memory.max /sys/fs/cgroup/cpu.max; " +
            "else cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/memory/memory.limit_in_bytes; echo \"$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us) $(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)\"; fi",
            GuestUsers.Root, Ct)).ThrowOnFailure();

        Assert.Equal(["100", "536870912", "50000 100000"], cgroup.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task The_launch_check_shows_the_security_settings_the_engine_reports()
    {
        await BackendGate.RequireAsync(fixture.Backend);
        var report = await ConformanceRunner.RunAsync(ConformanceSpec.ProbesOnly(["loopback-refused"]), new ConformanceOptions { Backends = [fixture.Backend] }, cancellationToken: Ct);

        var launch = report[DockerBackend.BackendName].Results.Single(r => r.CheckId == ConformanceSpec.LaunchCheckId);

        Assert.Equal(Verdict.Passed, launch.Verdict);
        Assert.Contains("privileged no, cap-drop ALL, cap-add CHOWN,DAC_OVERRIDE,FOWNER,KILL,SETGID,SETUID, security-opt no-new-privileges, pids 512, memory 2048 MiB, cpus 1.5", launch.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("docs.example.test\n.*")]
    [InlineData(".*")]
    [InlineData("a.test|b.test")]
    [InlineData("exa mple.test")]
    [InlineData("-bad.test")]
    public void An_allowlist_entry_that_is_no_host_name_is_refused_at_once(string entry)
    {
        var error = Assert.Throws<ArgumentException>(() => new BottleBuilder().WithAllowedHost(entry));

        Assert.Contains("is not a host name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_names_and_a_subdomain_wildcard_are_accepted() =>
        _ = new BottleBuilder().WithAllowedHost("api.example.test").WithAllowedHost("*.docs.example.test").WithAllowedHost("x-1.test").Build();

    [Theory]
    [InlineData("a.test,.*")]
    [InlineData("a.test,b.test\n.*")]
    [InlineData("a.test,*")]
    public async Task The_reference_bundle_refuses_an_entry_that_would_widen_its_allowlist(string entries)
    {
        await BackendGate.RequireAsync(fixture.Backend);
        var engine = await EngineProvider.For().GetAsync(Ct);
        await using var bundle = await ScratchContainer.StartAsync(engine, TestImages.Bundle,
            ["/bin/sh", "-c", "BUNDLE_ALLOWED_HOSTS=\"$1\" BUNDLE_DAEMONS=proxy bundle-init; echo \"exit=$?\"; sleep 60", "widen", entries], onBottleNetwork: false, "bundle");

        var logs = "";
        for (var i = 0; i < 50 && !logs.Contains("exit=", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100, Ct);
            logs = await bundle.Container.LogsAsync(Ct);
        }

        Assert.Contains("refusing allowlist entry", logs, StringComparison.Ordinal);
        Assert.Contains("exit=64", logs, StringComparison.Ordinal);
    }
}
