using BotBottle.Testing.Checks;
using BotBottle.Testing.Conformance.Results;
using System.Diagnostics;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Conformance.Checks;
using BotBottle.Testing.Conformance.Spec;
using BotBottle.Testing.Diagnostics;
using BotBottle.Testing.Docker;
using BotBottle.Testing.Guest;
using BotBottle.Testing.Images;
using BotBottle.Testing.Launch;
using BotBottle.Testing.Probes;
using BotBottle.Testing.Sessions;
using Microsoft.Extensions.Logging;

namespace BotBottle.Testing.Conformance.Run;

/// <summary>
/// Runs a conformance spec against an agent image: the image-stage checks once, in the image as
/// shipped; then, per backend, one bottle (with the probe range and a neighbour when the spec has
/// probes) and every bottle-stage check. In the bottle only the agent user's execs run; a check's exec as
/// root (or any other user) runs in a throwaway container of the image with no network, one per exec. A backend that cannot run here is reported as skipped, with
/// why; one that is required (BOTBOTTLE_REQUIRE) but missing fails its launch check.
/// </summary>
public static class ConformanceRunner
{
    /// <summary>Runs <paramref name="spec"/> and returns every result on every backend.</summary>
    /// <param name="spec">The checks.</param>
    /// <param name="options">Image, bundle and backends.</param>
    /// <param name="log">Receives progress lines.</param>
    /// <param name="logger">Receives the backends' own log.</param>
    /// <param name="cancellationToken">Stops the run; everything started is torn down.</param>
    public static async Task<ConformanceReport> RunAsync(ConformanceSpec spec, ConformanceOptions options, Action<string>? log = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        var write = log ?? (_ => { });
        log = line => write(SecretValues.Mask(line));
        SecretValues.Register(options.Env.Values);
        var clock = Stopwatch.StartNew();
        var (image, imageMissing) = await RunImageStageAsync(spec, options, log, cancellationToken).ConfigureAwait(false);
        var runs = new List<BackendRun>();
        foreach (var backend in options.Backends)
        {
            var run = await RunBackendAsync(spec, options, backend, image, imageMissing, log, logger, cancellationToken).ConfigureAwait(false);
            runs.Add(run with { Label = DistinctLabel(run.Label, runs) });
        }

        return new ConformanceReport(spec.Name, spec.Source, options.AgentImage, options.BundleImage, spec.ReportIds, runs, clock.Elapsed);
    }

    /// <summary>
    /// <paramref name="label"/>, or where an earlier run has it already (two backends of one kind, alike), the same with
    /// " #2", " #3"…, so every report keys each run by a label of its own.
    /// </summary>
    internal static string DistinctLabel(string label, IReadOnlyCollection<BackendRun> earlier)
    {
        var candidate = label;
        for (var n = 2; earlier.Any(r => r.Label == candidate); n++)
        {
            candidate = $"{label} #{n}";
        }

        return candidate;
    }

    /// <summary>The image checks' results, and whether the image is missing from the engine (then they are skipped and the launch fails once, naming it).</summary>
    private static async Task<(IReadOnlyDictionary<string, CheckResult> Results, bool ImageMissing)> RunImageStageAsync(ConformanceSpec spec, ConformanceOptions options, Action<string> log, CancellationToken cancellationToken)
    {
        var checks = spec.Checks.Where(c => c.Stage == CheckStage.Image).ToList();
        if (checks.Count == 0)
        {
            return (new Dictionary<string, CheckResult>(), false);
        }

        var endpoint = ImageEndpoint(options);
        var gate = SessionGate.For(await new DockerBackend(new DockerBackendOptions { Endpoint = endpoint }).CheckPrerequisitesAsync(cancellationToken).ConfigureAwait(false));
        if (gate.Kind != SessionGateKind.Ready)
        {
            var outcome = new Finding(gate.Kind == SessionGateKind.Skip ? Verdict.Skipped : Verdict.Failed, "the image is inspected in a docker container: " + gate.Reason);
            return (checks.ToDictionary(c => c.Id, c => CheckScheduler.Result(c, outcome, TimeSpan.Zero), StringComparer.Ordinal), false);
        }

        var clock = Stopwatch.StartNew();
        ImageInspector inspector;
        try
        {
            inspector = await ImageInspector.StartAsync(options.AgentImage, endpoint, cancellationToken, withFiles: true).ConfigureAwait(false);
        }
        catch (BottleImageNotFoundException e)
        {
            // One failure says it (the launch's, naming the image and how to get it), not one per image check.
            var outcome = Finding.Skip($"the image is not in the engine, so it was not inspected (see {ConformanceSpec.LaunchCheckId}): {e.Message}");
            return (checks.ToDictionary(c => c.Id, c => CheckScheduler.Result(c, outcome, TimeSpan.Zero), StringComparer.Ordinal), true);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var outcome = Finding.Fail($"the image {options.AgentImage} could not be started for inspection: {e.Message}");
            return (checks.ToDictionary(c => c.Id, c => CheckScheduler.Result(c, outcome, TimeSpan.Zero), StringComparer.Ordinal), false);
        }

        await using (inspector.ConfigureAwait(false))
        {
            var context = new ConformanceContext("image", spec.Agent, inspector.ExecAsync, bottle: null, agentStart: null, probes: null, imageFiles: inspector.Files);
            var results = await CheckScheduler.RunAsync(checks, context, new Dictionary<string, CheckResult>(), cancellationToken).ConfigureAwait(false);
            log($"image stage: {checks.Count} checks on {options.AgentImage} as shipped in {clock.ElapsedMilliseconds} ms");
            return (results, false);
        }
    }

