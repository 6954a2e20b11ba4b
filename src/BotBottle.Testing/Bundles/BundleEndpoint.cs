namespace BotBottle.Testing.Bundles;

/// <summary>Where a running bundle can be reached from the agent.</summary>
/// <param name="Address">The bundle's address on the bottle network (the agent's only peer).</param>
/// <param name="ProxyPort">The agent-facing proxy port.</param>
/// <param name="NetworkName">The private bottle network.</param>
public sealed record BundleEndpoint(string Address, int ProxyPort, string NetworkName)
{
    /// <summary>The proxy URL the agent's HTTPS_PROXY points at.</summary>
    public string ProxyUrl => $"http://{Address}:{ProxyPort}";

    /// <summary>The bundle address as a /32 CIDR (the smolmachines allow-list).</summary>
    public string HostCidr => Address + "/32";
}
