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
    public async Task<IDockerEndpointAuthenticationConfiguration> GetTestcontainersEndpointAsync(CancellationToken cancellationToken = default) =>
        (await _engines.GetAsync(cancellationToken).ConfigureAwait(false)).TestcontainersEndpoint;

    internal override Uri? EngineEndpoint => _options.Endpoint;

    internal override async Task<string> DescribeAsync(CancellationToken cancellationToken) =>
        DockerAgentLauncher.Describe(await _engines.GetAsync(cancellationToken).ConfigureAwait(false));

    internal override async Task<AgentLauncher> PrepareAsync(BottleSpec spec, CancellationToken cancellationToken)
    {
        var engine = await _engines.GetAsync(cancellationToken).ConfigureAwait(false);
        if (_options.SweepOrphans)
        {
            await Swept.GetOrAdd(engine.Endpoint.Uri.ToString(), _ => EngineSweeper.RemoveOrphansAsync(engine.Client, Logger, CancellationToken.None)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        await Images.EngineImages.RequireAsync(engine, [spec.AgentImage, spec.Bundle.Image], cancellationToken).ConfigureAwait(false);

        return new DockerAgentLauncher(engine, _options, new BundleHost(engine, Logger, _options.BundleReadyTimeout));
    }
}
