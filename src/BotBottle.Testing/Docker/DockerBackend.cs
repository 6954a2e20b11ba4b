using System.Collections.Concurrent;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Bundles;
using BotBottle.Testing.Engine;
using BotBottle.Testing.Launch;
using DotNet.Testcontainers.Configurations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BotBottle.Testing.Docker;

/// <summary>
/// Bottles whose agent is a docker container on the bottle's internal, host-isolated network, beside its
/// bundle: the agent's only peer is the bundle.
/// </summary>
/// <example><code>var backend = new DockerBackend(new DockerBackendOptions(), logger);</code></example>
public sealed class DockerBackend : BottleBackend
{
    /// <summary>The backend's name.</summary>
    public const string BackendName = "docker";

    private static readonly ConcurrentDictionary<string, Task> Swept = new(StringComparer.Ordinal);
    private readonly DockerBackendOptions _options;
    private readonly EngineProvider _engines;

    /// <summary>Creates the backend.</summary>
    public DockerBackend(DockerBackendOptions? options = null, ILogger? logger = null)
        : base(logger ?? NullLogger.Instance)
    {
        _options = options ?? new DockerBackendOptions();
        _engines = EngineProvider.For(_options.Endpoint);
    }

    /// <inheritdoc />
    public override string Name => BackendName;

    /// <inheritdoc />
    public override async Task<PrerequisiteReport> CheckPrerequisitesAsync(CancellationToken cancellationToken = default)
    {
        var problem = await _engines.CheckAvailableAsync(cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return new PrerequisiteReport(BackendName, [problem]);
        }

        var engine = await _engines.GetAsync(cancellationToken).ConfigureAwait(false);
        var dns = await DnsExposure.NoteAsync(engine, cancellationToken).ConfigureAwait(false);
        return new PrerequisiteReport(BackendName, []) { Notes = [.. new[] { dns, HostAccounts.Note(engine) }.OfType<string>()] };
    }

    /// <summary>
    /// This backend's engine as Testcontainers' endpoint configuration, at the API version the harness negotiated, so a
    /// service container you build with Testcontainers runs on the same engine, whatever its age (Testcontainers alone
    /// pins API 1.44, which Docker 20.10 refuses): <c>new ContainerBuilder(image).WithDockerEndpoint(await backend.GetTestcontainersEndpointAsync(ct))</c>.
    /// </summary>
    public async Task<IDockerEndpointAuthenticationConfiguration> GetTestcontainersEndpointAsync(CancellationToken cancellationToken = default)
    {
        var engine = await _engines.GetAsync(cancellationToken).ConfigureAwait(false);
        await Reaping.ReaperStart.WatchDockerAsync(engine, Logger).ConfigureAwait(false);
        return engine.TestcontainersEndpoint;
    }

    /// <summary>
    /// Labels for a container or network you create with Testcontainers beside your bottles, so its cleanup works with no
    /// registry (Ryuk, Testcontainers' reaper, pulls its image from one): with <c>.WithCleanUp(false).WithLabel(backend.ReaperLabels("my-api"))</c>
    /// the harness's own reaper removes it within seconds of a killed test host, and a later launch's sweep removes what a
    /// dead host left, exactly as for a bottle. <paramref name="name"/> names it in the sweep's log. The reaper watches from
    /// <see cref="GetTestcontainersEndpointAsync"/> (and every launch) on, unless reaping is off (<c>TESTCONTAINERS_RYUK_DISABLED</c>).
    /// </summary>
    public IReadOnlyDictionary<string, string> ReaperLabels(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return ResourceLabels.For(name, "interop").Where(l => l.Key.StartsWith("dev.botbottle.", StringComparison.Ordinal)).ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);
    }

    internal override Uri? EngineEndpoint => _options.Endpoint;

    /// <inheritdoc />
    public override async Task<string> DescribeAsync(CancellationToken cancellationToken = default) =>
        DockerAgentLauncher.Describe(await _engines.GetAsync(cancellationToken).ConfigureAwait(false), _options.Endpoint);

    internal override async Task<AgentLauncher> PrepareAsync(BottleSpec spec, CancellationToken cancellationToken)
    {
        var engine = await _engines.GetAsync(cancellationToken).ConfigureAwait(false);
        if (_options.SweepOrphans)
        {
            await Swept.GetOrAdd(engine.Endpoint.Uri.ToString(), _ => EngineSweeper.RemoveOrphansAsync(engine, Logger, CancellationToken.None)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        await Images.EngineImages.RequireAsync(engine, [spec.AgentImage, spec.Bundle.Image, ReferenceImageNames.Prober], cancellationToken).ConfigureAwait(false);

        return new DockerAgentLauncher(engine, _options, new BundleHost(engine, Logger, _options.BundleReadyTimeout));
    }
}
