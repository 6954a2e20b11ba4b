namespace BotBottle.Testing.Bottles;

/// <summary>
/// A bottle: the agent (container or microVM, run as <c>node</c>) and its bundle on a private network.
/// Build one with <see cref="BottleBuilder"/>, <see cref="StartAsync"/> it, exec in it, and dispose it: that
/// tears everything down in the reverse order of launch (twice is harmless). Fixtures hand out started ones.
/// </summary>
/// <example>
/// <code>
/// await using var bottle = new BottleBuilder().WithAgentImage("botbottle/agent:reference").Build();
/// await bottle.StartAsync(ct);
/// var who = await bottle.ExecAsync("id -un", cancellationToken: ct);   // "node"
/// </code>
/// </example>
public interface IBottle : IAsyncDisposable
{
    /// <summary>The bottle's unique name (its machine, container and network names start with it).</summary>
    string Name { get; }

    /// <summary>The backend that runs it: "docker" or "smolmachines".</summary>
    string Backend { get; }

    /// <summary>Where the agent reaches the bundle's proxy, and the bundle's own address.</summary>
    BundleEndpoint Bundle { get; }

    /// <summary>
    /// The agent's address on the bottle network where other containers could name it (docker), or
    /// null where the agent has no such address (a smolmachines microVM has no network at all).
    /// </summary>
    string? AgentAddress { get; }

    /// <summary>In-guest path of the prompt file, or null when the bottle's prompt is empty.</summary>
    string? PromptPath { get; }

    /// <summary>Launches the bottle (network, bundle, agent, provisioning); a failure leaves nothing behind. Idempotent.</summary>
    Task StartAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs <paramref name="script"/> with <c>/bin/sh -c</c> as <paramref name="user"/> (via
    /// <c>runuser -u</c>, HOME/USER explicit, the guest env re-sent) and captures the result.
    /// Cancelling ends the script and everything it started in the guest.
    /// </summary>
    Task<BottleExecResult> ExecAsync(string script, string user = GuestUsers.Agent, CancellationToken cancellationToken = default);

    /// <summary>Runs <paramref name="script"/> with <c>/bin/sh -c</c> as root in the bundle (controls, diagnostics).</summary>
    Task<BottleExecResult> ExecInBundleAsync(string script, CancellationToken cancellationToken = default);

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
