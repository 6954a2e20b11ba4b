using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Docker;
using BotBottle.Testing.Launch;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BotBottle.Testing.Probes;

/// <summary>
/// The "internet" of an isolation test, owned by the test: an internal "outside" network (IPv4 and,
/// where the engine allows, IPv6) with a decoy web server under two names, a link-local network with a
/// decoy at the cloud metadata address, and a host TCP listener. Bundles join the outside and
/// metadata networks (so every negative probe has a control from the bundle); agents never do.
/// Everything is labelled and removed in reverse order on disposal.
/// </summary>
public sealed class ProbeRange : IAsyncDisposable
{
    /// <summary>The decoy's name on the bundle's allowlist.</summary>
    public const string AllowedHost = "allowed.decoy.test";

    /// <summary>The decoy's other name, not on the allowlist.</summary>
    public const string DeniedHost = "denied.decoy.test";

    /// <summary>The address clouds serve instance metadata on.</summary>
    public const string MetadataAddress = "169.254.169.254";

    private const string MetadataSubnet = "169.254.169.0/24";
    private const string DecoyScript =
        "mkdir -p /srv/decoy && echo botbottle-decoy > /srv/decoy/index.html && " +
        "busybox httpd -p 443 -h /srv/decoy && busybox httpd -p 8080 -h /srv/decoy && exec busybox httpd -f -p 80 -h /srv/decoy";

    private readonly TeardownStack _teardown;
    private readonly IDockerClient _client;

