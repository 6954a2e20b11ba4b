using System.Diagnostics;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Engine;
using BotBottle.Testing.Images;
using BotBottle.Testing.Launch;
using BotBottle.Testing.Processes;
using Microsoft.Extensions.Logging;
using BotBottle.Testing.Diagnostics;

namespace BotBottle.Testing.Smolmachines.Doctor;

/// <summary>What the doctor launches, and where its support bundle goes.</summary>
internal sealed record DoctorSettings
{
    public required string AgentImage { get; init; }

    public required string BundleImage { get; init; }

    /// <summary>Env the bottle declares (its values are secrets: masked in everything the doctor writes).</summary>
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    /// <summary>The folder the support bundle is written under.</summary>
    public required string OutputDirectory { get; init; }
}

/// <summary>What a doctor run found: its steps in order, the prerequisite report, and the support bundle it wrote.</summary>
internal sealed record DoctorReport(string Subject, IReadOnlyList<DoctorStep> Steps, PrerequisiteReport Prerequisites, string BundleDirectory, string BundleZip)
{
    public bool Passed => Steps.All(s => s.Outcome == DoctorOutcome.Pass);
}

/// <summary>
/// <c>botbottle doctor --backend smolmachines</c>: a short live check on this machine, one step at a time (smolvm, its
/// version and the minimum, the hypervisor, the docker engine, the reference images, then a real bottle: the machine
/// created from the agent image's archive, started, an exec, the bundle's proxy through the guest's socket, teardown).
/// Every smolvm call is recorded where <see cref="SmolvmCli"/> runs it; the support bundle carries them with the steps
/// and the prerequisite report, every registered secret masked.
/// </summary>
internal sealed class SmolmachinesDoctor(SmolmachinesOptions options, DoctorSettings settings, ILogger logger)
{
    public const string Found = "smolvm found";
    public const string Version = "smolvm version";
    public const string Minimum = "minimum version";
    public const string Hypervisor = "hypervisor available";
    public const string Docker = "docker engine reachable";
    public const string ImagesPresent = "reference images present";
    public const string Bundle = "bundle started";
    public const string Created = "machine created";
    public const string Started = "machine started";
    public const string Exec = "exec answers";
    public const string Proxy = "proxy answers through the guest";
    public const string Teardown = "teardown";

    /// <summary>Every step, in the order it runs.</summary>
    public static readonly IReadOnlyList<string> StepNames = [Found, Version, Minimum, Hypervisor, Docker, ImagesPresent, Bundle, Created, Started, Exec, Proxy, Teardown];

    private readonly SmolvmCallLog _calls = new();
    private readonly List<DoctorStep> _steps = [];

