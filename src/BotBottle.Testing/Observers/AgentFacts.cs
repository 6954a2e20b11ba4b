namespace BotBottle.Testing.Observers;

/// <summary>
/// What the harness knows about an agent from outside it: the engine's record of the container and what a
/// harness-owned observer in the agent's pid namespace saw. Version 1.
/// </summary>
/// <param name="Source">Who observed it ("engine inspect + observer botbottle/prober:reference").</param>
/// <param name="AgentInit">The agent's pid 1 as the observer saw it ("docker-init, uid 0"): proof it looked at the agent's processes (null when it did not).</param>
/// <param name="AgentUid">The uid the agent user runs as: the agent user's entry in the image's passwd file, read through the engine (null when it has none).</param>
/// <param name="NoNewPrivileges">Whether the engine runs every agent process with no_new_privs.</param>
/// <param name="Privileged">Whether the container is privileged.</param>
/// <param name="CapabilitiesAdded">Capabilities the engine adds back (after <paramref name="CapabilitiesDropped"/>).</param>
/// <param name="CapabilitiesDropped">Capabilities the engine drops (<c>ALL</c> for every one).</param>
/// <param name="Mounts">Every mount the engine gives the container, as "source → destination".</param>
/// <param name="Environment">What the agent starts with, read from outside: the container's env as the engine holds it (image ENV and what the harness set) and the assignments of its login start path, read through the engine (values never shown).</param>
/// <param name="SetuidFiles">Set-uid or set-gid files owned by root in the agent's filesystem ("4755 /usr/bin/su").</param>
/// <param name="RootListeners">Sockets listening in the agent's network namespace or filesystem that belong to root.</param>
/// <param name="RootProcesses">Every root thread of the agent but the engine's own init ("pid 7 (nc), uids 0,0,0,0, capabilities 00000000a80425fb"), read while the agent was frozen: whatever channel it takes input on, whoever reaches it is root.</param>
/// <param name="RootReach">Root's rights within the agent user's reach without a root process: a descriptor a process kept from when it was root (a root-owned file open for writing, an io_uring with a root personality), and a file or directory on the way of the harness's root commands (the container's PATH, the programs there, <c>/etc/ld.so.preload</c>) that the agent user can write.</param>
/// <param name="EngineExecs">Root processes that are engine execs running at the time (the harness's own, by the engine's record, such as its exec channel): context, never a finding.</param>
/// <param name="Hardening">The container's resource limits and the capabilities the harness's hardening keeps, from the engine's record (null: not read).</param>
/// <param name="Complete">Whether the observer finished; a stopped or killed observer leaves what it reads (<paramref name="AgentInit"/>, <paramref name="AgentUid"/>, <paramref name="SetuidFiles"/>, <paramref name="RootListeners"/>, <paramref name="RootProcesses"/>, <paramref name="RootReach"/>, <paramref name="EngineExecs"/>) incomplete; the engine's record stays whole.</param>
/// <param name="Problem">Why the facts are incomplete, when they are.</param>
internal sealed record AgentFacts(
    string Source,
    string? AgentInit,
    int? AgentUid,
    bool NoNewPrivileges,
    bool Privileged,
    IReadOnlyList<string> CapabilitiesAdded,
    IReadOnlyList<string> CapabilitiesDropped,
    IReadOnlyList<string> Mounts,
    IReadOnlyList<Facts.EnvEntry> Environment,
    IReadOnlyList<string> SetuidFiles,
    IReadOnlyList<string> RootListeners,
    IReadOnlyList<string> RootProcesses,
    IReadOnlyList<string> RootReach,
    IReadOnlyList<string> EngineExecs,
    AgentContainerLimits? Hardening,
    bool Complete,
    string? Problem)
{
    /// <summary>The version of this record's meaning.</summary>
    public const int Version = 2;
}

/// <summary>The agent container's limits as the engine holds them (null: none), and the capabilities the harness's hardening keeps.</summary>
/// <param name="Pids">The pids limit.</param>
/// <param name="MemoryBytes">The memory limit.</param>
/// <param name="NanoCpus">The CPU limit in billionths of a CPU.</param>
/// <param name="KeptCapabilities">What the harness's hardening adds back after dropping every capability.</param>
internal sealed record AgentContainerLimits(long? Pids, long? MemoryBytes, long? NanoCpus, IReadOnlyList<string> KeptCapabilities);
