using BotBottle.Testing.Bottles;
using BotBottle.Testing.Engine;
using BotBottle.Testing.Guest;
using Microsoft.Extensions.Logging;
using BotBottle.Testing.Processes;

namespace BotBottle.Testing.Bundles;

/// <summary>How a bottle's bundle network keeps its members away from everything else.</summary>
internal enum BundleNetworkKind
{
    /// <summary>
    /// Internal (no route out) and without a host address on the bridge, so no member reaches host
    /// services through a gateway: the docker backend's, whose agent is a member.
    /// </summary>
    HostIsolated,

    /// <summary>
    /// A bridge the engine publishes the proxy port from, on the host's 127.0.0.1 only: the smolmachines
    /// backend's, whose microVM reaches the proxy through a socket the harness relays to that port. Its
    /// agent is not a member, so nothing else of this network is reachable from the agent.
    /// </summary>
    Published,
}

/// <summary>
/// Runs bundles as containers on a per-bottle network: every resource labelled, readiness when the proxy
/// listens and the bundle says it is ready, the bundle's address (and, when published, its host port) read
/// back for the agent.
/// </summary>
internal sealed class BundleHost(DockerEngine engine, ILogger logger, TimeSpan readyTimeout)
{
    /// <summary>The bundle's DNS name on the bottle network.</summary>
    public const string Alias = "bundle";

    /// <summary>
    /// What the reference bundle's init prints once every daemon it started listens: this prefix, then a versioned JSON
    /// object, <c>{"version":1,"ports":[3128,…]}</c>.
    /// </summary>
    public const string ReadyLine = "bbt-bundle-ready ";

    public DockerEngine Engine => engine;

    /// <summary>Whether <paramref name="line"/> is bundle-init's ready report (version 1) and names the proxy port among those that listen.</summary>
    internal static bool SaysReady(string line, int proxyPort) =>
        GuestReport.Read<ReadyReport>(line, ReadyLine) is { Version: 1, Ports: { } ports } && ports.Contains(proxyPort);

    private sealed record ReadyReport(int Version, int[]? Ports);

    /// <summary>
    /// Creates the bottle's network. A host-isolated one gets a subnet the harness chooses (<see cref="BottleSubnet"/>),
    /// another when the engine says one is taken, and the engine's choice when <see cref="BottleSubnet.Attempts"/> are.
    /// </summary>
    public async Task<BottleNetwork> CreateNetworkAsync(string bottleName, BundleNetworkKind kind, IReadOnlyDictionary<string, string> labels)
    {
        var request = new NetworkRequest(bottleName + "-net", bottleName, "network")
        {
            Labels = labels,
            Internal = kind == BundleNetworkKind.HostIsolated,
            HostIsolated = kind == BundleNetworkKind.HostIsolated,
        };
        if (kind == BundleNetworkKind.HostIsolated)
        {
            for (var attempt = 1; attempt <= BottleSubnet.Attempts; attempt++)
            {
                var subnet = BottleSubnet.Pick();
                try
                {
                    return new BottleNetwork(await EngineNetwork.CreateAsync(engine, request with { Subnets = [subnet.Request] }, logger).ConfigureAwait(false), subnet);
                }
                catch (Exception e) when (EngineNetwork.IsSubnetTaken(e))
                {
                    logger.LogDebug("subnet {Subnet} is taken on the engine (attempt {Attempt})", subnet.Request.Subnet, attempt);
                }
            }

            logger.LogInformation("{Attempts} chosen subnets were taken on the engine; the engine chooses the subnet of {Network}, and the agent starts after the bundle", BottleSubnet.Attempts, request.Name);
        }

        return new BottleNetwork(await EngineNetwork.CreateAsync(engine, request, logger).ConfigureAwait(false), null);
    }

    /// <summary>Creates (does not start) the bundle container on <paramref name="network"/>.</summary>
    public async Task<RunningBundle> CreateAsync(BottleNetwork network, BundleSpec spec, string bottleName, BundleNetworkKind kind, IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(spec);
        var env = new List<string>
        {
            "BUNDLE_PROXY_PORT=" + Argv.Number(spec.ProxyPort),
            "BUNDLE_ALLOWED_HOSTS=" + string.Join(',', spec.AllowedHosts),
        };
        if (spec.Daemons.Count > 0)
        {
            env.Add("BUNDLE_DAEMONS=" + string.Join(',', spec.Daemons));
        }

        // A proxy published on the host's loopback takes only the host bridge, which holds this bottle's credential.
        var credential = kind == BundleNetworkKind.Published ? ProxyCredential.Create() : null;
        if (credential is not null)
        {
            env.Add("BUNDLE_PROXY_AUTH=" + credential.UserAndPassword);
        }

        env.AddRange(spec.Env.Select(p => p.Key + "=" + p.Value));
        var container = await EngineContainer.CreateAsync(engine, new ContainerRequest(bottleName + "-bundle", spec.Image, bottleName, "bundle")
        {
            Hostname = Alias,
            Env = env,
            Network = network.Name,
            Aliases = [Alias],
            Ipv4Address = network.Subnet?.BundleAddress,
            PublishOnLoopback = kind == BundleNetworkKind.Published ? [spec.ProxyPort] : [],
            ExtraHosts = spec.ExtraHosts,

            // The reference bundle installs its outbound policy (iptables) in its own network namespace.
            CapAdd = ["NET_ADMIN"],
            Labels = labels,
        }).ConfigureAwait(false);
        return new RunningBundle(container, network.Name, spec.ProxyPort, network.Subnet?.BundleAddress) { ProxyCredential = credential };
    }