    private ProbeRange(string name, IDockerClient client, TeardownStack teardown)
    {
        Name = name;
        _client = client;
        _teardown = teardown;
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

    /// <summary>The port of the host listener the range serves.</summary>
    public int HostServicePort { get; private set; }

    /// <summary>Creates the range on the docker engine; the decoy runs <paramref name="decoyImage"/> (any image with BusyBox).</summary>
    public static async Task<ProbeRange> CreateAsync(string decoyImage, DockerEngineProvider? engines = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(decoyImage);
        logger ??= NullLogger.Instance;
        var engine = await (engines ?? DockerEngineProvider.Default).GetAsync(cancellationToken).ConfigureAwait(false);
        var name = $"{BottleNames.Prefix}-{BottleNames.SessionId}-range-{Convert.ToHexString(RandomNumberGenerator.GetBytes(2)).ToLowerInvariant()}";
        var teardown = new TeardownStack(logger);
        var range = new ProbeRange(name, engine.Client, teardown);
        try
        {
            range.StartHostService();
            await range.CreateOutsideAsync(cancellationToken).ConfigureAwait(false);
            await range.CreateMetadataAsync(cancellationToken).ConfigureAwait(false);
            await range.StartDecoyAsync(decoyImage, cancellationToken).ConfigureAwait(false);
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
            AllowedHosts = [.. spec.Bundle.AllowedHosts, AllowedHost],
        };
        return spec with { Bundle = bundle };
    }

    /// <summary>The targets for a bottle launched from a <see cref="Wire"/>d spec.</summary>
    public async Task<RangeTargets> TargetsForAsync(IBottle bottle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        var bottleGateway = await GatewayOfAsync(bottle.Bundle.NetworkName, ipv6: false, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"network {bottle.Bundle.NetworkName} has no IPv4 gateway in its IPAM config");
        return new RangeTargets(AllowedHost, DeniedHost, DecoyAddress, MetadataAddress, HostServicePort, bottleGateway, OutsideGateway)
        {
            DecoyIpv6Address = DecoyIpv6Address,
            Ipv6Problem = Ipv6Problem,
        };
    }

    /// <summary>Removes the decoy, the networks and the listener, in reverse order; idempotent.</summary>
    public ValueTask DisposeAsync() => _teardown.DisposeAsync();

    private void StartHostService()
    {
        var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        HostServicePort = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepting = Task.Run(async () =>
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync().ConfigureAwait(false);
            }
        });
        _teardown.Push("stop host service", async _ =>
        {
            listener.Stop();
            try
            {
                await accepting.ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Stopping the listener ends the accept loop with one of these.
            }
        });
    }

    private async Task CreateOutsideAsync(CancellationToken cancellationToken)
    {
        var v6 = $"fd{Convert.ToHexString(RandomNumberGenerator.GetBytes(5)).ToLowerInvariant().Insert(2, ":").Insert(7, ":")}::/64";
        string id;
        try
        {
            id = await CreateNetworkAsync(OutsideNetwork, enableIpv6: true, [new IPAMConfig { Subnet = v6 }], cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e)
        {
            Ipv6Problem = "the engine refused an IPv6 network: " + (e.ResponseBody ?? e.Message).Trim();
            id = await CreateNetworkAsync(OutsideNetwork, enableIpv6: false, [], cancellationToken).ConfigureAwait(false);
        }

        OutsideGateway = await GatewayOfAsync(id, ipv6: false, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"network {OutsideNetwork} has no IPv4 gateway");
    }

    private async Task CreateMetadataAsync(CancellationToken cancellationToken)
    {
        // One link-local /24 per engine: wait for another range (another test host) to release it.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            try
            {
                await CreateNetworkAsync(MetadataNetwork, enableIpv6: false, [new IPAMConfig { Subnet = MetadataSubnet }], cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (DockerApiException e) when ((e.ResponseBody ?? e.Message).Contains("overlap", StringComparison.OrdinalIgnoreCase) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(500, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<string> CreateNetworkAsync(string name, bool enableIpv6, IList<IPAMConfig> ipam, CancellationToken cancellationToken)
    {
        var created = await _client.Networks.CreateNetworkAsync(new NetworksCreateParameters
        {
            Name = name,
            Driver = "bridge",
            Internal = true,
            EnableIPv6 = enableIpv6,
            IPAM = ipam.Count == 0 ? null : new IPAM { Config = ipam },
            Labels = DockerLabels.For(Name, "range-network"),
        }, CancellationToken.None).ConfigureAwait(false);
        _teardown.Push("remove " + name, ct => DockerRemoval.RemoveNetworkAsync(_client, created.ID, ct));
        cancellationToken.ThrowIfCancellationRequested();
        return created.ID;
    }

    private async Task StartDecoyAsync(string image, CancellationToken cancellationToken)
    {
        var created = await _client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = Name + "-decoy",
            Image = image,
            Entrypoint = ["/bin/sh", "-c", DecoyScript],
            Cmd = [],
            Labels = DockerLabels.For(Name, "decoy"),
            HostConfig = new HostConfig { NetworkMode = OutsideNetwork, Init = true },
            NetworkingConfig = new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings>
                {
                    [OutsideNetwork] = new() { Aliases = [AllowedHost, DeniedHost] },
                },
            },
        }, CancellationToken.None).ConfigureAwait(false);
        _teardown.Push("remove decoy", ct => DockerRemoval.RemoveContainerAsync(_client, created.ID, ct));
        cancellationToken.ThrowIfCancellationRequested();
        await _client.Networks.ConnectNetworkAsync(MetadataNetwork, new NetworkConnectParameters
        {
            Container = created.ID,
            EndpointConfig = new EndpointSettings { IPAMConfig = new EndpointIPAMConfig { IPv4Address = MetadataAddress } },
        }, cancellationToken).ConfigureAwait(false);
        await _client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancellationToken).ConfigureAwait(false);

        await DockerReadiness.WaitAsync(_client, created.ID, DockerReadiness.ListeningScript(80, 443, 8080), TimeSpan.FromSeconds(30), $"decoy {Name}-decoy", "listen on 80, 443 and 8080", cancellationToken).ConfigureAwait(false);
        var inspect = await _client.Containers.InspectContainerAsync(created.ID, cancellationToken).ConfigureAwait(false);
        var outside = DockerReadiness.EndpointOn(inspect, OutsideNetwork)
            ?? throw new InvalidOperationException($"decoy {Name}-decoy is not on {OutsideNetwork}");
        DecoyAddress = outside.IPAddress;
        if (Ipv6Problem is null)
        {
            DecoyIpv6Address = string.IsNullOrEmpty(outside.GlobalIPv6Address) ? null : outside.GlobalIPv6Address;
            Ipv6Problem = DecoyIpv6Address is null ? "the engine gave the decoy no IPv6 address" : null;
        }
    }

    private async Task<string?> GatewayOfAsync(string network, bool ipv6, CancellationToken cancellationToken)
    {
        var inspect = await _client.Networks.InspectNetworkAsync(network, cancellationToken).ConfigureAwait(false);
        return inspect.IPAM?.Config?.Select(c => c.Gateway).FirstOrDefault(g => !string.IsNullOrEmpty(g) && g.Contains(':', StringComparison.Ordinal) == ipv6);
    }
}