    private static async Task<BackendRun> RunBackendAsync(
        ConformanceSpec spec, ConformanceOptions options, BottleBackend configured, IReadOnlyDictionary<string, CheckResult> image, bool imageMissing, Action<string> log, ILogger? logger, CancellationToken cancellationToken)
    {
        var launchCheck = new LaunchCheck(spec.LaunchNeeds);
        var bottleChecks = spec.Checks.Where(c => c.Stage == CheckStage.Bottle).Select(c => c with { Needs = [ConformanceSpec.LaunchCheckId, .. c.Needs] }).ToList();
        var settled = new Dictionary<string, CheckResult>(image, StringComparer.Ordinal);

        var backend = configured.Name;
        var prerequisites = await configured.CheckPrerequisitesAsync(cancellationToken).ConfigureAwait(false);
        var label = prerequisites.IsSatisfied ? await configured.LabelAsync(cancellationToken).ConfigureAwait(false) : configured.Label ?? backend;
        var gate = SessionGate.For(prerequisites);
        if (gate.Kind == SessionGateKind.Skip)
        {
            log($"{backend}: skipped: {gate.Reason}");
            // Image-stage results are the image's, whatever the backend; a backend that cannot run here shows none of them.
            return Assemble(spec, backend, gate.Reason, new Dictionary<string, CheckResult>(), [.. spec.Checks.Where(c => c.Stage == CheckStage.Image), launchCheck, .. bottleChecks],
                Finding.Skip($"the {backend} backend cannot run here: {gate.Reason}"), label);
        }

        // A missing image skipped the image checks; the launch then fails at once, saying which image and how to get it.
        var unmet = imageMissing ? [] : spec.LaunchNeeds.Where(n => settled.TryGetValue(n, out var r) && r.Verdict != Verdict.Passed).ToList();
        if (gate.Kind == SessionGateKind.Fail || unmet.Count > 0)
        {
            var outcome = gate.Kind == SessionGateKind.Fail ? Finding.Fail(gate.Reason) : Finding.Skip($"needs {string.Join(", ", unmet)}, which did not pass, so no bottle was launched");
            settled[launchCheck.Id] = CheckScheduler.Result(launchCheck, outcome, TimeSpan.Zero);
            return Assemble(spec, backend, null, settled, bottleChecks, Finding.Skip($"needs {ConformanceSpec.LaunchCheckId}, which {(outcome.Verdict == Verdict.Failed ? "failed" : "was skipped")}"), label);
        }

        var bottle = new BottleBuilder()
            .WithBackend(configured)
            .WithAgentImage(options.AgentImage)
            .WithBundleImage(options.BundleImage)
            .WithAgentCommand([.. spec.Agent.Command])
            .WithAgentWorkdir(spec.Agent.Workdir ?? GuestUsers.HomeOf(GuestUsers.Agent));
        foreach (var (key, value) in options.Env)
        {
            bottle = bottle.WithEnv(key, value);
        }

        var sessionOptions = new BottleSessionOptions
        {
            Bottle = bottle,
            WithProbeRange = spec.HasProbes,
            WithNeighbour = spec.Checks.OfType<ProbeConformanceCheck>().Any(p => p.NeedsNeighbour),
            DecoyImage = options.DecoyImage,
            Catalogue = options.Catalogue.WithDaemons(spec.Checks.OfType<ProbeConformanceCheck>().Select(p => p.Daemon).OfType<CatalogueOptions.LoopbackDaemon>()),
        };
        var session = await BottleSession.StartAsync(sessionOptions, line => log($"{backend}: {line}"), logger, cancellationToken).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            var launched = await LaunchOutcomeAsync(session, spec.Agent, cancellationToken).ConfigureAwait(false);
            settled[launchCheck.Id] = CheckScheduler.Result(launchCheck, launched, session.LaunchDuration);
            if (launched.Verdict != Verdict.Passed)
            {
                return Assemble(spec, backend, null, settled, bottleChecks, Finding.Skip($"needs {ConformanceSpec.LaunchCheckId}, which failed"), label);
            }

            var running = session.Bottle!;
            var probeIds = spec.Checks.OfType<ProbeConformanceCheck>().Select(p => p.CatalogueId).ToHashSet(StringComparer.Ordinal);
            var context = new ConformanceContext(
                backend,
                spec.Agent,
                (script, user, ct) => running.ExecAsync(script, user, ct),
                running,
                (command, argv) => running.AgentHostCommand(argv, tty: false, command),
                () => IsolationBattery.RunAsync(session.IsolationChecks.Where(c => probeIds.Contains(c.Id)).ToList(), NetworkTool.Auto, cancellationToken),
                elsewhere: (script, user, ct) => ImageInspector.RunOnceAsync(options.AgentImage, configured.EngineEndpoint ?? ImageEndpoint(options), script, user, ct));
            var clock = Stopwatch.StartNew();
            var results = await CheckScheduler.RunAsync(bottleChecks, context, settled, cancellationToken).ConfigureAwait(false);
            log($"{backend}: {bottleChecks.Count} bottle checks in {clock.ElapsedMilliseconds} ms");
            return Assemble(spec, backend, null, results, [], Finding.Skip("not reached"), label);
        }
    }

    /// <summary>The engine the image is inspected on: the one the backends name (a docker backend at another DOCKER_HOST), else the default.</summary>
    private static Uri? ImageEndpoint(ConformanceOptions options) => options.Backends.Select(b => b.EngineEndpoint).FirstOrDefault(e => e is not null);

    private static async Task<Finding> LaunchOutcomeAsync(BottleSession session, AgentSettings agent, CancellationToken cancellationToken)
    {
        var gate = session.Gate;
        if (gate.Kind != SessionGateKind.Ready)
        {
                        // The evidence is the causes' messages, never a stack trace (it ends up in build logs and reports).
            return gate.Kind == SessionGateKind.Skip ? Finding.Skip(gate.Reason) : Finding.Fail(gate.Reason, Causes(gate.Cause, gate.Reason));
        }

        if (agent.Workdir is { } workdir && workdir != GuestUsers.HomeOf(GuestUsers.Agent))
        {
            var made = await session.Bottle!.ExecAsync("mkdir -p " + ShellQuoting.Quote(workdir), GuestUsers.Agent, cancellationToken).ConfigureAwait(false);
            if (!made.Succeeded)
            {
                return Finding.Fail($"the bottle launched, but the agent's workdir {workdir} could not be created as {GuestUsers.Agent}: {made.Stderr.Trim()}");
            }
        }

        var bottle = session.Bottle!;
        var security = bottle.AgentSecurity is { } settings ? "; agent " + settings : "";
        return Finding.Pass($"launched on {bottle.BackendLabel} in {session.LaunchDuration.TotalMilliseconds:0} ms{security}");
    }

    private static string Causes(Exception? cause, string reason)
    {
        var messages = new List<string>();
        for (var e = cause?.InnerException; e is not null; e = e.InnerException)
        {
            if (!reason.Contains(e.Message, StringComparison.Ordinal))
            {
                messages.Add($"{e.GetType().Name}: {e.Message}");
            }
        }

        return string.Join("\n", messages);
    }

    private static BackendRun Assemble(ConformanceSpec spec, string backend, string? skipped, IReadOnlyDictionary<string, CheckResult> settled, IEnumerable<ConformanceCheck> unrun, Finding unrunOutcome, string? label = null)
    {
        var all = new Dictionary<string, CheckResult>(settled, StringComparer.Ordinal);
        foreach (var check in unrun)
        {
            all.TryAdd(check.Id, CheckScheduler.Result(check, unrunOutcome, TimeSpan.Zero));
        }

        // Secrets are masked by value in everything a report, a test case or a log line shows (SecretValues).
        var results = spec.ReportIds.Where(all.ContainsKey).Select(id => all[id] is var r
            ? r with { Message = SecretValues.Mask(r.Message), Evidence = SecretValues.Mask(r.Evidence), Hint = SecretValues.MaskOrNull(r.Hint) }
            : r).ToList();
        return new BackendRun(backend, SecretValues.MaskOrNull(skipped), results) { Label = label ?? backend };
    }

    /// <summary>The pseudo-check for the launch itself (a row of its own in every report).</summary>
    private sealed record LaunchCheck : ConformanceCheck
    {
        [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
        public LaunchCheck(IReadOnlyList<string> needs)
        {
            Id = ConformanceSpec.LaunchCheckId;
            Title = "A bottle launches with the image (agent, bundle, private network, provisioning)";
            Needs = needs;
        }

        /// <summary>The launch's kind: no spec declares it (it has no section), code BBT0207.</summary>
        public static CheckKind Definition { get; } = new() { Name = "bottle", Code = new(207) };

        public override CheckKind Kind => Definition;

        public override Task<Finding> EvaluateAsync(ConformanceContext context, CancellationToken cancellationToken) =>
            throw new NotSupportedException("the runner judges the launch itself");
    }
}
