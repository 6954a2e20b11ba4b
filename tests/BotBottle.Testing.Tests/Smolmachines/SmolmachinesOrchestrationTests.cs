using BotBottle.Testing.Bottles;
using BotBottle.Testing.Bundles;
using BotBottle.Testing.Launch;
using BotBottle.Testing.Smolmachines;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Smolmachines;

/// <summary>
/// The smolmachines backend at its CLI boundary, against a recording stand-in for smolvm (not a VM):
/// launch order, reverse teardown on every failing step, the 137 retry, env on every exec, argv
/// fidelity and version branching.
/// </summary>
public sealed class SmolmachinesOrchestrationTests : IDisposable
{
    private static readonly BottleSpec Spec = new("example/agent:1", new BundleSpec("example/bundle:1"));
    private readonly StandInSmolvm _smolvm = new();

    public void Dispose() => _smolvm.Dispose();

    private static bool IsMachine(IReadOnlyList<string> call, string subcommand) =>
        call.Count > 1 && call[0] == "machine" && call[1] == subcommand;

    private SmolmachinesBackend Backend(string? failAt = null, StandInSmolvm? smolvm = null)
    {
        var s = smolvm ?? _smolvm;
        return new SmolmachinesBackend(new RecordingBundleHost(s) { FailAt = failAt }, s.Options);
    }

    [Fact]
    public async Task Launch_runs_every_step_in_order_and_disposal_undoes_them_in_reverse()
    {
        var bottle = await Backend().LaunchAsync(Spec with { Prompt = "be careful" }, TestContext.Current.CancellationToken);
        var launched = _smolvm.Steps().Count;
        await bottle.DisposeAsync();
        await bottle.DisposeAsync();

        Assert.Equal(
            [
                "--version", "pack create", "#bundle create-network", "#bundle start-bundle",
                "machine create", "machine start", "machine exec", "machine exec",
                "machine exec", "machine cp", "machine exec",
                "machine stop", "machine delete", "#bundle remove-bundle", "#bundle remove-network",
            ],
            _smolvm.Steps());
        Assert.Equal(11, launched);
        Assert.Equal(BottleProvisionerPaths.Prompt, bottle.PromptPath);
    }

    public static TheoryData<string, string?, string[]> FailingSteps => new()
    {
        { "create bundle network", null, [] },
        { "start bundle", null, ["#bundle remove-network"] },
        { "create machine", "machine create *", ["#bundle remove-bundle", "#bundle remove-network"] },
        { "start machine", "machine start *", ["machine delete", "#bundle remove-bundle", "#bundle remove-network"] },
        { "wait for exec", "machine exec *echo ready", ["machine stop", "machine delete", "#bundle remove-bundle", "#bundle remove-network"] },
        { "chown agent home", "machine exec *chown -R node:node /home/node", ["machine stop", "machine delete", "#bundle remove-bundle", "#bundle remove-network"] },
        { "provision", "machine cp *", ["machine stop", "machine delete", "#bundle remove-bundle", "#bundle remove-network"] },
    };

    [Theory]
    [MemberData(nameof(FailingSteps))]
    public async Task A_failing_step_tears_down_what_came_before_in_reverse(string step, string? smolvmGlob, string[] expectedTeardown)
    {
        var failAt = step switch
        {
            "create bundle network" => "create-network",
            "start bundle" => "start-bundle",
            _ => null,
        };
        if (smolvmGlob is not null)
        {
            _smolvm.On(smolvmGlob, 1, stderr: "Error: injected failure\n");
        }

        var error = await Assert.ThrowsAsync<BottleLaunchException>(() => Backend(failAt).LaunchAsync(Spec, TestContext.Current.CancellationToken));

        Assert.Equal(step, error.Step);
        Assert.Empty(error.TeardownFailures);
        var steps = _smolvm.Steps();
        string[] teardownSteps = ["machine stop", "machine delete", "#bundle remove-bundle", "#bundle remove-network"];
        Assert.Equal(expectedTeardown, steps.Where(teardownSteps.Contains).ToArray());
        Assert.Equal(expectedTeardown, steps.TakeLast(expectedTeardown.Length).ToArray());
    }

