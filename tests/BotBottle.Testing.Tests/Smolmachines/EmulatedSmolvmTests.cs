using System.Diagnostics;
using System.Text.Json;
using BotBottle.Testing.Smolmachines;
using BotBottle.Testing.SmolvmEmulator;
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
        Assert.Equal(0, (await _smolvm.RunAsync("machine", "create", "--name", "m1")).ExitCode);
        var duplicate = await _smolvm.RunAsync("machine", "create", "--name", "m1");
        Assert.Equal((1, "Error: config operation failed: create machine: machine 'm1' already exists or is being created\n"), (duplicate.ExitCode, duplicate.Stderr));
        var stopped = await _smolvm.RunAsync("machine", "exec", "--name", "m1", "--", "true");
        Assert.Equal((1, "Error: agent operation failed: connect: machine 'm1' is not running. Use 'smolvm machine start --name m1' first.\n"), (stopped.ExitCode, stopped.Stderr));
        var usage = await _smolvm.RunAsync("machine", "exec", "--nme", "m1", "--", "true");
        Assert.Equal(2, usage.ExitCode);
        Assert.StartsWith("error: unexpected argument '--nme' found", usage.Stderr, StringComparison.Ordinal);
        var stop = await _smolvm.RunAsync("machine", "stop", "--name", "m1");
        Assert.Equal((0, "Machine 'm1' is not running (state: created)\n"), (stop.ExitCode, stop.Stdout));
        var unknown = await _smolvm.RunAsync("machine", "status", "--name", "ghost", "--json");
        Assert.Equal((1, "Error: config operation failed: machine status: machine 'ghost' not found\n"), (unknown.ExitCode, unknown.Stderr));
        var cancelled = await _smolvm.RunAsync("machine", "delete", "--name", "m1");
        Assert.Equal((0, "Cancelled\n"), (cancelled.ExitCode, cancelled.Stdout));
        Assert.Equal(0, (await _smolvm.RunAsync("machine", "delete", "--name", "m1", "-f")).ExitCode);
        Assert.Equal("[]", (await _smolvm.RunAsync("machine", "ls", "--json")).Stdout.Trim());
    }

    [Theory]
    [InlineData("--cpus", "0", "CPU count must be at least 1")]
    [InlineData("--mem", "63", "memory must be at least 64 MiB (got 63 MiB)")]
    public async Task Create_refuses_no_vcpus_or_under_64_MiB_and_records_nothing(string option, string value, string message)
    {
        await BackendGate.RequireAsync(_smolvm.Backend());

        var refused = await _smolvm.RunAsync("machine", "create", "--name", "m1", option, value);

        Assert.Equal((1, $"Error: config operation failed: validate resources: {message}\n"), (refused.ExitCode, refused.Stderr));
        Assert.Equal("[]", (await _smolvm.RunAsync("machine", "ls", "--json")).Stdout.Trim());
        Assert.Equal(0, (await _smolvm.RunAsync("machine", "create", "--name", "m1", option, option == "--cpus" ? "1" : "64")).ExitCode);
    }

    [Fact]
    public async Task Create_refuses_a_registry_image_on_a_machine_with_no_network()
    {
        await BackendGate.RequireAsync(_smolvm.Backend());

        var create = await _smolvm.RunAsync("machine", "create", "--name", "m1", "-I", "registry.example/agent:1");

        Assert.Equal(1, create.ExitCode);
        Assert.StartsWith("Error: config operation failed: create machine: image 'registry.example/agent:1' must be pulled from a registry, but this machine has no network", create.Stderr, StringComparison.Ordinal);
        Assert.Equal("[]", (await _smolvm.RunAsync("machine", "ls", "--json")).Stdout.Trim());
    }

    [Theory]
    [InlineData("/nonexistent/agent.tar")]
    [InlineData("./missing-image")]
    [InlineData("agent.tgz")]
    public async Task An_image_that_looks_like_a_path_is_an_archive_which_must_be_readable(string image)
    {
        await BackendGate.RequireAsync(_smolvm.Backend());

        var create = await _smolvm.RunAsync("machine", "create", "--name", "m1", "-I", image);

        Assert.Equal((1, $"Error: config operation failed: --image: cannot read archive {image}: No such file or directory (os error 2)\n"), (create.ExitCode, create.Stderr));
    }

    [Fact]
    public async Task An_archive_over_8_GiB_is_refused_at_create()
    {
        await BackendGate.RequireAsync(_smolvm.Backend());
        var big = Path.Combine(_smolvm.Directory, "big.tar");
        await using (var file = File.Create(big))
        {
            file.SetLength((8L << 30) + 1); // sparse: nothing is written
        }

        var create = await _smolvm.RunAsync("machine", "create", "--name", "m1", "-I", big);

        Assert.Equal(1, create.ExitCode);
        Assert.StartsWith($"Error: config operation failed: --image: image archive is {(8L << 30) + 1} bytes, over the {8L << 30}-byte limit.", create.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_mount_socket_host_path_is_never_checked_and_the_machine_starts()
    {
        var archive = await AgentArchiveAsync();
        Assert.Equal(0, (await _smolvm.RunAsync("machine", "create", "--name", "m1", "-I", archive, "--mount-socket", "/nonexistent/bbt.sock:/run/x.sock", "--", "/bin/sh", "-c", "while :; do sleep 3600; done")).ExitCode);
        try
        {
            var start = await _smolvm.RunAsync("machine", "start", "--name", "m1");
            Assert.True(start.ExitCode == 0, start.Stderr);
            var probe = await _smolvm.RunAsync("machine", "exec", "--name", "m1", "--", "/bin/sh", "-c", "test -e /run/x.sock; echo $?");
            Assert.Equal("1\n", probe.Stdout);
        }
        finally
        {
            await _smolvm.RunAsync("machine", "delete", "--name", "m1", "-f");
        }
    }

    [Fact]
    public async Task With_eight_connections_held_the_ninth_exec_fails_not_running_and_the_machine_is_recorded_unreachable()
    {
        var backend = _smolvm.Backend();
        await BackendGate.RequireAsync(backend);
        await using var bottle = await backend.LaunchAsync(TestImages.Spec, Ct);
        var held = Enumerable.Range(0, 8).Select(_ => _smolvm.RunAsync("machine", "exec", "--name", bottle.Name, "--", "sleep", "12")).ToList();

        // Eight emulator processes start on a loaded machine at their own pace: wait until all eight hold a slot (twice
        // in a row, since an exec's own connect ping holds one for an instant), so none can take the ninth's.
        var slots = _smolvm.Store();
        var starting = Stopwatch.StartNew();
        var full = 0;
        while (full < 2)
        {
            full = slots.HeldSlots(bottle.Name) == MachineStore.ConnectionSlots ? full + 1 : 0;
            Assert.True(starting.Elapsed < TimeSpan.FromSeconds(8), $"only {slots.HeldSlots(bottle.Name)} of the eight execs held a connection after {starting.Elapsed}");
            await Task.Delay(TimeSpan.FromMilliseconds(100), Ct);
        }

        var clock = Stopwatch.StartNew();
        var ninth = await _smolvm.RunAsync("machine", "exec", "--name", bottle.Name, "--", "true");
        var waited = clock.Elapsed;

        Assert.Equal((1, $"Error: agent operation failed: connect: machine '{bottle.Name}' is not running. Use 'smolvm machine start --name {bottle.Name}' first.\n"), (ninth.ExitCode, ninth.Stderr));
        Assert.True(waited >= TimeSpan.FromSeconds(2.9), $"the ping gave up after {waited}, not its 3 s probe timeout");
        using (var status = JsonDocument.Parse((await _smolvm.RunAsync("machine", "status", "--name", bottle.Name, "--json")).Stdout))
        {
            Assert.Equal("unreachable", status.RootElement.GetProperty("state").GetString());
        }

        Assert.All(await Task.WhenAll(held), r => Assert.Equal(0, r.ExitCode));
        Assert.Equal("ok\n", (await _smolvm.RunAsync("machine", "exec", "--name", bottle.Name, "--", "echo", "ok")).Stdout);
    }

    [Fact]
    public async Task Ls_json_keys_are_alphabetical_and_an_archive_image_is_local_and_its_sha256()
    {
        var archive = await AgentArchiveAsync();
        Assert.Equal(0, (await _smolvm.RunAsync("machine", "create", "--name", "m1", "-I", archive, "--label", "a=b")).ExitCode);
        try
        {
            using var listed = JsonDocument.Parse((await _smolvm.RunAsync("machine", "ls", "--json")).Stdout);
            var machine = Assert.Single(listed.RootElement.EnumerateArray());
            var keys = machine.EnumerateObject().Select(p => p.Name).ToList();
            Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
            await using var file = File.OpenRead(archive);
            Assert.Equal("local:" + Convert.ToHexString(await System.Security.Cryptography.SHA256.HashDataAsync(file, Ct)).ToLowerInvariant(), machine.GetProperty("image").GetString());
            Assert.Equal("b", machine.GetProperty("labels").GetProperty("a").GetString());
        }
        finally
        {
            await _smolvm.RunAsync("machine", "delete", "--name", "m1", "-f");
        }
    }

    [Fact]
    public async Task Pack_create_of_an_image_only_the_local_engine_has_fails_as_the_real_one_does()
    {
        await BackendGate.RequireAsync(_smolvm.Backend());

        var pack = await _smolvm.RunAsync("pack", "create", "-I", TestImages.Agent, "-o", Path.Combine(_smolvm.Directory, "agent"));

        Assert.Equal(1, pack.ExitCode);
        Assert.StartsWith("Error: agent operation failed: pull image: " + TestImages.Agent, pack.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(EmulatedSmolvm.TooOld, "`machine create --label` does not exist before 1.8.0")]
    [InlineData(EmulatedSmolvm.Old18, "over 1 MiB lands where the workload cannot see it")]
    public async Task Releases_before_1_9_0_are_refused_with_their_reasons_and_a_launch_creates_nothing(string release, string reason)
    {
        using var old = new EmulatedSmolvm(release);
        var backend = old.Backend();
        var report = await backend.CheckPrerequisitesAsync(Ct);
        if (report.Missing.Any(m => m.Contains("docker", StringComparison.Ordinal)))
        {
            await BackendGate.RequireAsync(new DockerBackend());
        }

        var refusal = Assert.Single(report.Missing);
        Assert.StartsWith($"smolvm {release} is older than 1.9.0: ", refusal, StringComparison.Ordinal);
        Assert.Contains(reason, refusal, StringComparison.Ordinal);
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
    public async Task A_smolvm_not_named_smolvm_is_refused_since_it_notes_a_stray_stub_on_every_command()
    {
        // Rust's file_stem, like .NET's, drops the last extension: smolvm-1.9.3 runs as "smolvm-1.9".
        using var renamed = new EmulatedSmolvm(executableName: "smolvm-1.9.3");
        var version = await renamed.RunAsync("--version");
        Assert.Equal("smolvm 1.9.3\n", version.Stdout);
        Assert.StartsWith("note: no packed assets found for 'smolvm-1.9' (looked for a 'smolvm-1.9.smolmachine' sidecar", version.Stderr, StringComparison.Ordinal);

        var report = await renamed.Backend().CheckPrerequisitesAsync(Ct);

        Assert.Contains(report.Missing, m => m.Contains("runs as 'smolvm-1.9': smolvm prints a stray-stub note", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_inherited_RUST_LOG_does_not_reach_smolvm_so_its_error_is_one_line()
    {
        using var traced = new EmulatedSmolvm(inheritedRustLog: "debug");
        var raw = await traced.RunAsync("machine", "stop", "--name", "ghost");
        Assert.Matches(@"^\S+Z DEBUG command failed error=vm not found: ghost\nError: vm not found: ghost\n$", raw.Stderr);
        var cli = new SmolvmCli(traced.ExecutablePath, traced.Options.Environment, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        var error = await Assert.ThrowsAsync<SmolvmException>(() => cli.RunCheckedAsync(["machine", "stop", "--name", "ghost"], Ct));
        var exec = await Assert.ThrowsAsync<SmolvmException>(() => cli.ExecAsync("ghost", ["true"], [], Ct));

        Assert.Equal("Error: vm not found: ghost\n", error.Stderr);
        Assert.Equal("Error: vm not found: ghost\n", exec.Stderr);
    }

    [Fact]
    public async Task A_smolvm_panic_in_an_exec_is_smolvm_s_failure_not_the_guest_s_exit_101()
    {
        var cli = new SmolvmCli(_smolvm.ExecutablePath, new Dictionary<string, string?>(_smolvm.Options.Environment) { ["SMOLVM_EMULATOR_FAULT"] = "panic:machine exec" }, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        var error = await Assert.ThrowsAsync<SmolvmException>(() => cli.ExecAsync("m1", ["true"], [], Ct));

        Assert.Equal(101, error.ExitCode);
        Assert.Contains("thread 'main' panicked at ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mount_socket_bridge_that_fails_fails_the_launch_at_readiness_though_the_relay_listens()
    {
        var backend = new SmolmachinesBackend(_smolvm.Options with
        {
            Environment = new Dictionary<string, string?>(_smolvm.Options.Environment) { ["SMOLVM_EMULATOR_FAULT"] = "mount-socket" },
        });
        await BackendGate.RequireAsync(backend);

        var error = await Assert.ThrowsAsync<BottleLaunchException>(() => backend.LaunchAsync(TestImages.Spec, Ct));

        Assert.Contains("the proxy socket is not in the guest (/run/botbottle/proxy.sock): smolvm did not bridge --mount-socket", error.Message, StringComparison.Ordinal);
        Assert.Equal("[]", (await _smolvm.RunAsync("machine", "ls", "--json")).Stdout.Trim());
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
        await using var bridge = ProxyBridge.Start(port, null, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => bridge.PreflightAsync("Docker Desktop", Ct));

        Assert.Contains($"the bundle's proxy did not answer through 127.0.0.1:{port}, where Docker Desktop should publish it", error.Message, StringComparison.Ordinal);
        Assert.Contains("Docker Desktop publishes container ports on the Mac's localhost", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The reference agent image as a `docker save` archive, once the backend's prerequisites are met.</summary>
    private async Task<string> AgentArchiveAsync()
    {
        await BackendGate.RequireAsync(_smolvm.Backend());
        var engine = await EngineProvider.For().GetAsync(Ct);
        return await ImageArchives.GetAsync(engine, TestImages.Agent, _smolvm.Options.ImageCacheDirectory!, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, Ct);
    }

    private static (int, string) Pick((int ExitCode, string Stdout, string Stderr) result) => (result.ExitCode, result.Stdout);
}
