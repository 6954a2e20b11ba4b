using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using Microsoft.Extensions.Logging;

namespace BotBottle.Testing.Engine;

/// <summary>A network the harness wants. Every one is a labelled bridge; internal unless said otherwise.</summary>
internal sealed record NetworkRequest(string Name, string Bottle, string Role)
{
    /// <summary>No route out of the network (docker's <c>--internal</c>).</summary>
    public bool Internal { get; init; } = true;

    /// <summary>No address for the host on the bridge, so members cannot reach host services through a gateway.</summary>
    public bool HostIsolated { get; init; }

    public bool EnableIpv6 { get; init; }

    /// <summary>Fixed subnets (IPv4 and/or IPv6); empty lets the engine choose.</summary>
    public IReadOnlyList<SubnetRequest> Subnets { get; init; } = [];

    /// <summary>Extra labels beside the harness's own.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
}

/// <summary>A fixed subnet of a <see cref="NetworkRequest"/>; <paramref name="DynamicRange"/> confines the addresses the engine hands out by itself.</summary>
internal sealed record SubnetRequest(string Subnet, string? DynamicRange = null);

/// <summary>
/// A network the harness created. Created through Testcontainers' <see cref="NetworkBuilder"/> (with the
/// harness's negotiated endpoint, the labels, and the internal flag Testcontainers exposes only through its
/// create-parameter modifier); removed by name, idempotently.
/// </summary>
internal sealed class EngineNetwork
{
    private EngineNetwork(DockerEngine engine, string name)
    {
        Engine = engine;
        Name = name;
    }

    public DockerEngine Engine { get; }

    public string Name { get; }

    /// <summary>Creates the network; like every create, never abandoned half-way (see <see cref="EngineContainer.CreateAsync"/>).</summary>
    public static async Task<EngineNetwork> CreateAsync(DockerEngine engine, NetworkRequest request, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(request);
        var builder = new NetworkBuilder()
            .WithDockerEndpoint(engine.TestcontainersEndpoint)
            .WithCleanUp(false)
            .WithLogger(logger)
            .WithName(request.Name)
            .WithDriver(NetworkDriver.Bridge)
            .WithLabel(ResourceLabels.For(request.Bottle, request.Role, request.Labels))
            .WithOption("com.docker.network.bridge.enable_icc", "true");
        if (request.HostIsolated)
        {
            // An internal network alone still lets members reach host services on the gateway address;
            // with no IPv4 address on the host side of the bridge there is no gateway.
            builder = builder.WithOption("com.docker.network.bridge.inhibit_ipv4", "true");
        }

        builder = builder.WithCreateParameterModifier(p =>
        {
            p.Internal = request.Internal;
            p.Attachable = true;
            p.EnableIPv6 = request.EnableIpv6;
            if (request.Subnets.Count > 0)
            {
                p.IPAM = new IPAM { Config = request.Subnets.Select(s => new IPAMConfig { Subnet = s.Subnet, IPRange = s.DynamicRange! }).ToList() };
            }
        });
        await builder.Build().CreateAsync(CancellationToken.None).ConfigureAwait(false);
        return new EngineNetwork(engine, request.Name);
    }

    /// <summary>Whether the engine refused a network because another of its networks overlaps a requested subnet.</summary>
    public static bool IsSubnetTaken(Exception exception) =>
        exception is DockerApiException e && (e.ResponseBody ?? e.Message).Contains("overlap", StringComparison.OrdinalIgnoreCase);

    /// <summary>The gateway (the host side of the bridge) of the IPv4 or IPv6 subnet, or null.</summary>
    public async Task<string?> GatewayAsync(bool ipv6, CancellationToken cancellationToken)
    {
        var inspect = await Engine.Client.Networks.InspectNetworkAsync(Name, cancellationToken).ConfigureAwait(false);
        return inspect.IPAM?.Config?.Select(c => c.Gateway).FirstOrDefault(g => !string.IsNullOrEmpty(g) && g.Contains(':', StringComparison.Ordinal) == ipv6);
    }

    /// <summary>What the engine reports of the network now.</summary>
    public Task<NetworkDetails> InspectAsync(CancellationToken cancellationToken) => InspectAsync(Engine, Name, cancellationToken);

    /// <summary>What the engine reports of the network <paramref name="idOrName"/> now.</summary>
    public static async Task<NetworkDetails> InspectAsync(DockerEngine engine, string idOrName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return NetworkDetails.From(await engine.Client.Networks.InspectNetworkAsync(idOrName, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Every network of the engine, the harness's or not (a subnet another network holds is taken for all).</summary>
    public static async Task<IReadOnlyList<NetworkDetails>> ListAsync(DockerEngine engine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var networks = await engine.Client.Networks.ListNetworksAsync(new NetworksListParameters(), cancellationToken).ConfigureAwait(false);
        return [.. networks.Select(NetworkDetails.From)];
    }

    /// <summary>Connects a container (by id) to the network under <paramref name="aliases"/>.</summary>
    public Task ConnectAsync(string containerId, IReadOnlyList<string> aliases, CancellationToken cancellationToken) =>
        Engine.Client.Networks.ConnectNetworkAsync(Name, new NetworkConnectParameters
        {
            Container = containerId,
            EndpointConfig = new EndpointSettings { Aliases = [.. aliases] },
        }, cancellationToken);

    /// <summary>Disconnects a container (by id) from the network; already disconnected or gone is done.</summary>
    public async Task DisconnectAsync(string containerId, CancellationToken cancellationToken)
    {
        try
        {
            await Engine.Client.Networks.DisconnectNetworkAsync(Name, new NetworkDisconnectParameters { Container = containerId, Force = true }, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException)
        {
        }
    }

    public Task RemoveAsync(CancellationToken cancellationToken) => RemoveAsync(Engine.Client, Name, cancellationToken);

    /// <summary>Disconnects every member still on the network (a container kept for debugging), then removes it; "already gone" is done.</summary>
    public async Task RemoveWithMembersAsync(CancellationToken cancellationToken)
    {
        NetworkDetails details;
        try
        {
            details = await InspectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DockerNetworkNotFoundException)
        {
            return;
        }

        foreach (var member in details.Members.Keys)
        {
            await DisconnectAsync(member, cancellationToken).ConfigureAwait(false);
        }

        await RemoveAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes a network by id or name; "already gone" is done.</summary>
    public static async Task RemoveAsync(IDockerClient client, string idOrName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            await client.Networks.DeleteNetworkAsync(idOrName, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerNetworkNotFoundException)
        {
        }
        catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
        }
    }
}