    [Fact]
    public async Task A_missing_skill_fails_the_launch_naming_it_and_tears_down()
    {
        var spec = Spec.WithSkill(new SkillSource("/nonexistent/skills/deploy-checklist"));

        var error = await Assert.ThrowsAsync<BottleLaunchException>(() => Backend().LaunchAsync(spec, TestContext.Current.CancellationToken));

        Assert.Equal("provision", error.Step);
        Assert.Contains("'deploy-checklist'", error.Message, StringComparison.Ordinal);
        Assert.Equal(["machine stop", "machine delete", "#bundle remove-bundle", "#bundle remove-network"], _smolvm.Steps().TakeLast(4));
    }

    [Fact]
    public async Task An_exec_killed_with_137_is_retried_exactly_once()
    {
        await using var bottle = await Backend().LaunchAsync(Spec, TestContext.Current.CancellationToken);
        _smolvm.On("machine exec *echo first", 137, times: 1).On("machine exec *echo first", 0, stdout: "first\n");
        _smolvm.On("machine exec *echo second", 137);

        var recovered = await bottle.ExecAsync("echo first", cancellationToken: TestContext.Current.CancellationToken);
        var stillKilled = await bottle.ExecAsync("echo second", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal((0, "first\n"), (recovered.ExitCode, recovered.Stdout));
        Assert.Equal(137, stillKilled.ExitCode);
        Assert.Equal(2, _smolvm.Calls().Count(c => c[^1] == "echo first"));
        Assert.Equal(2, _smolvm.Calls().Count(c => c[^1] == "echo second"));
    }

    [Fact]
    public async Task Every_exec_switches_user_with_runuser_u_and_resends_home_user_and_the_guest_env()
    {
        await using var bottle = await Backend().LaunchAsync(Spec.WithEnv("PROJECT", "alpha"), TestContext.Current.CancellationToken);

        await bottle.ExecAsync("true", cancellationToken: TestContext.Current.CancellationToken);
        await bottle.ExecAsync("true", cancellationToken: TestContext.Current.CancellationToken);
        await bottle.ExecAsync("id", GuestUsers.Root, TestContext.Current.CancellationToken);

        var execs = _smolvm.Calls().Where(c => IsMachine(c, "exec") && c[^1] is "true" or "id").ToList();
        Assert.Equal(3, execs.Count);
        foreach (var exec in execs)
        {
            var guest = exec.SkipWhile(a => a != "--").Skip(1).ToList();
            Assert.Equal(["runuser", "-u"], guest.Take(2));
            Assert.DoesNotContain("-l", guest.Take(4));
            Assert.Contains("HTTPS_PROXY=http://10.99.0.2:3128", guest);
            Assert.Contains("CLAUDE_CODE_OAUTH_TOKEN=" + GuestEnvironment.PlaceholderToken, guest);
            Assert.Contains("NODE_EXTRA_CA_CERTS=" + GuestEnvironment.CaBundlePath, guest);
            Assert.Contains("PROJECT=alpha", guest);
        }

        Assert.Equal(["node", "--", "env", "HOME=/home/node", "USER=node"], execs[0].SkipWhile(a => a != "runuser").Skip(2).Take(5));
        Assert.Equal(["root", "--", "env", "HOME=/root", "USER=root"], execs[2].SkipWhile(a => a != "runuser").Skip(2).Take(5));
    }

    [Fact]
    public async Task Quotes_spaces_newlines_and_dollars_reach_smolvm_as_single_argv_elements()
    {
        const string weird = "it's \"quoted\" $HOME `x` \\ ; & | \n second line";
        await using var bottle = await Backend().LaunchAsync(Spec.WithEnv("WEIRD", weird), TestContext.Current.CancellationToken);

        await bottle.ExecAsync("printf '%s' \"$WEIRD\" # " + weird, cancellationToken: TestContext.Current.CancellationToken);

        var exec = _smolvm.Calls().Last(c => IsMachine(c, "exec"));
        Assert.Equal("printf '%s' \"$WEIRD\" # " + weird, exec[^1]);
        Assert.Equal(["/bin/sh", "-c"], exec.TakeLast(3).Take(2));
        Assert.Contains("WEIRD=" + weird, exec);
        var create = _smolvm.Calls().Single(c => IsMachine(c, "create"));
        Assert.Contains("WEIRD=" + weird, create);
    }

    [Theory]
    [InlineData("0.8.0", false)]
    [InlineData("1.0.1", false)]
    [InlineData("1.0.2", true)]
    [InlineData("1.9.3", true)]
    public async Task Create_and_delete_name_the_machine_the_way_the_installed_smolvm_expects(string version, bool nameFlag)
    {
        using var smolvm = new StandInSmolvm(version);
        var bottle = await Backend(smolvm: smolvm).LaunchAsync(Spec, TestContext.Current.CancellationToken);
        await bottle.DisposeAsync();

        var create = smolvm.Calls().Single(c => IsMachine(c, "create"));
        var delete = smolvm.Calls().Single(c => IsMachine(c, "delete"));
        if (nameFlag)
        {
            Assert.Equal(["machine", "create", "--name", bottle.Name, "--from"], create.Take(5));
            Assert.Equal(["machine", "delete", "--name", bottle.Name, "-f"], delete);
        }
        else
        {
            Assert.Equal(["machine", "create", bottle.Name, "--from"], create.Take(4));
            Assert.Equal(["machine", "delete", bottle.Name, "-f"], delete);
        }

        Assert.Equal(["--allow-cidr", "10.99.0.2/32"], create.SkipWhile(a => a != "--allow-cidr").Take(2));
        Assert.All(smolvm.Calls().Where(c => IsMachine(c, "exec") || IsMachine(c, "start") || IsMachine(c, "stop")), c => Assert.Equal(["--name", bottle.Name], c.Skip(2).Take(2)));
    }

    [Fact]
    public async Task Smolvm_failures_are_told_apart_from_a_guest_exit_1()
    {
        await using var bottle = await Backend().LaunchAsync(Spec, TestContext.Current.CancellationToken);
        _smolvm.On("machine exec *exit 1", 1, stderr: "guest said no\n");
        _smolvm.On("machine exec *vanish", 1, stderr: "Error: vm not found: " + bottle.Name + "\n");

        var guest = await bottle.ExecAsync("exit 1", cancellationToken: TestContext.Current.CancellationToken);
        var smolvmFailure = await Assert.ThrowsAsync<SmolvmException>(() => bottle.ExecAsync("vanish", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal((1, "guest said no\n"), (guest.ExitCode, guest.Stderr));
        Assert.Contains("vm not found", smolvmFailure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_agent_image_is_packed_once_and_the_pack_is_reused()
    {
        var backend = Backend();
        await (await backend.LaunchAsync(Spec, TestContext.Current.CancellationToken)).DisposeAsync();
        await (await backend.LaunchAsync(Spec, TestContext.Current.CancellationToken)).DisposeAsync();

        var packs = _smolvm.Calls().Where(c => c[0] == "pack").ToList();
        Assert.Single(packs);
        Assert.Equal(["pack", "create", "--image", "example/agent:1", "-o"], packs[0].Take(5));
        var froms = _smolvm.Calls().Where(c => IsMachine(c, "create")).Select(c => c[c.ToList().IndexOf("--from") + 1]).Distinct().ToList();
        Assert.Equal([new PackCache(new SmolvmCli(null!), _smolvm.Options.PackCacheDirectory).PackPathFor("example/agent:1")], froms);
        Assert.True(File.Exists(froms[0]));
    }

    [Fact]
    public async Task Prerequisites_name_every_missing_piece()
    {
        using var empty = new StandInSmolvm();
        var options = empty.Options with
        {
            SearchPath = Path.Combine(empty.Directory, "nothing-here"),
            Platform = new HostPlatform(IsDarwin: false, IsLinux: true, KvmDevice: Path.Combine(empty.Directory, "no-kvm")),
        };
        var backend = new SmolmachinesBackend(new RecordingBundleHost(empty) { Unavailable = "docker engine unreachable at unix:///nowhere.sock" }, options);

        var report = await backend.CheckPrerequisitesAsync(TestContext.Current.CancellationToken);

        Assert.False(report.IsSatisfied);
        Assert.Equal(
            [
                $"not Darwin, and this Linux host has no read/write {options.Platform.KvmDevice} (smolvm needs KVM)",
                "`smolvm` not found on PATH",
                "docker engine unreachable at unix:///nowhere.sock",
            ],
            report.Missing);
        Assert.StartsWith("smolmachines backend unavailable: not Darwin", report.Reason, StringComparison.Ordinal);
    }
}

internal static class BottleProvisionerPaths
{
    public static string Prompt => BotBottle.Testing.Provisioning.BottleProvisioner.PromptGuestPath;
}
