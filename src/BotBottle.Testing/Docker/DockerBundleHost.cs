using BotBottle.Testing.Bottles;
using BotBottle.Testing.Bundles;
using BotBottle.Testing.Guest;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BotBottle.Testing.Docker;

/// <summary>
/// Runs bundles as docker containers on a per-bottle internal network. Every resource is labelled
/// (<see cref="DockerLabels"/>) and removed by its handle's disposal.
/// </summary>
public sealed class DockerBundleHost : IBundleHost
{
    /// <summary>The bundle's DNS name on the bottle network.</summary>
    public const string BundleAlias = "bundle";

    private readonly DockerEngineProvider _engines;
    private readonly BottleNetworkIsolation _isolation;
    private readonly TimeSpan _readyTimeout;
    private readonly ILogger _logger;

    /// <summary>Creates a bundle host.</summary>
    public DockerBundleHost(DockerEngineProvider? engines = null, BottleNetworkIsolation isolation = BottleNetworkIsolation.HostIsolated, TimeSpan? readyTimeout = null, ILogger? logger = null)
    {
        _engines = engines ?? DockerEngineProvider.Default;
        _isolation = isolation;
        _readyTimeout = readyTimeout ?? TimeSpan.FromSeconds(60);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public Task<string?> CheckAvailableAsync(CancellationToken cancellationToken) => _engines.CheckAvailableAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<IBundleNetwork> CreateNetworkAsync(string bottleName, CancellationToken cancellationToken)
    {
        var engine = await _engines.GetAsync(cancellationToken).ConfigureAwait(false);
        var name = bottleName + "-net";
        var options = new Dictionary<string, string>(StringComparer.Ordinal) { ["com.docker.network.bridge.enable_icc"] = "true" };
        if (_isolation == BottleNetworkIsolation.HostIsolated)
        {
            // An internal network alone still lets members reach host services on the gateway
            // address; with no IPv4 address on the host side of the bridge there is no gateway.
            options["com.docker.network.bridge.inhibit_ipv4"] = "true";
        }

        var created = await engine.Client.Networks.CreateNetworkAsync(new NetworksCreateParameters
        {
            Name = name,
            Driver = "bridge",
            Internal = true,
            EnableIPv6 = false,
            Attachable = true,
            Options = options,
            Labels = DockerLabels.For(bottleName, "network"),
        }, cancellationToken).ConfigureAwait(false);
        return new DockerNetworkHandle(engine.Client, created.ID, name);
    }

    /// <inheritdoc />
    public async Task<IRunningBundle> StartBundleAsync(IBundleNetwork network, BundleSpec spec, string bottleName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(spec);
        var engine = await _engines.GetAsync(cancellationToken).ConfigureAwait(false);
        var env = new List<string>
        {
            "BUNDLE_PROXY_PORT=" + GuestPaths.Number(spec.ProxyPort),
            "BUNDLE_ALLOWED_HOSTS=" + string.Join(',', spec.AllowedHosts),
        };
        if (spec.Daemons.Count > 0)
        {
            env.Add("BUNDLE_DAEMONS=" + string.Join(',', spec.Daemons));
        }

        env.AddRange(spec.Env.Select(p => p.Key + "=" + p.Value));
        var created = await engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = bottleName + "-bundle",
            Image = spec.Image,
            Hostname = BundleAlias,
            Env = env,
            Labels = DockerLabels.For(bottleName, "bundle"),
            HostConfig = new HostConfig
            {
                NetworkMode = network.Name,
                Init = true,
                SecurityOpt = ["no-new-privileges"],
            },
            NetworkingConfig = new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings>
                {
                    [network.Name] = new() { Aliases = [BundleAlias] },
                },
            },
        }, CancellationToken.None).ConfigureAwait(false);
        var handle = new DockerBundleHandle(engine.Client, created.ID);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var upstream in spec.UpstreamNetworks)
            {
                await engine.Client.Networks.ConnectNetworkAsync(upstream, new NetworkConnectParameters { Container = created.ID }, cancellationToken).ConfigureAwait(false);
            }

            await engine.Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancellationToken).ConfigureAwait(false);
            await WaitUntilReadyAsync(engine.Client, created.ID, spec.ProxyPort, cancellationToken).ConfigureAwait(false);
            var inspect = await engine.Client.Containers.InspectContainerAsync(created.ID, cancellationToken).ConfigureAwait(false);
            var address = DockerReadiness.EndpointOn(inspect, network.Name)?.IPAddress
                ?? throw new InvalidOperationException($"bundle {created.ID[..12]} has no address on {network.Name}");
            handle.Endpoint = new BundleEndpoint(address, spec.ProxyPort, network.Name);
            _logger.LogInformation("bundle {Bundle} ready at {Address}:{Port}", bottleName + "-bundle", address, spec.ProxyPort);
            return handle;
        }
        catch
        {
            await handle.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private Task WaitUntilReadyAsync(IDockerClient client, string id, int proxyPort, CancellationToken cancellationToken) =>
        // Ready = the proxy port LISTENs, and a bundle-init that reports readiness has done so.
        DockerReadiness.WaitAsync(client, id, DockerReadiness.ListeningScript(proxyPort) + " && { [ ! -d /run/bundle ] || [ -e /run/bundle/ready ]; }", _readyTimeout, "bundle", $"listen on port {proxyPort}", cancellationToken);

    private sealed class DockerNetworkHandle(IDockerClient client, string id, string name) : IBundleNetwork
    {
        private int _disposed;

        public string Name { get; } = name;

        public string Id { get; } = id;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                await DockerRemoval.RemoveNetworkAsync(client, Id, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private sealed class DockerBundleHandle(IDockerClient client, string id) : IRunningBundle
    {
        private int _disposed;

        public BundleEndpoint Endpoint { get; set; } = new("0.0.0.0", 0, "");

        public string ContainerId { get; } = id;

        public Task<string> GetLogsAsync(CancellationToken cancellationToken) => DockerLogs.ReadAsync(client, ContainerId, cancellationToken);

        public Task<ExecResult> ExecAsync(string script, CancellationToken cancellationToken) =>
            DockerExec.RunAsync(client, ContainerId, ["/bin/sh", "-c", script], cancellationToken);

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                await DockerRemoval.RemoveContainerAsync(client, ContainerId, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }
}
