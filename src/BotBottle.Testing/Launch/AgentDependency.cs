namespace BotBottle.Testing.Launch;

/// <summary>How much of the bundle must exist before the agent is created; the rest of the bundle's start runs beside the agent's.</summary>
internal enum AgentDependency
{
    /// <summary>The agent is created at the same time as the bundle.</summary>
    Nothing,

    /// <summary>
    /// The agent needs the bundle's address on the bottle network (the docker agent's resolver is the bundle's): known
    /// from the bundle's creation when the network fixed it (<see cref="Bundles.BottleSubnet"/>), so the agent starts
    /// beside the bundle, else once the bundle has started; the bundle's readiness is awaited beside the agent either way.
    /// </summary>
    BundleAddress,

    /// <summary>The agent needs the bundle ready (smolmachines bridges to its published proxy port).</summary>
    BundleReady,
}
