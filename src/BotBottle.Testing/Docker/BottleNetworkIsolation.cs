namespace BotBottle.Testing.Docker;

/// <summary>How a per-bottle network keeps its members away from everything else.</summary>
public enum BottleNetworkIsolation
{
    /// <summary>
    /// Internal (no route out) and without a host address on the bridge, so members cannot reach host
    /// services through the gateway either. Used by the docker backend: the agent and the bundle see
    /// only each other.
    /// </summary>
    HostIsolated,

    /// <summary>
    /// Internal, but the host keeps its bridge address so host processes (the smolvm VMM dialing the
    /// bundle's /32) can reach the bundle. Used by the smolmachines backend, whose agent is not a
    /// member of the network at all.
    /// </summary>
    HostReachable,
}
