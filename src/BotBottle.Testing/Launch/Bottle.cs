using System.Globalization;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Bundles;
using BotBottle.Testing.Guest;
using BotBottle.Testing.Processes;

namespace BotBottle.Testing.Launch;

/// <summary>Everything a launched bottle is, fixed when the launch completes.</summary>
internal sealed record LaunchedBottle(
    string Name,
    string Backend,
    BottleSpec Spec,
    IAgentRuntime Agent,
    RunningBundle Bundle,
    BundleEndpoint Endpoint,
    IReadOnlyList<KeyValuePair<string, string>> GuestEnv,
    string? PromptPath,
    TimeSpan RetrySettle,
    TeardownStack Teardown)
{
    /// <summary>The agent's security settings as its backend reported them (capabilities, no-new-privileges, limits).</summary>
    public string? AgentSecurity { get; init; }

    /// <summary>The bottle's wire witness (null where the backend has none).</summary>
    public Witness.WireWitness? Witness { get; init; }
}

/// <summary>
/// The bottle of every backend. Built unstarted (by <see cref="BottleBuilder"/>); <see cref="StartAsync"/> runs
/// the one launch sequence and keeps its immutable result; everything else works on that result through the
/// backend's agent runtime, with the exec semantics every backend shares.
/// </summary>
internal sealed class Bottle : IBottle, Observers.IObservedBottle
{
    private readonly BottleBackend _backend;
    private readonly BottleSpec _spec;
    private readonly SemaphoreSlim _starting = new(1, 1);
    private LaunchedBottle? _launched;
    private int _disposed;

    public Bottle(BottleBackend backend, BottleSpec spec)
    {
        _backend = backend;
        _spec = spec;
        Name = spec.Name is { } name ? BottleNames.Validate(name) : BottleNames.NewBottleName();
    }

    public string Name { get; }

    public string Backend => _backend.Name;

    public string BackendLabel => Launched.Backend;

    public BundleEndpoint Bundle => Launched.Endpoint;

    public string? AgentAddress => Launched.Agent.Address;

    public string? PromptPath => Launched.PromptPath;

    public Witness.WireWitness? Witness => Launched.Witness;

    public string? AgentSecurity => Launched.AgentSecurity;

    public bool AgentResolvesPeers => Launched.Agent.ResolvesPeers;

    /// <summary>The env the harness gives every command in the agent and the agent's own command line (the bottle's env and the proxy's).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> GuestEnvironment => Launched.GuestEnv;

    /// <summary>The harness's eyes on the agent from outside it, or null where the backend has none.</summary>
    public Observers.IAgentObserver? Observer => (Launched.Agent as Observers.IObservedAgent)?.Observer;

