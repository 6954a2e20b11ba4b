using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Engine;
using BotBottle.Testing.Launch;
using BotBottle.Testing.Probes;
using BotBottle.Testing.Processes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BotBottle.Testing.Range;

/// <summary>
/// The "internet" of an isolation test, owned by the test: an internal "outside" network (IPv4 and,
/// where the engine allows, IPv6) with a decoy web server under two names, a link-local network with a
/// decoy at the cloud metadata address, and a host TCP listener. Bundles join the outside and
/// metadata networks (so every negative probe has a control from the bundle); agents never do.
/// Everything is labelled, created through the engine layer, and removed in reverse order on disposal.
/// </summary>
internal sealed class ProbeRange : IAsyncDisposable
{
    /// <summary>The decoy's name on the bundle's allowlist.</summary>
    public const string AllowedHost = "allowed.decoy.test";

    /// <summary>The decoy's other name, not on the allowlist.</summary>
    public const string DeniedHost = "denied.decoy.test";

    /// <summary>The address clouds serve instance metadata on.</summary>
    public const string MetadataAddress = "169.254.169.254";

    /// <summary>An allowlisted name that the bundle resolves to its own loopback (DNS rebinding of an allowlisted domain).</summary>
    public const string LoopbackRebindHost = "loopback.rebind.decoy.test";

    /// <summary>An allowlisted name that the bundle resolves to the link-local metadata address.</summary>
    public const string LinkLocalRebindHost = "metadata.rebind.decoy.test";

    /// <summary>A name that differs from the allowed one only where a regex's "." would match (it resolves to the decoy, and must be refused).</summary>
    public const string LookalikeHost = "allowedxdecoy.test";

    private const string DecoyScript =
        "mkdir -p /srv/decoy && echo botbottle-decoy > /srv/decoy/index.html && " +
        "busybox httpd -p 443 -h /srv/decoy && busybox httpd -p 8080 -h /srv/decoy && exec busybox httpd -f -p 80 -h /srv/decoy";

    private readonly TeardownStack _teardown;
    private readonly DockerEngine _engine;
    private readonly ILogger _logger;

    private ProbeRange(string name, DockerEngine engine, TeardownStack teardown, ILogger logger)
    {
        Name = name;
        _engine = engine;
        _teardown = teardown;
        _logger = logger;
    }

    /// <summary>The range's name (prefix of its networks and decoy).</summary>
    public string Name { get; }

    /// <summary>The outside network (bundles join it).</summary>
    public string OutsideNetwork => Name + "-outside";

    /// <summary>The link-local network holding the metadata decoy (bundles join it).</summary>
    public string MetadataNetwork => Name + "-metadata";

    /// <summary>The decoy's IPv4 address on the outside network.</summary>
    public string DecoyAddress { get; private set; } = "";

    /// <summary>The decoy's IPv6 address, or null (see <see cref="Ipv6Problem"/>).</summary>
    public string? DecoyIpv6Address { get; private set; }

    /// <summary>Why the range has no IPv6, when it has none.</summary>
    public string? Ipv6Problem { get; private set; }

    /// <summary>The outside network's gateway (the host side of its bridge).</summary>
    public string OutsideGateway { get; private set; } = "";

    /// <summary>The port of the service the range runs on every address of the engine host.</summary>
    public int HostServicePort { get; private set; }

