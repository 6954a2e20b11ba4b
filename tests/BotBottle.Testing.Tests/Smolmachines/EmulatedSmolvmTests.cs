using System.Diagnostics;
using System.Text.Json;
using BotBottle.Testing.Smolmachines;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Smolmachines;

/// <summary>
/// The emulated smolvm CLI behaves like the release it names (messages, exit codes, state, its guest's limits),
/// and the backend meets it the way it would meet the real one: refusal below 1.8.0, labels the reaper reads,
/// a preflight that names the engine, a bridge resolved before anything is created.
/// </summary>
[Trait("Category", "EmulatedSmolvm")]
public sealed class EmulatedSmolvmTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly EmulatedSmolvm _smolvm = new();

    public void Dispose() => _smolvm.Dispose();

    [Fact]
    public async Task It_answers_like_smolvm_for_unknown_and_stopped_machines_duplicates_and_usage_errors()
    {
        await BackendGate.RequireAsync(_smolvm.Backend());

        Assert.Equal((0, "smolvm 1.9.3\n"), Pick(await _smolvm.RunAsync("--version")));
        Assert.Equal((1, "Error: vm not found: ghost\n"), (await _smolvm.RunAsync("machine", "exec", "--name", "ghost", "--", "true")) is var r ? (r.ExitCode, r.Stderr) : default);
        Assert.Equal(0, (await _smolvm.RunAsync("machine", "create", "--name", "m1", "-I", "registry.example/agent:1")).ExitCode);
        var duplicate = await _smolvm.RunAsync("machine", "create", "--name", "m1");
        Assert.Equal((1, "Error: config operation failed: create machine: machine 'm1' already exists or is being created\n"), (duplicate.ExitCode, duplicate.Stderr));
        var stopped = await _smolvm.RunAsync("machine", "exec", "--name", "m1", "--", "true");
        Assert.Equal((1, "Error: agent operation failed: connect: machine 'm1' is not running. Use 'smolvm machine start --name m1' first.\n"), (stopped.ExitCode, stopped.Stderr));
        var usage = await _smolvm.RunAsync("machine", "exec", "--nme", "m1", "--", "true");
        Assert.Equal(2, usage.ExitCode);
        Assert.StartsWith("error: unexpected argument '--nme' found", usage.Stderr, StringComparison.Ordinal);
        var stop = await _smolvm.RunAsync("machine", "stop", "--name", "m1");
        Assert.Equal((0, "Machine 'm1' is not running (state: stopped)\n"), (stop.ExitCode, stop.Stdout));
        var cancelled = await _smolvm.RunAsync("machine", "delete", "--name", "m1");
        Assert.Equal((0, "Cancelled\n"), (cancelled.ExitCode, cancelled.Stdout));
        Assert.Equal(0, (await _smolvm.RunAsync("machine", "delete", "--name", "m1", "-f")).ExitCode);
        Assert.Equal("[]", (await _smolvm.RunAsync("machine", "ls", "--json")).Stdout.Trim());
    }

    [Fact]
    public async Task Pack_create_of_an_image_only_the_local_engine_has_fails_as_the_real_one_does()
    {
        await BackendGate.RequireAsync(_smolvm.Backend());

        var pack = await _smolvm.RunAsync("pack", "create", "-I", TestImages.Agent, "-o", Path.Combine(_smolvm.Directory, "agent"));

        Assert.Equal(1, pack.ExitCode);
        Assert.StartsWith("Error: agent operation failed: pull image: " + TestImages.Agent, pack.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Release_1_7_7_is_refused_with_the_reason_and_a_launch_creates_nothing()
    {
        using var old = new EmulatedSmolvm(EmulatedSmolvm.TooOld);
        var backend = old.Backend();
        var report = await backend.CheckPrerequisitesAsync(Ct);
        if (report.Missing.Any(m => m.Contains("docker", StringComparison.Ordinal)))
        {
            await BackendGate.RequireAsync(new DockerBackend());
        }

        var refusal = Assert.Single(report.Missing);
        Assert.StartsWith("smolvm 1.7.7 is older than 1.8.0: the egress policy would not be applied", refusal, StringComparison.Ordinal);
        var launch = await Assert.ThrowsAsync<BottleLaunchException>(() => backend.LaunchAsync(TestImages.Spec, Ct));
        Assert.Equal("prepare", launch.Step);
        Assert.Equal("[]", (await old.RunAsync("machine", "ls", "--json")).Stdout.Trim());
    }

    [Fact]
    public async Task Machines_carry_the_harness_labels_read_back_with_ls_json()
    {
        var backend = _smolvm.Backend();
        await BackendGate.RequireAsync(backend);
        await using var bottle = await backend.LaunchAsync(TestImages.Spec, Ct);

        using var listed = JsonDocument.Parse((await _smolvm.RunAsync("machine", "ls", "--json")).Stdout);
        var machine = Assert.Single(listed.RootElement.EnumerateArray());
        Assert.Equal(bottle.Name, machine.GetProperty("name").GetString());
        Assert.Equal("running", machine.GetProperty("state").GetString());
        var labels = machine.GetProperty("labels");
        Assert.Equal(BottleNames.SessionId, labels.GetProperty("dev.botbottle.session").GetString());
        Assert.Equal(bottle.Name, labels.GetProperty("dev.botbottle.bottle").GetString());
        Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), labels.GetProperty("dev.botbottle.pid").GetString());

        await bottle.DisposeAsync();
        Assert.Equal("[]", (await _smolvm.RunAsync("machine", "ls", "--json")).Stdout.Trim());
    }

    [Fact]
    public async Task The_guest_runs_output_limits_signals_timeouts_and_eight_connections_like_smolvm_s()
    {
        var backend = _smolvm.Backend();
        await BackendGate.RequireAsync(backend);
        await using var bottle = await backend.LaunchAsync(TestImages.Spec, Ct);

        // Buffered: all of stdout, then all of stderr; 128+signal; --timeout ends with 124 and says so.
        var order = await _smolvm.RunAsync("machine", "exec", "--name", bottle.Name, "--", "/bin/sh", "-c", "echo out1; echo err1 >&2; echo out2");
        Assert.Equal(("out1\nout2\n", "err1\n"), (order.Stdout, order.Stderr));
        Assert.Equal(137, (await bottle.ExecAsync("kill -KILL $$", cancellationToken: Ct)).ExitCode);
        var timedOut = await _smolvm.RunAsync("machine", "exec", "--name", bottle.Name, "--timeout", "1s", "--", "sleep", "30");
        Assert.Equal(124, timedOut.ExitCode);
        Assert.EndsWith("command timed out after 1000ms", timedOut.Stderr, StringComparison.Ordinal);

        // Sixteen one-second execs at once: eight connections at a time, the rest queue (two rounds, none fails).
        var clock = Stopwatch.StartNew();
        var execs = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => bottle.ExecAsync("sleep 1; echo done", cancellationToken: Ct)));
        Assert.All(execs, e => Assert.Equal((0, "done\n"), (e.ExitCode, e.Stdout)));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2), $"16 execs of 1 s took {clock.Elapsed}: more than eight ran at once");
    }

    [Fact]
    public async Task A_missing_resize_bridge_fails_the_launch_in_its_first_step_and_creates_nothing()
    {
        var backend = new SmolmachinesBackend(_smolvm.Options with { AlwaysBridgeTerminalSize = true, PtyBridgeCommand = ["/nonexistent/botbottle-pty-bridge"] });
        await BackendGate.RequireAsync(backend);

        var error = await Assert.ThrowsAsync<BottleLaunchException>(() => backend.LaunchAsync(TestImages.Spec, Ct));

        Assert.Equal("prepare", error.Step);
        Assert.Contains("/nonexistent/botbottle-pty-bridge", error.Message, StringComparison.Ordinal);
        var engine = await EngineProvider.For().GetAsync(Ct);
        Assert.DoesNotContain(await EngineSweeper.ListAsync(engine.Client, BottleNames.SessionId, Ct), r => r.Contains(error.BottleName, StringComparison.Ordinal));
        Assert.Equal("[]", (await _smolvm.RunAsync("machine", "ls", "--json")).Stdout.Trim());
    }

    [Fact]
    public async Task The_preflight_names_the_engine_and_what_to_check_when_the_proxy_path_does_not_answer()
    {
        // A published port nothing listens on: the path from the host to the proxy is broken.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var bridge = ProxyBridge.Start(port, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => bridge.PreflightAsync("Docker Desktop", Ct));

        Assert.Contains($"the bundle's proxy did not answer through 127.0.0.1:{port}, where Docker Desktop should publish it", error.Message, StringComparison.Ordinal);
        Assert.Contains("Docker Desktop publishes container ports on the Mac's localhost", error.Message, StringComparison.Ordinal);
    }

    private static (int, string) Pick((int ExitCode, string Stdout, string Stderr) result) => (result.ExitCode, result.Stdout);
}
