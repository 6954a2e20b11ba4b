using Docker.DotNet.Models;

namespace BotBottle.Testing.Engine;

/// <summary>What the engine reports of one network (its inspect), in the harness's own terms.</summary>
/// <param name="Id">The network's id.</param>
/// <param name="Name">Its name.</param>
/// <param name="BridgeName">The host's bridge device: the name its options give, else <c>br-</c> and the first 12 hex of its id.</param>
/// <param name="Subnets">Its IPAM subnets, each with its gateway when the engine records one.</param>
/// <param name="Members">Its members' endpoints, by container id.</param>
internal sealed record NetworkDetails(string Id, string Name, string BridgeName, IReadOnlyList<NetworkSubnet> Subnets, IReadOnlyDictionary<string, NetworkMember> Members)
{
    /// <summary>Its labels (empty where it has none).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The details of an engine inspect.</summary>
    public static NetworkDetails From(NetworkResponse network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var bridge = network.Options is { } options && options.TryGetValue("com.docker.network.bridge.name", out var name) && !string.IsNullOrEmpty(name)
            ? name
            : "br-" + network.ID[..12];
        return new NetworkDetails(
            network.ID,
            network.Name,
            bridge,
            [.. (network.IPAM?.Config ?? []).Select(c => new NetworkSubnet(c.Subnet ?? "", string.IsNullOrEmpty(c.Gateway) ? null : c.Gateway))],
            (network.Containers ?? new Dictionary<string, EndpointResource>()).ToDictionary(
                c => c.Key, c => new NetworkMember(c.Value.Name ?? "", c.Value.MacAddress ?? "", string.IsNullOrEmpty(c.Value.IPv4Address) ? null : c.Value.IPv4Address), StringComparer.Ordinal))
        {
            Labels = new Dictionary<string, string>(network.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal),
        };
    }
}

/// <summary>One IPAM subnet of a network (CIDR), and its gateway when the engine records one.</summary>
internal sealed record NetworkSubnet(string Subnet, string? Gateway);

/// <summary>A member's endpoint on a network: its container name, MAC and IPv4 address (CIDR).</summary>
internal sealed record NetworkMember(string Name, string MacAddress, string? IPv4Address);