    public async Task<DoctorReport> RunAsync(CancellationToken cancellationToken)
    {
        SecretValues.Register(settings.Env.Values);
        var backend = new SmolmachinesBackend(options with { CallLog = _calls }, logger);
        var prerequisites = await backend.CheckPrerequisitesAsync(cancellationToken).ConfigureAwait(false);
        var subject = SmolmachinesBackend.BackendName;

        var path = await StepAsync(Found, () => Task.FromResult(ToolLocator.Find(options.Smolvm, options.SearchPath) is { } p ? (true, p) : (false, $"`{options.Smolvm}` not found on PATH"))).ConfigureAwait(false);
        SmolvmVersion? version = null;
        if (path)
        {
            path = await StepAsync(Version, async () =>
            {
                var cli = await backend.GetCliAsync(cancellationToken).ConfigureAwait(false);
                version = await cli.GetVersionAsync(cancellationToken).ConfigureAwait(false);
                subject = SmolmachinesAgentLauncher.Describe(version, options.Platform);
                return (true, $"{(options.Platform.IsEmulator ? "emulated " : "")}smolvm {version} at {cli.Executable}");
            }).ConfigureAwait(false);
        }

        var ok = path && await StepAsync(Minimum, () => Task.FromResult(version!.Refusal is { } refusal ? (false, refusal) : (true, $"{version} ≥ {SmolvmVersion.MinimumSupported.ToString(3)}"))).ConfigureAwait(false);
        ok = await StepAsync(Hypervisor, () => Task.FromResult(options.Platform.HypervisorProblem() is { } problem ? (false, problem)
            : (true, options.Platform.IsEmulator ? "none needed: emulated smolvm runs its guest in a container, not a VM" : options.Platform.IsDarwin ? "macOS (Hypervisor.framework)" : "read/write " + options.Platform.KvmDevice))).ConfigureAwait(false) && ok;
        DockerEngine? engine = null;
        ok = await StepAsync(Docker, async () =>
        {
            var engines = EngineProvider.For(options.DockerEndpoint);
            if (await engines.CheckAvailableAsync(cancellationToken).ConfigureAwait(false) is { } problem)
            {
                return (false, problem);
            }

            engine = await engines.GetAsync(cancellationToken).ConfigureAwait(false);
            return (true, $"{engine.Product}, {engine.Description}, at {engine.Endpoint}");
        }).ConfigureAwait(false) && ok;
        ok = engine is not null && await StepAsync(ImagesPresent, async () =>
        {
            await EngineImages.RequireAsync(engine, [settings.AgentImage, settings.BundleImage], cancellationToken).ConfigureAwait(false);
            return (true, settings.AgentImage + ", " + settings.BundleImage);
        }).ConfigureAwait(false) && ok;

        if (ok)
        {
            await BottleStepsAsync(backend, cancellationToken).ConfigureAwait(false);
        }

        foreach (var name in StepNames.Where(n => _steps.All(s => s.Name != n)))
        {
            _steps.Add(new DoctorStep(name, DoctorOutcome.Skipped, "an earlier step failed", TimeSpan.Zero));
        }

        _steps.Sort((a, b) => IndexOf(a.Name).CompareTo(IndexOf(b.Name)));
        var written = await SupportBundle.WriteAsync(settings.OutputDirectory, subject, _steps, prerequisites, _calls.Calls, cancellationToken).ConfigureAwait(false);
        return new DoctorReport(subject, [.. _steps], prerequisites, written.Directory, written.Zip);
    }

    private static int IndexOf(string step) => StepNames.ToList().IndexOf(step);

