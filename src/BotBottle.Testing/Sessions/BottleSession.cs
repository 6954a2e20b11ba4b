using System.Diagnostics;
using System.Globalization;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Launch;
using BotBottle.Testing.Probes;
using BotBottle.Testing.Processes;
using BotBottle.Testing.Range;
using Microsoft.Extensions.Logging;
using BotBottle.Testing.Diagnostics;

namespace BotBottle.Testing.Sessions;

/// <summary>
/// One bottle for a group of tests, independent of the test framework (the xunit v3 and v2 adapters
/// are thin layers over it). Starting never throws: a missing prerequisite or a failed launch is
/// captured once and handed to every test through <see cref="Gate"/>, with the real cause.
/// Disposal tears down neighbour, bottle and range in reverse order.
/// </summary>
public sealed class BottleSession : IAsyncDisposable
{
    /// <summary>The bundle's log files, as the reference bundle writes them (bundle-init).</summary>
    private static readonly string[] BundleLogFiles = ["/var/log/bundle/proxy.log", "/var/log/bundle/dns.log", "/var/log/bundle/egress.log"];

    private readonly Action<string> _log;
    private readonly AsyncOnce<IsolationReport> _isolation;
    private PrerequisiteReport? _prerequisites;
    private Exception? _launchFailure;
    private int _disposed;

    private BottleSession(BottleSessionOptions options, Action<string> log)
    {
        Options = options;
        _log = line => log(SecretValues.Mask(line));
        _isolation = new AsyncOnce<IsolationReport>(() => IsolationBattery.RunAsync(IsolationChecks, NetworkTool.Auto, CancellationToken.None));
    }

    /// <summary>What the session was asked to start.</summary>
    public BottleSessionOptions Options { get; }

    /// <summary>The bottle, when it launched.</summary>
    public IBottle? Bottle { get; private set; }

    /// <summary>The second bottle, when asked for and launched.</summary>
    public IBottle? Neighbour { get; private set; }

    /// <summary>The decoys, when asked for.</summary>
    internal ProbeRange? Range { get; private set; }

    /// <summary>What the range offers this bottle.</summary>
    public RangeTargets? Targets { get; private set; }

    /// <summary>How long the launch took.</summary>
    public TimeSpan LaunchDuration { get; private set; }

