using BotBottle.Testing.Checks;
using System.Text;
using CliWrap.Buffered;
using BotBottle.Testing.Probes;
using BotBottle.Testing.Xunit;

namespace BotBottle.Testing.Tests.Adversarial;

/// <summary>
/// The rule of the verdict, tried as a hostile image author would: the subject (the agent image, the agent as node, a
/// root process in the agent) can make a check fail or be inconclusive, never pass. Each hostile bottle fails the check
/// that must catch it, with evidence from the harness's prober or from outside the agent; the reference bottle passes
/// the same catalogue (DockerIsolationCatalogueTests), so the checks can pass.
/// </summary>
[IsolationTest]
public sealed class HostileImageVerdictTests(VerdictImagesFixture fixture) : IClassFixture<VerdictImagesFixture>
{
    /// <summary>As node: stops every other process of node's, over and over, and overwrites what a battery might leave in /tmp.</summary>
    private const string NodeTamperer = """
        #!/bin/sh
        sleep 1
        while :; do
          kill -STOP -1
          for f in /tmp/*/*; do echo forged > "$f"; done 2>/dev/null
          sleep 0.05
        done
        """;

    /// <summary>
    /// As root: stops every process of the agent but the engine's own runc (a root process that stops the `runc init`
    /// of an engine exec wedges that container's execs and its removal; see the README's limits), over and over.
    /// </summary>
    private const string RootTamperer = """
        #!/bin/sh
        sleep 1
        while :; do
          for p in $(ps -eo pid=,comm= | awk '$2 !~ /^runc/ { print $1 }'); do
            [ "$p" = "$$" ] || [ "$p" = 1 ] || kill -STOP "$p" 2>/dev/null
          done
          sleep 0.05
        done
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>As node: writes <paramref name="line"/> into <paramref name="fifo"/>, waits up to 5 s for <paramref name="ready"/>, and returns what <paramref name="read"/> prints.</summary>
    private static async Task<string> NodeWritesIntoFifoAsync(IBottle bottle, string fifo, string line, string ready, string read) =>
        (await bottle.ExecAsync($"echo '{line}' > {fifo}; for i in $(seq 50); do {ready} && break; sleep 0.1; done; {read}", cancellationToken: Ct)).Stdout.Trim();

    /// <summary>As node: puts a program named bbt-planted that prints its uid into <paramref name="directory"/>; then runs bbt-planted by name as root and returns what it printed.</summary>
    private static async Task<string> PlantAndRunAsRootAsync(IBottle bottle, string directory)
    {
        var planted = await bottle.ExecAsync($"printf '#!/bin/sh\\nid -u\\n' > {directory}/bbt-planted && chmod 755 {directory}/bbt-planted", cancellationToken: Ct);
        Assert.True(planted.ExitCode == 0, $"node could not write {directory}: {planted.Stderr}");
        return (await bottle.ExecAsync("bbt-planted", GuestUsers.Root, Ct)).Stdout.Trim();
    }

    /// <summary>The check failed, and its probe's evidence names each of <paramref name="named"/>.</summary>
    private static void AssertEscalated(IsolationResult result, params string[] named)
    {
        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.All(named, part => Assert.Contains(part, result.Probe.Evidence, StringComparison.Ordinal));
    }

    /// <summary>The agent-not-root check alone, on the named hostile bottle, its description in the test's output.</summary>
    private async Task<(IBottle Bottle, IsolationResult Result)> AgentNotRootAsync(string name)
    {
        var (bottle, targets) = await fixture.GetAsync(name);
        var result = (await bottle.RunChecksAsync(IsolationCatalogue.Build(bottle, targets).Where(c => c.Id == "agent-not-root"), cancellationToken: Ct)).Results[0];
        TestContext.Current.TestOutputHelper?.WriteLine(result.Describe());
        return (bottle, result);
    }

    [Fact]
    public async Task Shell_tools_that_lie_about_connections_do_not_hide_a_leaky_bundle()
    {
        var (bottle, targets) = await fixture.GetAsync(VerdictImagesFixture.LyingTools);
        var check = IsolationCatalogue.Build(bottle, targets).Single(c => c.Id == "bypass-egress-port");

        // Control: the image's tools do lie. The same probe run with them (as node, subject-reported) is told "refused".
        var told = await bottle.RunChecksAsync([check with { Probe = check.Probe with { Vantage = Vantage.AgentItself(bottle) } }], cancellationToken: Ct);
        Assert.Equal(StepOutcome.Refused, told.Results[0].Probe.Outcome);
        Assert.True(told.Results[0].Probe.Step.Vantage.SubjectReported);

        var report = await bottle.RunChecksAsync([check], cancellationToken: Ct);
        var result = report.Results[0];
        TestContext.Current.TestOutputHelper?.WriteLine(result.Describe());
        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Equal(StepOutcome.Connected, result.Probe.Outcome);
        Assert.StartsWith("prober ", result.Probe.Tool, StringComparison.Ordinal);
        Assert.False(result.Probe.Step.Vantage.SubjectReported);
    }

    [Fact]
    public async Task A_root_service_the_agent_user_can_reach_fails_agent_not_root()
    {
        var (bottle, result) = await AgentNotRootAsync(VerdictImagesFixture.RootService);

        // Control: node really reaches it (the hole is real, not a misreading).
        var dial = await bottle.ExecAsync("bash -c 'exec 3<>/dev/tcp/127.0.0.1/7000 && echo connected'", cancellationToken: Ct);
        Assert.Contains("connected", dial.Stdout, StringComparison.Ordinal);

        AssertEscalated(result, "127.0.0.1:7000");
        Assert.Equal(AgentFactSteps.Tool, result.Probe.Tool);
    }

    [Fact]
    public async Task A_root_service_that_takes_commands_through_a_fifo_fails_agent_not_root_though_it_holds_no_socket()
    {
        var since = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;
        var (bottle, result) = await AgentNotRootAsync(VerdictImagesFixture.RootFifoService);

        AssertEscalated(result, "a root process runs in the agent: pid ");
        Assert.DoesNotContain("root listens on", result.Probe.Evidence, StringComparison.Ordinal);

        // The engine's own record: the agent was frozen for the read and thawed after it, and runs on.
        var events = await CliWrap.Cli.Wrap("docker")
            .WithArguments(["events", "--since", since.ToString(System.Globalization.CultureInfo.InvariantCulture), "--until", (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--filter", "container=" + bottle.Name + "-agent", "--filter", "event=pause", "--filter", "event=unpause", "--format", "{{.Action}}"])
            .ExecuteBufferedAsync(Ct);
        Assert.Equal(["pause", "unpause"], events.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // Control: the hole is real. node writes a command into the FIFO and root runs it.
        Assert.Equal("0", await NodeWritesIntoFifoAsync(bottle, "/run/bbt-cmd", "id -u > /tmp/bbt-proof; chmod 644 /tmp/bbt-proof", "[ -s /tmp/bbt-proof ]", "cat /tmp/bbt-proof"));
    }

    [Fact]
    public async Task A_setpriv_that_ignores_the_user_switch_leaves_the_keep_alive_root_and_fails_agent_not_root()
    {
        var (bottle, result) = await AgentNotRootAsync(VerdictImagesFixture.SetprivIgnoresUser);

        // Control: the image's passwd still says node is 1000, so the uid alone would have passed it.
        Assert.Contains("uid=1000 ", result.Describe(), StringComparison.Ordinal);
        AssertEscalated(result, "(sh), uids 0,0,0,0", "(sleep), uids 0,0,0,0");
    }

    [Fact]
    public async Task A_process_that_kept_a_root_file_open_for_writing_when_it_dropped_fails_agent_not_root()
    {
        var (bottle, result) = await AgentNotRootAsync(VerdictImagesFixture.CarriedDescriptor);

        AssertEscalated(result, "(sh) holds open for writing on root's /etc/passwd");
        Assert.DoesNotContain("a root process runs in the agent", result.Probe.Evidence, StringComparison.Ordinal);

        // Control: the hole is real. node writes a line into the FIFO and it lands in root's /etc/passwd.
        Assert.Equal("1", await NodeWritesIntoFifoAsync(bottle, "/run/bbt-in", "bbt-carried-proof", "grep -q bbt-carried-proof /etc/passwd", "grep -c bbt-carried-proof /etc/passwd"));
    }

    [Fact]
    public async Task A_directory_on_the_exec_path_that_node_owns_fails_agent_not_root()
    {
        var (bottle, result) = await AgentNotRootAsync(VerdictImagesFixture.WritableRootPath);

        AssertEscalated(result, "/usr/local/bin (owner 1000, group 0, mode 755) is the agent user's to write");

        // Control: the hole is real. What node puts there, a root command finds first on its PATH and runs as root.
        Assert.Equal("0", await PlantAndRunAsRootAsync(bottle, "/usr/local/bin"));
    }

    [Fact]
    public async Task An_env_that_hands_root_commands_node_s_paths_fails_agent_not_root_naming_the_variable_never_its_value()
    {
        var (bottle, result) = await AgentNotRootAsync(VerdictImagesFixture.ExecEnv);

        AssertEscalated(result, "the container's env sets PERL5LIB, which every root command of the harness inherits", "the container's PATH has an empty entry (the working directory)");
        Assert.DoesNotContain("/home/node/perl5", result.Describe(), StringComparison.Ordinal);

        // Control: the hole is real. A root command's working directory is node's, and its PATH ends there.
        var directory = (await bottle.ExecAsync("pwd", GuestUsers.Root, Ct)).Stdout.Trim();
        Assert.Equal("0", await PlantAndRunAsRootAsync(bottle, directory));
    }

    [Fact]
    public async Task An_image_s_healthcheck_never_runs_in_a_bottle()
    {
        var (bottle, _) = await fixture.GetAsync(VerdictImagesFixture.RootHealthcheck);

        // Control: the image's health check does run where the engine is left to it (a container of the same image).
        var name = bottle.Name + "-health-control";
        await CliWrap.Cli.Wrap("docker").WithArguments(["run", "-d", "--rm", "--name", name, "--label", BotBottle.Testing.Engine.ResourceLabels.Harness + "=" + BotBottle.Testing.Engine.ResourceLabels.HarnessName,
            "--network", "none", "--entrypoint", "sleep", VerdictImagesFixture.ImageFor(VerdictImagesFixture.RootHealthcheck), "30"]).ExecuteBufferedAsync(Ct);
        try
        {
            var ran = "";
            for (var i = 0; i < 50 && ran.Length == 0; i++)
            {
                await Task.Delay(200, Ct);
                ran = (await CliWrap.Cli.Wrap("docker").WithArguments(["exec", name, "ls", "/tmp/bbt-health-ran"]).WithValidation(CliWrap.CommandResultValidation.None).ExecuteBufferedAsync(Ct)).StandardOutput.Trim();
            }

            Assert.Equal("/tmp/bbt-health-ran", ran);
        }
        finally
        {
            await CliWrap.Cli.Wrap("docker").WithArguments(["rm", "-f", name]).WithValidation(CliWrap.CommandResultValidation.None).ExecuteBufferedAsync(CancellationToken.None);
        }

        // The bottle's agent of that image, up at least as long, never ran it.
        var inBottle = await bottle.ExecAsync("ls /tmp/bbt-health-ran 2>&1 || true", cancellationToken: Ct);
        Assert.Contains("No such file", inBottle.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_setuid_root_shell_fails_agent_not_root_on_the_root_filesystem_and_on_a_volume_of_the_image()
    {
        var (bottle, targets) = await fixture.GetAsync(VerdictImagesFixture.SetuidShell);

        // Control: the image's VOLUME is a mount of its own in the agent, so a walk of the root filesystem misses it.
        var mounts = await bottle.ExecAsync("cat /proc/self/mountinfo", cancellationToken: Ct);
        Assert.Contains(mounts.Stdout.Split('\n'), line => line.Split(' ').ElementAtOrDefault(4) == "/opt/tools");

        var result = (await bottle.RunChecksAsync(IsolationCatalogue.Build(bottle, targets).Where(c => c.Id == "agent-not-root"), cancellationToken: Ct)).Results[0];
        TestContext.Current.TestOutputHelper?.WriteLine(result.Describe());
        AssertEscalated(result, "set-uid/set-gid root file 4755 /usr/local/bin/rootsh", "set-uid/set-gid root file 4755 /opt/tools/rootsh");
    }

    [Fact]
    public async Task A_bridge_left_open_to_IPv6_fails_raw_ipv6_to_host_and_the_witness_names_the_frames()
    {
        var (bottle, targets) = await fixture.GetAsync(VerdictImagesFixture.Ipv6Open);
        Assert.Contains("IPv6 OPEN", ((Launch.Bottle)bottle).AgentSecurity, StringComparison.Ordinal);
        var report = await bottle.RunChecksAsync(IsolationCatalogue.Build(bottle, targets).Where(c => c.Id is "raw-ipv6-to-host-refused" or "wire-witness"), cancellationToken: Ct);
        var raw = report.Results.Single(r => r.Check.Id == "raw-ipv6-to-host-refused");
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());

        // Root with NET_RAW in the agent's namespace (the prober) reached the host service on the bridge's link-local address.
        Assert.Equal(Verdict.Failed, raw.Verdict);
        Assert.Equal(StepOutcome.Connected, raw.Probe.Outcome);
        Assert.Contains("SYN-ACK", raw.Probe.Reason, StringComparison.Ordinal);

        // The witness names the escaping frames: the TCP to the host's IPv6 address and what the host sent back.
        var wire = report.Results.Single(r => r.Check.Id == "wire-witness");
        Assert.Equal(Verdict.Failed, wire.Verdict);
        Assert.Contains("IPv6 tcp", wire.Probe.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NET_RAW_given_back_to_the_agent_fails_agent_container_hardened_and_the_closed_bridge_still_holds()
    {
        var (bottle, targets) = await fixture.GetAsync(VerdictImagesFixture.NetRaw);
        var report = await bottle.RunChecksAsync(IsolationCatalogue.Build(bottle, targets).Where(c => c.Id is "agent-container-hardened" or "raw-ipv6-to-host-refused"), cancellationToken: Ct);
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        var hardened = report.Results.Single(r => r.Check.Id == "agent-container-hardened");
        Assert.Equal(Verdict.Failed, hardened.Verdict);
        Assert.Contains("capability NET_RAW is added back", hardened.Probe.Stdout, StringComparison.Ordinal);

        // Root in this agent may send raw frames; the engine host still answers none of them over IPv6.
        Assert.Equal(Verdict.Passed, report.Results.Single(r => r.Check.Id == "raw-ipv6-to-host-refused").Verdict);
    }

    [Fact]
    public async Task The_reference_bridge_is_closed_to_IPv6_and_the_report_says_so()
    {
        var (bottle, targets) = await fixture.GetAsync(VerdictImagesFixture.TamperedLeaky);
        Assert.Contains("IPv6 closed", ((Launch.Bottle)bottle).AgentSecurity, StringComparison.Ordinal);
        var result = (await bottle.RunChecksAsync(IsolationCatalogue.Build(bottle, targets).Where(c => c.Id == "raw-ipv6-to-host-refused"), cancellationToken: Ct)).Results[0];
        TestContext.Current.TestOutputHelper?.WriteLine(result.Describe());
        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.Equal(StepOutcome.TimedOut, result.Probe.Outcome);
        Assert.Equal(Verdict.Passed, (await bottle.RunChecksAsync(IsolationCatalogue.Build(bottle, targets).Where(c => c.Id == "agent-container-hardened"), cancellationToken: Ct)).Results[0].Verdict);
    }

    [Theory]
    [InlineData("plain-http-port-denied")]
    [InlineData("rebinding-to-loopback-refused")]
    [InlineData("rebinding-to-link-local-refused")]
    public async Task A_bundle_with_a_port_policy_on_connect_only_and_no_outbound_policy_fails(string id)
    {
        var (bottle, targets) = await fixture.GetAsync(VerdictImagesFixture.WeakPolicy);
        var result = (await bottle.RunChecksAsync(IsolationCatalogue.Build(bottle, targets).Where(c => c.Id == id), cancellationToken: Ct)).Results[0];
        TestContext.Current.TestOutputHelper?.WriteLine(result.Describe());
        Assert.Equal(Verdict.Failed, result.Verdict);
        Assert.Equal(StepOutcome.ProxyAllowed, result.Probe.Outcome);
    }

    [Fact]
    public async Task Tampering_as_node_and_as_root_during_the_battery_never_makes_a_leaky_bottle_pass()
    {
        var (bottle, targets) = await fixture.GetAsync(VerdictImagesFixture.TamperedLeaky);
        var checks = IsolationCatalogue.Build(bottle, targets);

        // Each tamperer starts a second later, so the exec that starts it has answered first.
        await bottle.CopyInAsync(Encoding.UTF8.GetBytes(NodeTamperer), "/tmp/tamper-node", GuestUsers.Agent, (UnixFileMode)0b111_101_101, Ct);
        await bottle.CopyInAsync(Encoding.UTF8.GetBytes(RootTamperer), "/root/tamper-root", GuestUsers.Root, (UnixFileMode)0b111_000_000, Ct);
        await bottle.ExecAsync("setsid /tmp/tamper-node </dev/null >/dev/null 2>&1 &", cancellationToken: Ct);
        await bottle.ExecAsync("setsid /root/tamper-root </dev/null >/dev/null 2>&1 &", GuestUsers.Root, Ct);
        await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);

        var report = await bottle.RunChecksAsync(checks, cancellationToken: Ct);
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());

        // Nothing of the verdict passes through the agent, so the tamperers cannot hide the leak: it is still found.
        Assert.Equal(Verdict.Failed, report["bypass-egress-port"].Verdict);
        Assert.All(report.Results.SelectMany(r => r.Controls.Append(r.Probe)).Where(o => o.Step.Vantage.Name.StartsWith("agent", StringComparison.Ordinal)),
            o => Assert.False(o.Step.Vantage.SubjectReported, $"{o.Step.Id} was reported by the subject"));

        // The root tamperer is itself a root process in the agent: it is found while the agent is frozen, by name.
        Assert.Equal(Verdict.Failed, report["agent-not-root"].Verdict);
        Assert.Contains("(tamper-root), uids 0,0,0,0", report["agent-not-root"].Probe.Evidence, StringComparison.Ordinal);

        // The rest of this bottle holds, so its checks pass. A stopped agent may starve a control on a loaded machine
        // (the subject may make a verdict inconclusive, never pass), but it never turns a holding check into a finding:
        // an inconclusive check's own probe still holds, and at most two controls (shared or not) went unanswered.
        var others = report.Results.Where(r => r.Check.Id is not ("bypass-egress-port" or "agent-not-root")).ToList();
        Assert.All(others, r => Assert.True(r.Passed || (r.Verdict == Verdict.Inconclusive && r.Probe.Passed), r.Describe()));
        var starved = others.SelectMany(r => r.Controls).Where(c => !c.Passed).Select(c => c.Step.Id).Distinct().ToList();
        Assert.True(starved.Count <= 2, $"{starved.Count} controls went unanswered ({string.Join(", ", starved)}):\n{report}");
    }
}
