namespace BotBottle.Testing.Docker;

/// <summary>
/// The agent container's resolver settings, and why (CVE-2024-29018).
/// <para>
/// On a user-defined network the engine's embedded resolver (127.0.0.11) answers the bottle's own names
/// (<c>bundle</c>) and forwards every other name. At an affected engine (before 23.0.11, 25.0.5 and 26.0.0)
/// libnetwork's sandbox DNS setup takes the forwarders from the host's resolv.conf when the container has no
/// DNS setting of its own, and marks loopback ones "host loopback": those forwards are dialled from the host's
/// namespace, so a lookup from a container on an internal network leaves through the host's resolver (an
/// exfiltration channel the proxy never sees). With any DNS server, search or option of the container's own,
/// the forwarders are taken as given and dialled inside the container's namespace.
/// </para>
/// <para>
/// So the agent's only forwarder is the bundle's resolver, on the bottle network: it answers every name
/// NXDOMAIN itself, forwards nothing, and logs each query (the isolation catalogue's
/// <c>dns-stays-in-the-bottle</c> control). That holds on every engine version, not only fixed ones, and the
/// embedded resolver still answers <c>bundle</c>.
/// </para>
/// </summary>
internal static class AgentResolver
{
    private static readonly AsyncLocal<bool> Unmitigated = new();

    /// <summary>Every name that is not a peer fails within a second instead of the resolver's 10 s.</summary>
    public static IReadOnlyList<string> Options => Unmitigated.Value ? [] : ["timeout:1", "attempts:1"];

    /// <summary>The forwarders of an agent whose bundle is at <paramref name="bundleAddress"/>.</summary>
    public static IReadOnlyList<string> Servers(string bundleAddress) => Unmitigated.Value ? [] : [bundleAddress];

    /// <summary>
    /// For the tests that prove the mitigation matters: agents launched in this async flow get no DNS setting
    /// at all, like a plain container, until the scope is disposed.
    /// </summary>
    public static IDisposable WithoutMitigation()
    {
        Unmitigated.Value = true;
        return new Scope();
    }

    private sealed class Scope : IDisposable
    {
        public void Dispose() => Unmitigated.Value = false;
    }
}