    /// <summary>Checks prerequisites and, when they hold, launches; never throws but for cancellation.</summary>
    /// <param name="options">What to start.</param>
    /// <param name="log">Receives lifecycle lines (launch, teardown, timings).</param>
    /// <param name="logger">Receives the backend's own log.</param>
    /// <param name="cancellationToken">Cancels the launch (what was made is torn down).</param>
    public static async Task<BottleSession> StartAsync(BottleSessionOptions options, Action<string>? log = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var session = new BottleSession(options, log ?? (_ => { }));
        try
        {
            await session.LaunchAsync(logger, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Cancelled halfway: the caller never gets the session, so what it made (range, one of two bottles) goes now.
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return session;
    }

    /// <summary>Ready, skip (backend missing, not required) or fail (required, or the launch failed), with the reason.</summary>
    public SessionGate Gate
    {
        get
        {
            if (_prerequisites is { IsSatisfied: false } missing)
            {
                return SessionGate.For(missing);
            }

            return _launchFailure is not null
                ? new SessionGate(SessionGateKind.Fail, $"the {Options.Bottle.Backend.Name} bottle failed to launch: {_launchFailure.Message}", _launchFailure)
                : new SessionGate(SessionGateKind.Ready, "");
        }
    }

    /// <summary>The bottle, after <see cref="Gate"/> was enforced with the framework's <paramref name="skip"/>.</summary>
    public IBottle RequireBottle(Action<string> skip)
    {
        Gate.Enforce(skip);
        return Bottle!;
    }

    /// <summary>The isolation catalogue, after <see cref="Gate"/> was enforced with the framework's <paramref name="skip"/>.</summary>
    public IReadOnlyList<IsolationCheck> RequireIsolationChecks(Action<string> skip)
    {
        Gate.Enforce(skip);
        return IsolationChecks;
    }

    /// <summary>The isolation catalogue for this bottle (needs <see cref="BottleSessionOptions.WithProbeRange"/>).</summary>
    public IReadOnlyList<IsolationCheck> IsolationChecks =>
        Bottle is null ? throw new InvalidOperationException("the session has no bottle; consult Gate first")
        : Targets is null ? throw new InvalidOperationException("the session has no probe range; start it WithProbeRange")
        : IsolationCatalogue.Build(Bottle, Targets, Neighbour, Options.Catalogue);

    /// <summary>Runs the whole catalogue once (one battery) and caches the report for every test that asks.</summary>
    public Task<IsolationReport> IsolationReportAsync(CancellationToken cancellationToken) => _isolation.GetAsync(cancellationToken);

    /// <summary>
    /// The bundle's own log files (the proxy's, with every allowed and denied request; the DNS forwarder's, with every
    /// query; the egress proxy's), the last 256 KiB of each, secrets masked: what a person reads first after a denial.
    /// Keys are <c>proxy.log</c>, <c>dns.log</c>, <c>egress.log</c>; a file that cannot be read says why. Never throws but for cancellation.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> CollectBundleLogFilesAsync(CancellationToken cancellationToken)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (Bottle is not { } bottle)
        {
            return files;
        }

        foreach (var path in BundleLogFiles)
        {
            try
            {
                var read = await bottle.ExecInBundleAsync($"tail -c 262144 -- {path}", cancellationToken).ConfigureAwait(false);
                files[Path.GetFileName(path)] = SecretValues.Mask(read.ExitCode == 0 ? read.Stdout : $"(unreadable: {read.Stderr.Trim()})");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                files[Path.GetFileName(path)] = $"(unreadable: {SecretValues.Mask(e.Message)})";
            }
        }

        return files;
    }

    /// <summary>The bottle's (and the neighbour's) logs, then the bundle's log files (<see cref="CollectBundleLogFilesAsync"/>), for a failing test; never throws.</summary>
    public async Task<string> CollectLogsAsync(CancellationToken cancellationToken)
    {
        var text = new System.Text.StringBuilder();
        foreach (var (label, bottle) in new[] { ("bottle", Bottle), ("neighbour", Neighbour) })
        {
            if (bottle is null)
            {
                continue;
            }

            try
            {
                text.Append(CultureInfo.InvariantCulture, $"=== {label} {bottle.Name} ({bottle.Backend}) ===\n").Append(await bottle.GetLogsAsync(cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                text.Append(CultureInfo.InvariantCulture, $"=== {label}: logs unavailable: {e.Message} ===\n");
            }
        }

        foreach (var (name, content) in await CollectBundleLogFilesAsync(cancellationToken).ConfigureAwait(false))
        {
            text.Append(CultureInfo.InvariantCulture, $"--- bundle {name} ---\n").Append(content.TrimEnd()).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Tears down the neighbour, the bottle and the range, in that order; idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var clock = Stopwatch.StartNew();
        await DisposeInOrder.AllAsync(Neighbour, Bottle, Range).ConfigureAwait(false);
        if (Bottle is not null || Range is not null)
        {
            _log($"torn down in {clock.ElapsedMilliseconds} ms");
        }
    }

    private async Task LaunchAsync(ILogger? logger, CancellationToken cancellationToken)
    {
        var backend = Options.Bottle.Backend;
        _prerequisites = await backend.CheckPrerequisitesAsync(cancellationToken).ConfigureAwait(false);
        if (!_prerequisites.IsSatisfied)
        {
            _log($"{backend.Name} backend unavailable: {_prerequisites.Reason}");
            return;
        }

        var clock = Stopwatch.StartNew();
        try
        {
            var spec = Options.Bottle.Spec;
            if (Options.WithProbeRange)
            {
                Range = await ProbeRange.CreateAsync(Options.DecoyImage ?? spec.Bundle.Image, Options.Bottle.Backend.EngineEndpoint, logger, cancellationToken: cancellationToken).ConfigureAwait(false);
                _log($"probe range {Range.Name} ready: decoy {Range.DecoyAddress}, IPv6 {Range.DecoyIpv6Address ?? Range.Ipv6Problem}");
                spec = Range.Wire(spec);
            }

            var launches = new List<Task<IBottle>> { backend.LaunchAsync(spec, cancellationToken) };
            if (Options.WithNeighbour)
            {
                launches.Add(backend.LaunchAsync(Options.Bottle.Spec, cancellationToken));
            }

            // Launch both at once; whichever succeeded is kept for disposal even when the other failed.
            try
            {
                await Task.WhenAll(launches).ConfigureAwait(false);
            }
            finally
            {
                Bottle = launches[0].IsCompletedSuccessfully ? await launches[0].ConfigureAwait(false) : null;
                Neighbour = launches.Count > 1 && launches[1].IsCompletedSuccessfully ? await launches[1].ConfigureAwait(false) : null;
            }

            if (Range is not null)
            {
                Targets = await Range.TargetsForAsync(Bottle!, cancellationToken).ConfigureAwait(false);
            }

            LaunchDuration = clock.Elapsed;
            _log($"{Bottle!.Backend} bottle {Bottle.Name} launched in {clock.ElapsedMilliseconds} ms (agent {Options.Bottle.Spec.AgentImage}, bundle {Bottle.Bundle.Address}:{Bottle.Bundle.ProxyPort})" +
                (Neighbour is null ? "" : $", neighbour {Neighbour.Name}"));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _launchFailure = e;
            _log($"{backend.Name} bottle failed to launch after {clock.ElapsedMilliseconds} ms: {e.Message}");
        }
        catch (OperationCanceledException)
        {
            await DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