    /// <summary>Creates the range; the decoy runs <paramref name="decoyImage"/> (any image with BusyBox).</summary>
    public static async Task<ProbeRange> CreateAsync(string decoyImage, Uri? endpoint = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(decoyImage);
        logger ??= NullLogger.Instance;
        var engine = await EngineProvider.For(endpoint).GetAsync(cancellationToken).ConfigureAwait(false);
        await Reaping.ReaperStart.WatchDockerAsync(engine, logger).ConfigureAwait(false);
        var name = $"{BottleNames.Prefix}-{BottleNames.SessionId}-range-{Convert.ToHexString(RandomNumberGenerator.GetBytes(2)).ToLowerInvariant()}";
        var teardown = new TeardownStack(logger);
        var range = new ProbeRange(name, engine, teardown, logger);
        try
        {
            var (port, service) = await EngineHostService.StartServiceAsync(engine, teardown, decoyImage, name + "-hostsvc", name, cancellationToken).ConfigureAwait(false);
            range.HostServicePort = port;
            var outside = await range.CreateOutsideAsync(cancellationToken).ConfigureAwait(false);
            await range.CreateMetadataAsync(cancellationToken).ConfigureAwait(false);
            await range.StartDecoyAsync(decoyImage, cancellationToken).ConfigureAwait(false);
            (range.HostAddresses, range.OutsideBridgeMac) = await EngineHostService.ReadHostAsync(service, (await outside.InspectAsync(cancellationToken).ConfigureAwait(false)).BridgeName, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("probe range {Range}: decoy {Decoy} (IPv6 {V6}), metadata decoy {Metadata}, host service port {Port}", name, range.DecoyAddress, range.DecoyIpv6Address ?? range.Ipv6Problem, MetadataAddress, range.HostServicePort);
            return range;
        }
        catch
        {
            await teardown.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The spec with its bundle joined to the range and the allowed decoy on its allowlist.</summary>
    public BottleSpec Wire(BottleSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var bundle = spec.Bundle with
        {
            UpstreamNetworks = [.. spec.Bundle.UpstreamNetworks, OutsideNetwork, MetadataNetwork],
            AllowedHosts = [.. spec.Bundle.AllowedHosts, AllowedHost, LoopbackRebindHost, LinkLocalRebindHost],
            ExtraHosts = [.. spec.Bundle.ExtraHosts, LoopbackRebindHost + ":127.0.0.1", LinkLocalRebindHost + ":" + MetadataAddress, LookalikeHost + ":" + DecoyAddress],
        };
        return spec with { Bundle = bundle };
    }

    /// <summary>The targets for a bottle launched from a <see cref="Wire"/>d spec.</summary>
    public async Task<RangeTargets> TargetsForAsync(IBottle bottle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        var network = await EngineNetwork.InspectAsync(_engine, bottle.Bundle.NetworkName, cancellationToken).ConfigureAwait(false);
        var bottleGateway = BottleGateway(network.Subnets)
            ?? throw new InvalidOperationException($"network {bottle.Bundle.NetworkName} has no IPv4 subnet in its IPAM config");
        return new RangeTargets(AllowedHost, DeniedHost, DecoyAddress, MetadataAddress, HostServicePort, bottleGateway, OutsideGateway)
        {
            DecoyIpv6Address = DecoyIpv6Address,
            Ipv6Problem = Ipv6Problem,
            LoopbackRebindHost = LoopbackRebindHost,
            LinkLocalRebindHost = LinkLocalRebindHost,
            LookalikeHost = LookalikeHost,
            HostAddresses = HostAddresses,
            OutsideBridgeMac = OutsideBridgeMac,
        };
    }

    /// <summary>
    /// Where a member of the bottle network would reach the host: the IPv4 gateway. Engines from 27 on record no gateway
    /// for a network whose bridge has no host address (inhibit_ipv4) and hand the subnet's first address to the first
    /// member; the host then holds no address of the subnet at all, and the subnet's last host address (members are
    /// allocated from the bottom) stands for "an address of this network that is not a member".
    /// </summary>
    internal static string? BottleGateway(IEnumerable<NetworkSubnet> config)
    {
        var v4 = config.Where(c => !string.IsNullOrEmpty(c.Subnet) && !c.Subnet.Contains(':', StringComparison.Ordinal)).ToList();
        if (v4.Select(c => c.Gateway).FirstOrDefault(g => !string.IsNullOrEmpty(g)) is { } gateway)
        {
            return gateway;
        }

        return v4.Select(c => Ipv4Cidr.TryParse(c.Subnet)).FirstOrDefault(c => c is not null) is { } first
            ? Ipv4Cidr.Format((first.Prefix >= 32 ? first.Network : first.Last) - 1)
            : null;
    }

    /// <summary>Removes the decoy, the networks and the listener, in reverse order; idempotent.</summary>
    public ValueTask DisposeAsync() => _teardown.DisposeAsync();

    /// <summary>Every IPv4 address the engine host holds but loopback's (read in its namespace once the range is up).</summary>
    public IReadOnlyList<string> HostAddresses { get; private set; } = [];

    /// <summary>The engine host's MAC on the outside network's bridge.</summary>
    public string? OutsideBridgeMac { get; private set; }

    private async Task<EngineNetwork> CreateOutsideAsync(CancellationToken cancellationToken)
    {
        var v6 = $"fd{Convert.ToHexString(RandomNumberGenerator.GetBytes(5)).ToLowerInvariant().Insert(2, ":").Insert(7, ":")}::/64";
        EngineNetwork outside;
        try
        {
            outside = await CreateNetworkAsync(new NetworkRequest(OutsideNetwork, Name, "range-network") { EnableIpv6 = true, Subnets = [new(v6)] }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (EngineFailure.IsRefusal(e))
        {
            Ipv6Problem = "the engine refused an IPv6 network: " + EngineFailure.Reason(e);
            outside = await CreateNetworkAsync(new NetworkRequest(OutsideNetwork, Name, "range-network"), cancellationToken).ConfigureAwait(false);
        }

        OutsideGateway = await outside.GatewayAsync(ipv6: false, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"network {OutsideNetwork} has no IPv4 gateway");
        return outside;
    }

    private Task CreateMetadataAsync(CancellationToken cancellationToken) =>
        MetadataSubnet.TakeAsync(
            _engine,
            Name,
            _teardown,
            // A bottle kept for debugging is let go of it, so the subnet is free for the next range.
            ct => CreateNetworkAsync(new NetworkRequest(MetadataNetwork, Name, MetadataSubnet.Role) { Subnets = [new(MetadataSubnet.Cidr)] }, ct, (n, c) => n.RemoveWithMembersAsync(c)),
            _logger,
            cancellationToken);

    private Task<EngineNetwork> CreateNetworkAsync(NetworkRequest request, CancellationToken cancellationToken, Func<EngineNetwork, CancellationToken, Task>? remove = null) =>
        _teardown.CreateAsync("remove " + request.Name, () => EngineNetwork.CreateAsync(_engine, request, _logger), remove ?? ((n, ct) => n.RemoveAsync(ct)), cancellationToken);

    private async Task StartDecoyAsync(string image, CancellationToken cancellationToken)
    {
        var decoy = await _teardown.CreateContainerAsync(
            "remove decoy",
            () => EngineContainer.CreateAsync(_engine, new ContainerRequest(Name + "-decoy", image, Name, "decoy")
            {
                Entrypoint = ["/bin/sh", "-c", DecoyScript],
                Network = OutsideNetwork,
                Aliases = [AllowedHost, DeniedHost],
                NoNewPrivileges = false,

                // A decoy resolves nothing outside: its only forwarder is its own loopback, where nothing
                // listens (a forwarder of the container's own is dialled in its namespace; see AgentResolver).
                DnsServers = ["127.0.0.1"],
            }),
            cancellationToken).ConfigureAwait(false);
        await decoy.ConnectAsync(MetadataNetwork, MetadataAddress, cancellationToken).ConfigureAwait(false);
        await decoy.StartAsync(cancellationToken).ConfigureAwait(false);
        await decoy.WaitUntilAsync(EngineContainer.ListeningScript(80, 443, 8080), TimeSpan.FromSeconds(30), $"decoy {decoy.Name}", "listen on 80, 443 and 8080", cancellationToken).ConfigureAwait(false);
        var outside = await decoy.EndpointOnAsync(OutsideNetwork, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"decoy {decoy.Name} is not on {OutsideNetwork}");
        DecoyAddress = outside.IPAddress;
        if (Ipv6Problem is null)
        {
            DecoyIpv6Address = string.IsNullOrEmpty(outside.GlobalIPv6Address) ? null : outside.GlobalIPv6Address;
            Ipv6Problem = DecoyIpv6Address is null ? "the engine gave the decoy no IPv6 address" : null;
        }
    }
}
