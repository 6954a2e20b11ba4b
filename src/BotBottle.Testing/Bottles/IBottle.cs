namespace BotBottle.Testing.Bottles;

/// <summary>
/// A running bottle: the agent (container or microVM) with its bundle. Disposing it tears
/// everything down in the reverse order of launch; disposing twice is harmless.
/// </summary>
public interface IBottle : IAsyncDisposable
{
    /// <summary>The bottle's unique name (also used for its machine/container/network names).</summary>
    string Name { get; }

    /// <summary>The backend that launched the bottle ("docker", "smolmachines").</summary>
    string Backend { get; }

    /// <summary>The bundle the agent is wired to (its address and proxy port).</summary>
    Bundles.BundleEndpoint Bundle { get; }

    /// <summary>
    /// The agent's address on the bottle network where other containers could name it (docker), or
    /// null where the agent has no such address (a smolmachines microVM).
    /// </summary>
    string? AgentAddress { get; }

    /// <summary>In-guest path of the prompt file, or null when the bottle's prompt is empty.</summary>
    string? PromptPath { get; }

    /// <summary>
    /// Runs <paramref name="script"/> with <c>/bin/sh -c</c> as <paramref name="user"/> (via
    /// <c>runuser -u</c>, HOME/USER explicit, the guest env re-sent) and captures the result.
    /// </summary>
    Task<ExecResult> ExecAsync(string script, string user = GuestUsers.Agent, CancellationToken cancellationToken = default);

    /// <summary>Runs <paramref name="script"/> with <c>/bin/sh -c</c> as root in the bundle (controls, diagnostics).</summary>
    Task<ExecResult> ExecInBundleAsync(string script, CancellationToken cancellationToken = default);

    /// <summary>The agent's and the bundle's logs so far, for failure reports.</summary>
    Task<BottleLogs> GetLogsAsync(CancellationToken cancellationToken = default);

    /// <summary>The full host command line that runs the agent interactively (argv elements, never a shell string).</summary>
    /// <param name="argv">Arguments after the agent command (and the prompt arguments, placed by prompt mode).</param>
    /// <param name="tty">Allocate a terminal (and, where the backend needs it, the resize bridge).</param>
    /// <param name="agentCommand">
    /// Another command in the agent's place on the very same start path (user switch, env, workdir
    /// wrapper, no prompt arguments), e.g. <c>["env"]</c> to see what the agent would see; null for the bottle's agent.
    /// </param>
    IReadOnlyList<string> AgentArgv(IReadOnlyList<string> argv, bool tty = true, IReadOnlyList<string>? agentCommand = null);

    /// <summary>Runs the agent with the caller's terminal inherited and returns its exit code.</summary>
    Task<int> ExecAgentAsync(IReadOnlyList<string> argv, bool tty = true, CancellationToken cancellationToken = default);

    /// <summary>Copies a host file or directory into the guest, owned by <paramref name="owner"/> with the given mode.</summary>
    Task CopyInAsync(string hostPath, string guestPath, string owner = GuestUsers.Root, UnixFileMode? mode = null, CancellationToken cancellationToken = default);
}
