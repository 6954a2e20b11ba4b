using BotBottle.Testing.Bottles;
using BotBottle.Testing.Processes;

namespace BotBottle.Testing.Observers;

/// <summary>
/// The harness's own eyes on an agent, outside everything the subject (the agent image, the agent as <c>node</c>, any
/// root process in the agent) can write, replace or signal: a prober of the harness's image in the agent's network
/// namespace (its own filesystem, pid namespace and uid), and facts read from the engine and from a harness-owned
/// observer. A backend that has none (a microVM) leaves its checks subject-reported.
/// </summary>
internal interface IAgentObserver
{
    /// <summary>What reports name as the prober ("prober botbottle/prober:reference in the agent's network namespace").</summary>
    string ProberName { get; }

    /// <summary>Runs a battery script in the prober, as the prober's root, over the engine's own exec stream.</summary>
    Task<BottleExecResult> ProbeAsync(string script, CancellationToken cancellationToken);

    /// <summary>Reads the facts about the agent from outside it (each call reads them afresh).</summary>
    Task<AgentFacts> ReadFactsAsync(CancellationToken cancellationToken);
}

/// <summary>An agent runtime the harness can observe from outside (a backend whose agent has none does not implement it).</summary>
internal interface IObservedAgent
{
    /// <summary>The harness's eyes on this agent.</summary>
    IAgentObserver Observer { get; }
}

/// <summary>
/// A bottle the harness can observe from outside its agent (the harness's own bottles; a backend whose agent has no
/// observer gives none): the probes' facts and the prober read through it.
/// </summary>
internal interface IObservedBottle
{
    /// <summary>The harness's eyes on the agent, or null where its backend has none.</summary>
    IAgentObserver? Observer { get; }

    /// <summary>The env the harness gives every command in the agent (what observed facts are compared with).</summary>
    IReadOnlyList<KeyValuePair<string, string>> GuestEnvironment { get; }
}
