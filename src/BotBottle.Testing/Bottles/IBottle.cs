using BotBottle.Testing.Processes;

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

    /// <summary>The name of the backend that runs it (its <c>BottleBackend.Name</c>): "docker", "smolmachines", or yours.</summary>
    string Backend { get; }

    /// <summary>
    /// The backend as reports name it once the bottle has launched: its <c>BottleBackend.Label</c> where it has one, else
    /// its description ("docker (Engine 20.10.24, API 1.41)", "smolmachines (emulated smolvm 1.9.3)").
    /// </summary>
    string BackendLabel => Backend;

    /// <summary>
    /// Whether the agent resolves its peers (e.g. <c>bundle</c>) through the engine's resolver, as a docker container
    /// does: the isolation catalogue's DNS control depends on it (its backend's <c>IAgentRuntime.ResolvesPeers</c>).
    /// </summary>
    bool AgentResolvesPeers => false;

    /// <summary>The agent's security settings as its backend reported them (capabilities, no-new-privileges, limits), or null where it reports none.</summary>
    string? AgentSecurity => null;

    /// <summary>Where the agent reaches the bundle's proxy, and the bundle's own address.</summary>
    BundleEndpoint Bundle { get; }

    /// <summary>
    /// The agent's address on the bottle network where other containers could name it (docker), or
    /// null where the agent has no such address (a smolmachines microVM has no network at all).
    /// </summary>
    string? AgentAddress { get; }

    /// <summary>In-guest path of the prompt file, or null when the bottle's prompt is empty.</summary>
    string? PromptPath { get; }

    /// <summary>
    /// The bottle's wire witness: everything the agent sent out from launch to teardown, recorded outside the agent
    /// (docker: every frame on the network's bridge; smolmachines, whose VM has no NIC: every connection through its host
    /// relay, and smolvm's record of the machine's network), or null where the backend has none.
    /// </summary>
    Witness.WireWitness? Witness => null;

    /// <summary>Launches the bottle (network, bundle, agent, provisioning); a failure leaves nothing behind. Idempotent.</summary>
    Task StartAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs <paramref name="script"/> with <c>/bin/sh -c</c> as <paramref name="user"/> (via
    /// <c>runuser -u</c>, HOME/USER explicit, the guest env re-sent) and captures the result.
    /// Cancelling ends the script and everything it started in the guest.
    /// </summary>
    Task<BottleExecResult> ExecAsync(string script, string user = GuestUsers.Agent, CancellationToken cancellationToken = default);

    /// <summary>Runs <paramref name="script"/> with <c>/bin/sh -c</c> as the agent user (<c>node</c>); see the overload with a user.</summary>
    Task<BottleExecResult> ExecAsync(string script, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="argv"/> as <paramref name="user"/>, no shell: every element is one argv element of the
    /// guest process (<c>argv[0]</c> looked up on the guest's PATH), with the same user switch, HOME/USER and guest env
    /// as the script overloads. Cancelling ends it and everything it started in the guest.
    /// </summary>
    Task<BottleExecResult> ExecAsync(IReadOnlyList<string> argv, string user = GuestUsers.Agent, CancellationToken cancellationToken = default);

    /// <summary>Runs <paramref name="argv"/> as the agent user (<c>node</c>), no shell; see the overload with a user.</summary>
    Task<BottleExecResult> ExecAsync(IReadOnlyList<string> argv, CancellationToken cancellationToken);

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

    /// <summary>
    /// The host command that runs the agent: <see cref="AgentArgv"/>, and the environment it must be started with
    /// (the guest env travels there, out of <c>ps</c>'s sight). Everything that starts the agent starts it this way.
    /// </summary>
    /// <param name="argv">Arguments after the agent command; see <see cref="AgentArgv"/>.</param>
    /// <param name="tty">Allocate a terminal.</param>
    /// <param name="agentCommand">Another command in the agent's place; see <see cref="AgentArgv"/>.</param>
    HostCommandLine AgentHostCommand(IReadOnlyList<string> argv, bool tty = true, IReadOnlyList<string>? agentCommand = null) =>
        new(AgentArgv(argv, tty, agentCommand), new Dictionary<string, string?>(StringComparer.Ordinal));

    /// <summary>Runs the agent with the caller's terminal inherited and returns its exit code.</summary>
    Task<int> ExecAgentAsync(IReadOnlyList<string> argv, bool tty = true, CancellationToken cancellationToken = default);

    /// <summary>Copies a host file or directory into the guest, owned by <paramref name="owner"/> with the given mode.</summary>
    Task CopyInAsync(string hostPath, string guestPath, string owner = GuestUsers.Root, UnixFileMode? mode = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <paramref name="content"/> as the guest file <paramref name="guestPath"/>, owned by <paramref name="owner"/>
    /// with <paramref name="mode"/> (0644 when null). Like every copy-in it is staged where only root can look and placed
    /// without following a link: a link planted on the way fails the copy.
    /// </summary>
    Task CopyInAsync(ReadOnlyMemory<byte> content, string guestPath, string owner = GuestUsers.Root, UnixFileMode? mode = null, CancellationToken cancellationToken = default);

    /// <summary>Writes what <paramref name="content"/> holds from its position to its end as the guest file <paramref name="guestPath"/>; see the bytes overload.</summary>
    Task CopyInAsync(Stream content, string guestPath, string owner = GuestUsers.Root, UnixFileMode? mode = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the guest file <paramref name="guestPath"/> back as bytes, as <paramref name="user"/> (root by default; as
    /// <c>node</c> it reads only what the agent may). Fails with <see cref="FileNotFoundException"/> when there is no
    /// such file, <see cref="IOException"/> for a directory or a file over <paramref name="maxBytes"/> (16 MiB by
    /// default), <see cref="UnauthorizedAccessException"/> when the user may not read it.
    /// </summary>
    Task<byte[]> ReadFileAsync(string guestPath, string user = GuestUsers.Root, int maxBytes = 16 * 1024 * 1024, CancellationToken cancellationToken = default);

    /// <summary>Reads the guest file <paramref name="guestPath"/> back as root, up to 16 MiB; see the overload with a user.</summary>
    Task<byte[]> ReadFileAsync(string guestPath, CancellationToken cancellationToken);

    /// <summary>A host command: its argv, and the environment it must be started with.</summary>
    /// <param name="Argv">The argv (no secret in it).</param>
    /// <param name="Environment">The variables to add to the process's environment (where the guest env travels, out of <c>ps</c>'s sight).</param>
    public sealed record HostCommandLine(IReadOnlyList<string> Argv, IReadOnlyDictionary<string, string?> Environment);
}