    /// <summary>Joins the upstream networks, starts the bundle and reads its endpoint (its address is known from here on).</summary>
    public async Task StartAsync(RunningBundle bundle, BundleSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(spec);
        foreach (var upstream in spec.UpstreamNetworks)
        {
            await bundle.Container.ConnectAsync(upstream, null, cancellationToken).ConfigureAwait(false);
        }

        await bundle.Container.StartAsync(cancellationToken).ConfigureAwait(false);
        await bundle.ReadEndpointAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until the started bundle is ready.</summary>
    public async Task WaitReadyAsync(RunningBundle bundle, BundleSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(spec);

        // Ready = the proxy port LISTENs, and a bundle-init that reports readiness has done so.
        // bundle-init prints its ready line once every daemon listens: followed on the output stream, it ends the wait
        // the moment it is written; the poll joins for bundles that print none.
        await bundle.Container.WaitUntilAsync(
            EngineContainer.ListeningScript(spec.ProxyPort) + " && { [ ! -d /run/bundle ] || [ -e /run/bundle/ready ]; }",
            line => SaysReady(line, spec.ProxyPort),
            readyTimeout, "bundle", $"listen on port {spec.ProxyPort}", cancellationToken).ConfigureAwait(false);
        logger.LogInformation("bundle {Bundle} ready at {Address}:{Port}", bundle.Container.Name, bundle.Endpoint.Address, spec.ProxyPort);
    }
}

/// <summary>A bottle's network and, when the harness chose its subnet, that subnet (null: the engine chose).</summary>
internal sealed record BottleNetwork(EngineNetwork Network, BottleSubnet? Subnet)
{
    public string Name => Network.Name;

    public Task RemoveAsync(CancellationToken cancellationToken) => Network.RemoveAsync(cancellationToken);
}

/// <summary>A bundle container and where it can be reached.</summary>
internal sealed class RunningBundle(EngineContainer container, string network, int proxyPort, string? plannedAddress)
{
    private BundleEndpoint? _endpoint;

    public EngineContainer Container { get; } = container;

    /// <summary>The credential the bundle's proxy demands (only when the engine publishes it on a host's loopback).</summary>
    public ProxyCredential? ProxyCredential { get; init; }

    /// <summary>The bundle's address on its network and its proxy port (known once started).</summary>
    public BundleEndpoint Endpoint => _endpoint ?? throw new InvalidOperationException("the bundle has not started yet");

    /// <summary>The bundle's address on its network: known from its creation when the network fixed it, else once it has started.</summary>
    public string? Address => _endpoint?.Address ?? plannedAddress;

    /// <summary>The host port (on 127.0.0.1) its proxy is published on, when the network is <see cref="BundleNetworkKind.Published"/>.</summary>
    public int? PublishedProxyPort { get; private set; }

    public Task<BottleExecResult> ExecAsync(string script, CancellationToken cancellationToken) => Container.ShellAsync(script, cancellationToken);

    public Task<string> LogsAsync(CancellationToken cancellationToken) => Container.LogsAsync(cancellationToken);

    public Task RemoveAsync(CancellationToken cancellationToken) => Container.RemoveAsync(cancellationToken);

    internal async Task ReadEndpointAsync(CancellationToken cancellationToken)
    {
        var inspect = await Container.InspectAsync(cancellationToken).ConfigureAwait(false);

        // A bundle whose init fails at once has no address left to read: say that it exited, with its logs.
        await Container.ThrowIfExitedAsync(inspect, "bundle", $"listen on port {proxyPort}", cancellationToken).ConfigureAwait(false);
        var address = inspect.AddressOn(network)?.IPAddress
            ?? throw new InvalidOperationException($"bundle {Container.Name} has no address on {network}");
        if (plannedAddress is not null && address != plannedAddress)
        {
            // The agent's resolver was set to the planned address: any other would leave it without DNS.
            throw new InvalidOperationException($"bundle {Container.Name} got {address} on {network}, not the address {plannedAddress} it was created with");
        }

        _endpoint = new BundleEndpoint(address, proxyPort, network);
        PublishedProxyPort = inspect.PublishedPort(proxyPort);
    }
}
