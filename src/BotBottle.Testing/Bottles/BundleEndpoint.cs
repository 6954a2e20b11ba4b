namespace BotBottle.Testing.Bottles;

/// <summary>Where a running bundle is, and where the agent reaches its proxy.</summary>
/// <param name="Address">The bundle's address on its private network (probes aim the bypass attempts at it).</param>
/// <param name="ProxyPort">The agent-facing proxy port.</param>
/// <param name="NetworkName">The bundle's private network.</param>
public sealed record BundleEndpoint(string Address, int ProxyPort, string NetworkName)
{
    /// <summary>
    /// The host the agent dials for the proxy: the bundle's address on docker; on smolmachines the
    /// in-guest end of the socket bridge (<c>127.0.0.1</c>), since the microVM has no network.
    /// </summary>
    public string ProxyHost { get; init; } = Address;

    /// <summary>The proxy URL the agent's HTTPS_PROXY points at.</summary>
    public string ProxyUrl => $"http://{ProxyHost}:{ProxyPort}";
}
