using BotBottle.Testing.Provisioning;
using BotBottle.Testing.Smolmachines;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Smolmachines;

/// <summary>
/// What a smolmachines bottle must do, whatever runs smolvm: a real microVM (<see cref="RealSmolvmBottleTests"/>,
/// on a Mac or Linux with KVM, skipped elsewhere with every missing prerequisite named), or the emulated CLI of a
/// named release with a container as its guest (<see cref="EmulatedSmolvmBottleTests"/>, runs in CI).
/// </summary>
public abstract class SmolmachinesBottleContract
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal abstract SmolmachinesBackend Backend();

    internal async Task<IBottle> LaunchAsync(Func<BottleSpec, BottleSpec>? configure = null)
    {
        var backend = Backend();
        await BackendGate.RequireAsync(backend);
        return await backend.LaunchAsync((configure ?? (s => s))(TestImages.Spec), Ct);
    }

    [Fact]
    public async Task A_bottle_from_a_local_image_answers_an_exec_as_node_with_home_and_the_guest_env()
    {
        await using var bottle = await LaunchAsync(s => s.WithEnv("PROJECT", "alpha beta $x"));

        var result = (await bottle.ExecAsync("id -un; echo \"$HOME|$USER|$PROJECT|$HTTPS_PROXY\"", cancellationToken: Ct)).ThrowOnFailure();

        Assert.Equal($"node\n/home/node|node|alpha beta $x|http://127.0.0.1:{BundleSpec.DefaultProxyPort}\n", result.Stdout);
        var root = (await bottle.ExecAsync("id -un", GuestUsers.Root, Ct)).ThrowOnFailure();
        Assert.Equal("root\n", root.Stdout);
    }

    [Fact]
    public async Task A_cancelled_exec_ends_its_process_in_the_guest_and_sixteen_concurrent_execs_all_answer()
    {
        await using var bottle = await LaunchAsync();
        await GuestProcesses.AssertACancelledExecEndsInTheGuestAsync(bottle);
        await GuestProcesses.AssertACancelledExecEndsItsDetachedDescendantsAsync(bottle);
        await GuestProcesses.AssertAFinishedExecKeepsItsDaemonAsync(bottle);

        // smolvm's guest agent serves eight connections at once: the others wait their turn, none fails.
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => bottle.ExecAsync($"sleep 0.5; echo {i}", cancellationToken: Ct)));
        Assert.Equal(Enumerable.Range(0, 16).Select(i => $"{i}\n"), results.Select(r => r.Stdout));
    }

    [Fact]
    public async Task Sixteen_execs_that_hold_their_connection_past_smolvm_s_3_s_ping_all_answer()
    {
        // Eight connections held for 4 s make a ninth call's 3 s ping fail "not running" in smolvm; the harness runs
        // six per machine at once, so the others wait in the harness and none reaches smolvm's limit.
        await using var bottle = await LaunchAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => bottle.ExecAsync($"sleep 4; echo {i}", cancellationToken: Ct)));

        Assert.Equal(Enumerable.Range(0, 16).Select(i => $"{i}\n"), results.Select(r => r.Stdout));
    }

    [Fact]
    public async Task The_prompt_file_lands_read_only_to_the_agent()
    {
        await using var bottle = await LaunchAsync(s => s.WithPrompt("vm prompt"));

        var stat = (await bottle.ExecAsync($"stat -c '%a %U:%G' {BottleProvisioner.PromptGuestPath}; cat {BottleProvisioner.PromptGuestPath}", cancellationToken: Ct)).ThrowOnFailure();
        var write = await bottle.ExecAsync($"echo x >> {BottleProvisioner.PromptGuestPath} && echo appended; true", cancellationToken: Ct);

        Assert.Equal("640 root:node\nvm prompt", stat.Stdout);
        Assert.Equal("", write.Stdout);
    }

    [Fact]
    public async Task The_agent_reaches_the_proxy_and_nothing_else()
    {
        await using var bottle = await LaunchAsync();
        var b = bottle.Bundle;

        var proxy = await bottle.ExecAsync($"curl -s -o /dev/null -w '%{{http_code}}' -x {b.ProxyUrl} http://not-allowed.botbottle.invalid/", cancellationToken: Ct);
        var bundleAddress = await bottle.ExecAsync(Guest.GuestScripts.TcpDial(b.Address, b.ProxyPort), cancellationToken: Ct);
        var loopback = await bottle.ExecAsync(Guest.GuestScripts.TcpDial("127.0.0.1", 9), cancellationToken: Ct);

        Assert.Equal("403", proxy.Stdout);
        Assert.DoesNotContain("connected", bundleAddress.Stdout, StringComparison.Ordinal);
        Assert.Contains("Connection refused", loopback.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_guest_that_fails_with_Error_on_stderr_is_the_guest_s_result_not_a_smolvm_failure()
    {
        await using var bottle = await LaunchAsync();

        var result = await bottle.ExecAsync("echo 'Error: vm not found: nothing' >&2; exit 1", cancellationToken: Ct);

        Assert.Equal((1, "Error: vm not found: nothing\n"), (result.ExitCode, result.Stderr));
    }

    [Fact]
    public async Task The_agent_command_line_runs_the_real_agent_with_the_backend_s_environment()
    {
        await using var bottle = await LaunchAsync();

        var exit = await bottle.ExecAgentAsync(["--version"], tty: false, Ct);

        Assert.Equal(0, exit);
    }
}

/// <summary>Real microVMs: they run unchanged on a Mac (or Linux with KVM) with smolvm and docker.</summary>
[Trait("Category", "Smolmachines")]
public sealed class RealSmolvmBottleTests : SmolmachinesBottleContract
{
    internal override SmolmachinesBackend Backend() => new(new SmolmachinesOptions { Cpus = 2, MemoryMib = 2048 });
}

/// <summary>The same contract on the emulated current smolvm: its grammar, state and errors, a container as its guest.</summary>
[Trait("Category", "EmulatedSmolvm")]
public sealed class EmulatedSmolvmBottleTests : SmolmachinesBottleContract, IDisposable
{
    private readonly EmulatedSmolvm _smolvm = new();

    internal override SmolmachinesBackend Backend() => _smolvm.Backend();

    public void Dispose() => _smolvm.Dispose();
}
