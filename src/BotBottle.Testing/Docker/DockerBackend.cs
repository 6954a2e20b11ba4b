using BotBottle.Testing.Bottles;
using BotBottle.Testing.Bundles;
using BotBottle.Testing.Launch;
using BotBottle.Testing.Provisioning;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BotBottle.Testing.Docker;

/// <summary>
/// Bottles whose agent is a docker container. Launch mirrors smolmachines: bottle network → bundle →
/// agent container (on that network only) → start → wait for exec → chown home → provision.
/// </summary>
public sealed class DockerBackend : IBottleBackend
{
    /// <summary>The backend's name.</summary>
    public const string BackendName = "docker";

    private static int _swept;
    private readonly DockerBackendOptions _options;
    private readonly DockerEngineProvider _engines;
    private readonly IBundleHost _bundles;
    private readonly ILogger _logger;

    /// <summary>Creates the backend.</summary>
    public DockerBackend(DockerBackendOptions? options = null, ILogger? logger = null, IBundleHost? bundles = null)
    {
        _options = options ?? new DockerBackendOptions();
        _logger = logger ?? NullLogger.Instance;
        _engines = _options.Endpoint is null ? DockerEngineProvider.Default : new DockerEngineProvider(_options.Endpoint);
        _bundles = bundles ?? new DockerBundleHost(_engines, BottleNetworkIsolation.HostIsolated, logger: _logger);
    }

    /// <inheritdoc />
    public string Name => BackendName;

    /// <inheritdoc />
    public async Task<PrerequisiteReport> CheckPrerequisitesAsync(CancellationToken cancellationToken = default)
    {
        var problem = await _engines.CheckAvailableAsync(cancellationToken).ConfigureAwait(false);
        return new PrerequisiteReport(BackendName, problem is null ? [] : [problem]);
    }

    /// <inheritdoc />
    public async Task<IBottle> LaunchAsync(BottleSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var name = spec.Name is { } fixedName ? BottleNames.Validate(fixedName) : BottleNames.NewBottleName();
        var engine = await _engines.GetAsync(cancellationToken).ConfigureAwait(false);
        if (_options.SweepOrphans && Interlocked.Exchange(ref _swept, 1) == 0)
        {
            await DockerSweeper.RemoveOrphansAsync(engine.Client, _logger, cancellationToken).ConfigureAwait(false);
        }

        var client = engine.Client;
        var teardown = new TeardownStack(_logger);
        var steps = new LaunchSteps(BackendName, name, teardown, _logger);

        var network = await steps.CreateAsync("create bottle network", ct => _bundles.CreateNetworkAsync(name, ct), "remove bottle network", (n, _) => n.DisposeAsync().AsTask(), cancellationToken).ConfigureAwait(false);
        var bundle = await steps.RunAsync("start bundle", () => _bundles.StartBundleAsync(network, spec.Bundle, name, cancellationToken)).ConfigureAwait(false);
        teardown.Push("remove bundle", bundle);

        var guestEnv = GuestEnvironment.For(bundle.Endpoint, spec.Env);
        var containerId = await steps.CreateAsync("create agent", ct => CreateAgentAsync(client, name, spec, network.Name, ct), "remove agent", (id, ct) => DockerRemoval.RemoveContainerAsync(client, id, ct), cancellationToken).ConfigureAwait(false);
        await steps.RunAsync("start agent", () => client.Containers.StartContainerAsync(containerId, new ContainerStartParameters(), cancellationToken)).ConfigureAwait(false);

        var bottle = new DockerBottle(name, containerId, client, spec, bundle, guestEnv, teardown, _options);
        await steps.RunAsync("wait for exec", () => WaitUntilExecAnswersAsync(client, containerId, cancellationToken)).ConfigureAwait(false);
        bottle.AgentAddress = await steps.RunAsync("read agent address", () => AgentAddressAsync(client, containerId, network.Name, cancellationToken)).ConfigureAwait(false);
        await steps.RunAsync("chown agent home", () => BottleProvisioner.FixHomeOwnershipAsync(bottle, cancellationToken)).ConfigureAwait(false);
        bottle.PromptPath = await steps.RunAsync("provision", () => BottleProvisioner.ProvisionAsync(bottle, spec, cancellationToken)).ConfigureAwait(false);
        _logger.LogInformation("docker bottle {Bottle} ready (engine {Engine}, API {Api}, bundle {Bundle})", name, engine.EngineVersion, engine.ApiVersion, bundle.Endpoint.Address);
        return bottle;
    }

    private async Task<string> CreateAgentAsync(IDockerClient client, string name, BottleSpec spec, string network, CancellationToken cancellationToken)
    {
        var created = await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = name + "-agent",
            Image = spec.AgentImage,
            Hostname = "agent",

            // The keep-alive runs as root so that root execs keep their capabilities under
            // no-new-privileges; every exec then drops to its user with runuser -u.
            User = "0",
            Entrypoint = _options.AgentKeepAlive.ToList(),
            Cmd = [],
            Labels = DockerLabels.For(name, "agent"),
            HostConfig = new HostConfig
            {
                NetworkMode = network,
                Init = true,
                SecurityOpt = ["no-new-privileges"],

                // The agent resolves only its peers (the engine's embedded DNS answers for them at
                // once); every other name fails within a second instead of the resolver's 10 s.
                DNSOptions = ["timeout:1", "attempts:1"],
            },
            NetworkingConfig = new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings> { [network] = new() },
            },
        }, cancellationToken).ConfigureAwait(false);
        return created.ID;
    }

    private static async Task<string?> AgentAddressAsync(IDockerClient client, string id, string network, CancellationToken cancellationToken)
    {
        var inspect = await client.Containers.InspectContainerAsync(id, cancellationToken).ConfigureAwait(false);
        return DockerReadiness.EndpointOn(inspect, network)?.IPAddress;
    }

    private Task WaitUntilExecAnswersAsync(IDockerClient client, string id, CancellationToken cancellationToken) =>
        DockerReadiness.WaitAsync(client, id, "echo ready", _options.ReadyTimeout, "agent", "answer an exec", cancellationToken);
}