    internal LaunchedBottle Launched => _launched
        ?? (Volatile.Read(ref _disposed) != 0
            ? throw new ObjectDisposedException(Name, $"bottle {Name} has been disposed")
            : throw new InvalidOperationException($"bottle {Name} has not been started: call StartAsync first"));

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _starting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            _launched ??= await BottleLauncher.LaunchAsync(_backend, _spec, Name, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _starting.Release();
        }
    }

    public Task<BottleExecResult> ExecAsync(string script, string user = GuestUsers.Agent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        var launched = Launched;
        return WhileNotDisposedAsync(() => RunAsync(launched, GuestCommand.ForScript(user, script), cancellationToken));
    }

    public Task<BottleExecResult> ExecAsync(string script, CancellationToken cancellationToken) => ExecAsync(script, GuestUsers.Agent, cancellationToken);

    public Task<BottleExecResult> ExecAsync(IReadOnlyList<string> argv, string user = GuestUsers.Agent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(argv);
        if (argv.Count == 0 || argv.Any(a => a is null))
        {
            throw new ArgumentException("an argv needs a command and no null element", nameof(argv));
        }

        var launched = Launched;
        return WhileNotDisposedAsync(() => RunAsync(launched, [.. GuestCommand.AsUser(user), .. argv], cancellationToken));
    }

    public Task<BottleExecResult> ExecAsync(IReadOnlyList<string> argv, CancellationToken cancellationToken) => ExecAsync(argv, GuestUsers.Agent, cancellationToken);

    public Task<BottleExecResult> ExecInBundleAsync(string script, CancellationToken cancellationToken = default)
    {
        var launched = Launched;
        return WhileNotDisposedAsync(() => launched.Bundle.ExecAsync(script, cancellationToken));
    }

    public async Task<BottleLogs> GetLogsAsync(CancellationToken cancellationToken = default)
    {
        var launched = Launched;
        var agent = launched.Agent.LogsAsync(cancellationToken);
        var bundle = launched.Bundle.LogsAsync(cancellationToken);
        return new BottleLogs(await agent.ConfigureAwait(false), await bundle.ConfigureAwait(false));
    }

    public IReadOnlyList<string> AgentArgv(IReadOnlyList<string> argv, bool tty = true, IReadOnlyList<string>? agentCommand = null) =>
        AgentHostCommand(argv, tty, agentCommand).Argv;

    public IBottle.HostCommandLine AgentHostCommand(IReadOnlyList<string> argv, bool tty = true, IReadOnlyList<string>? agentCommand = null)
    {
        ArgumentNullException.ThrowIfNull(argv);
        var launched = Launched;
        var guest = agentCommand is null
            ? AgentCommandLine.Build(launched.Spec, launched.PromptPath, argv)
            : AgentCommandLine.Build(launched.Spec with { AgentCommand = agentCommand }, promptPath: null, argv);
        return launched.Agent.HostCommand(guest, launched.GuestEnv, tty);
    }

    public Task<int> ExecAgentAsync(IReadOnlyList<string> argv, bool tty = true, CancellationToken cancellationToken = default)
    {
        var command = AgentHostCommand(argv, tty);
        var style = tty ? Launched.Spec.Terminal : TerminalStyle.None;
        return InteractiveProcess.RunAsync(command.Argv, TerminalEscapes.Apply(style), TerminalEscapes.Reset(style), command.Environment, cancellationToken);
    }

    public async Task CopyInAsync(string hostPath, string guestPath, string owner = GuestUsers.Root, UnixFileMode? mode = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostPath);
        ArgumentException.ThrowIfNullOrEmpty(guestPath);
        if (!File.Exists(hostPath) && !Directory.Exists(hostPath))
        {
            throw new FileNotFoundException($"nothing to copy: '{hostPath}' does not exist", hostPath);
        }

        var launched = Launched;
        await GuestPlacement.CopyAsync(launched.Agent, (argv, ct) => RunAsync(launched, argv, ct), hostPath, guestPath, owner, mode, cancellationToken).ConfigureAwait(false);
    }

    public Task CopyInAsync(ReadOnlyMemory<byte> content, string guestPath, string owner = GuestUsers.Root, UnixFileMode? mode = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(guestPath);
        var launched = Launched;
        return GuestPlacement.CopyAsync(launched.Agent, (argv, ct) => RunAsync(launched, argv, ct), content, guestPath, owner, mode, cancellationToken);
    }

    public async Task CopyInAsync(Stream content, string guestPath, string owner = GuestUsers.Root, UnixFileMode? mode = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        await CopyInAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), guestPath, owner, mode, cancellationToken).ConfigureAwait(false);
    }

    public Task<byte[]> ReadFileAsync(string guestPath, string user = GuestUsers.Root, int maxBytes = GuestFileRead.DefaultMaxBytes, CancellationToken cancellationToken = default)
    {
        var launched = Launched;
        return WhileNotDisposedAsync(() => GuestFileRead.ReadAsync((argv, ct) => RunAsync(launched, argv, ct), Name, guestPath, user, maxBytes, cancellationToken));
    }

    public Task<byte[]> ReadFileAsync(string guestPath, CancellationToken cancellationToken) => ReadFileAsync(guestPath, GuestUsers.Root, GuestFileRead.DefaultMaxBytes, cancellationToken);

    /// <summary>Tears the bottle down (agent, bundle, network) in reverse launch order; idempotent, and waits for a launch in progress.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _starting.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_launched is { } launched)
            {
                await launched.Teardown.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _launched = null;
            _starting.Release();
        }
    }

    /// <summary>An operation that disposal overtook fails as <see cref="ObjectDisposedException"/>, whatever the backend said.</summary>
    private async Task<T> WhileNotDisposedAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && Volatile.Read(ref _disposed) != 0)
        {
            throw new ObjectDisposedException($"bottle {Name} was disposed while the operation ran", e);
        }
    }

    private static Task<BottleExecResult> RunAsync(LaunchedBottle launched, IReadOnlyList<string> argv, CancellationToken cancellationToken) =>
        ExecRetry.RunAsync(ct => launched.Agent.ExecAsync(argv, launched.GuestEnv, ct), launched.RetrySettle, cancellationToken);
}