    /// <summary>A real bottle: launched (bundle, machine created, started, answering, the proxy through its socket), one exec and one proxied request, then torn down.</summary>
    private async Task BottleStepsAsync(SmolmachinesBackend backend, CancellationToken cancellationToken)
    {
        var spec = new BottleSpec(settings.AgentImage, new BundleSpec(settings.BundleImage));
        foreach (var (key, value) in settings.Env)
        {
            spec = spec.WithEnv(key, value);
        }

        var clock = Stopwatch.StartNew();
        IBottle bottle;
        try
        {
            bottle = await backend.LaunchAsync(spec, cancellationToken).ConfigureAwait(false);
        }
        catch (BottleLaunchException failed)
        {
            RecordLaunchFailure(failed, clock.Elapsed);
            await StepAsync(Teardown, () => LeftOverAsync(backend, failed.BottleName, failed.TeardownFailures.Count == 0 ? "the failed launch unwound" : "the failed launch's teardown: " + string.Join("; ", failed.TeardownFailures.Select(f => f.Message)), cancellationToken)).ConfigureAwait(false);
            return;
        }

        var name = bottle.Name;
        try
        {
            _steps.Add(new DoctorStep(Bundle, DoctorOutcome.Pass, $"proxy {bottle.Bundle.ProxyUrl} as the agent sees it", TimeSpan.Zero));
            _steps.Add(new DoctorStep(Created, DoctorOutcome.Pass, CallDetail("create", name), CallDuration("create", name)));
            _steps.Add(new DoctorStep(Started, DoctorOutcome.Pass, CallDetail("start", name) + $"; launch ready in {clock.Elapsed.TotalSeconds:0.0} s", CallDuration("start", name)));
            await StepAsync(Exec, async () =>
            {
                var result = await bottle.ExecAsync("echo doctor-ok; id -un", cancellationToken: cancellationToken).ConfigureAwait(false);
                return (result.ExitCode == 0 && result.Stdout.StartsWith("doctor-ok\n", StringComparison.Ordinal), $"exit {result.ExitCode}, stdout '{result.Stdout.Trim()}', stderr '{result.Stderr.Trim()}'");
            }).ConfigureAwait(false);
            await StepAsync(Proxy, async () =>
            {
                // Through the guest's relay, the mounted socket and the host bridge: the proxy answers a name it does not allow itself.
                var result = await bottle.ExecAsync("curl -s -o /dev/null -w '%{http_code}' --max-time 10 -x \"$HTTP_PROXY\" http://doctor.botbottle.invalid/", cancellationToken: cancellationToken).ConfigureAwait(false);
                var code = result.Stdout.Trim();
                return (code.Length == 3 && code != "000", $"HTTP {code} from the proxy through {SmolvmCommands.GuestProxySocket} (exit {result.ExitCode}{(result.Stderr.Trim().Length > 0 ? ", stderr " + result.Stderr.Trim() : "")})");
            }).ConfigureAwait(false);
        }
        finally
        {
            await StepAsync(Teardown, async () =>
            {
                await bottle.DisposeAsync().ConfigureAwait(false);
                return await LeftOverAsync(backend, name, "bottle disposed", cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
    }

    /// <summary>Maps the launch step that failed onto the doctor's steps: the ones before it passed, it failed, the rest are skipped.</summary>
    private void RecordLaunchFailure(BottleLaunchException failed, TimeSpan elapsed)
    {
        var reason = $"launch step '{failed.Step}': {failed.InnerException?.Message ?? failed.Message}";
        var name = failed.BottleName;
        var started = _calls.Calls.Any(c => IsCall(c, "start", name) && c.ExitCode == 0);
        var failing = failed.Step switch
        {
            "create bundle" or "start bundle" or "wait for bundle" => Bundle,
            "prepare" or "create agent" => Created,
            "start agent" => started ? Exec : Started,
            "wait for exec" => Proxy,
            _ => Exec,
        };
        foreach (var step in new[] { Bundle, Created, Started, Exec, Proxy })
        {
            if (step == failing)
            {
                _steps.Add(new DoctorStep(step, DoctorOutcome.Fail, reason, elapsed));
                return;
            }

            _steps.Add(new DoctorStep(step, DoctorOutcome.Pass, step switch { Created => CallDetail("create", name), Started => CallDetail("start", name), _ => "" }, TimeSpan.Zero));
        }
    }

    /// <summary>Passes when <c>machine ls --json</c> no longer lists the bottle's machine.</summary>
    private async Task<(bool, string)> LeftOverAsync(SmolmachinesBackend backend, string name, string what, CancellationToken cancellationToken)
    {
        var cli = await backend.GetCliAsync(cancellationToken).ConfigureAwait(false);
        var listed = await cli.RunCheckedAsync(SmolvmCommands.List(), cancellationToken).ConfigureAwait(false);
        using var machines = System.Text.Json.JsonDocument.Parse(listed.Stdout);
        var left = machines.RootElement.EnumerateArray().Any(m => m.TryGetProperty("name", out var n) && n.GetString() == name);
        return left ? (false, $"{what}, but `smolvm machine ls --json` still lists '{name}'") : (true, $"{what}; `smolvm machine ls --json` no longer lists '{name}'");
    }

    private static bool IsCall(SmolvmCall call, string verb, string name) =>
        call.Argv.Count > 2 && call.Argv[0] == "machine" && call.Argv[1] == verb && call.Argv.Contains(name, StringComparer.Ordinal);

    private string CallDetail(string verb, string name) =>
        _calls.Calls.LastOrDefault(c => IsCall(c, verb, name)) is { } call ? $"`smolvm machine {verb}` exit {call.ExitCode} in {call.Duration.TotalSeconds:0.0} s" : $"no `smolvm machine {verb}` was run";

    private TimeSpan CallDuration(string verb, string name) => _calls.Calls.LastOrDefault(c => IsCall(c, verb, name))?.Duration ?? TimeSpan.Zero;

    /// <summary>Runs one step: its result, or the exception it threw, as pass or fail with what it found.</summary>
    private async Task<bool> StepAsync(string name, Func<Task<(bool Passed, string Detail)>> check)
    {
        var clock = Stopwatch.StartNew();
        (bool Passed, string Detail) result;
        try
        {
            result = await check().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            result = (false, e.Message);
        }

        _steps.Add(new DoctorStep(name, result.Passed ? DoctorOutcome.Pass : DoctorOutcome.Fail, result.Detail, clock.Elapsed));
        return result.Passed;
    }
}
