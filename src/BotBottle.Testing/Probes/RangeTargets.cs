namespace BotBottle.Testing.Probes;

/// <summary>
/// Addresses the isolation catalogue aims at, all owned by the caller (decoys on networks it made),
/// so no probe ever dials a foreign address.
/// </summary>
/// <param name="AllowedHost">A decoy host name on the bundle's allowlist.</param>
/// <param name="DeniedHost">Another name of the same decoy, not on the allowlist.</param>
/// <param name="DecoyAddress">The decoy's IPv4 address on the "outside" network (the bundle reaches it, the agent must not).</param>
/// <param name="MetadataAddress">A decoy at the cloud metadata address on a link-local network the caller made.</param>
/// <param name="HostServicePort">A TCP port a listener of the caller's own serves on every host address.</param>
/// <param name="BottleGateway">The bottle network's gateway address (where host services would be reached from the agent).</param>
/// <param name="OutsideGateway">The outside network's gateway (where the bundle reaches the same host service: the control).</param>
public sealed record RangeTargets(string AllowedHost, string DeniedHost, string DecoyAddress, string MetadataAddress, int HostServicePort, string BottleGateway, string OutsideGateway)
{
    /// <summary>The decoy's IPv6 address, or null when the engine could not give the range IPv6.</summary>
    public string? DecoyIpv6Address { get; init; }

    /// <summary>Why there is no IPv6 decoy, when there is none.</summary>
    public string? Ipv6Problem { get; init; }

    /// <summary>The decoy's plain-HTTP port (also reachable through the proxy).</summary>
    public int DecoyHttpPort { get; init; } = 80;

    /// <summary>A decoy port the proxy allows CONNECT to.</summary>
    public int AllowedConnectPort { get; init; } = 443;

    /// <summary>A decoy port that listens but is not an allowed CONNECT port.</summary>
    public int DeniedConnectPort { get; init; } = 8080;

    /// <summary>An allowlisted name the bundle resolves to its own loopback, or null (the rebinding check is then left out).</summary>
    public string? LoopbackRebindHost { get; init; }

    /// <summary>An allowlisted name the bundle resolves to the link-local metadata address, or null.</summary>
    public string? LinkLocalRebindHost { get; init; }

    /// <summary>A name like the allowed one but for a character where a regex "." would match, resolving to the decoy, or null.</summary>
    public string? LookalikeHost { get; init; }

    /// <summary>Every IPv4 address the engine host holds but loopback's (none: the host-address check is left out).</summary>
    public IReadOnlyList<string> HostAddresses { get; init; } = [];

    /// <summary>The engine host's MAC on the outside network's bridge, where the bundle's raw IPv6 control reaches it (null: the raw IPv6 check is left out).</summary>
    public string? OutsideBridgeMac { get; init; }
}
