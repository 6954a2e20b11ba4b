using BotBottle.Testing.Bottles;
using BotBottle.Testing.Bundles;
using BotBottle.Testing.Guest;
using BotBottle.Testing.Launch;
using BotBottle.Testing.Processes;

namespace BotBottle.Testing.Smolmachines;

/// <summary>
/// A bottle whose agent is a smolvm microVM. Exec and copy go through <c>smolvm machine exec/cp</c>;
/// the VM and bundle lifecycle lives on the launch's teardown stack, which disposing unwinds.
/// </summary>
public sealed class SmolmachinesBottle : IBottle
{
    private readonly SmolvmCli _smolvm;
    private readonly BottleSpec _spec;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _guestEnv;
    private readonly TeardownStack _teardown;
    private readonly IReadOnlyList<string> _ptyBridge;
    private readonly TimeSpan _retrySettle;
    private readonly IRunningBundle _bundle;

    internal SmolmachinesBottle(
        string name,
        SmolvmCli smolvm,
        BottleSpec spec,
        IRunningBundle bundle,
        IReadOnlyList<KeyValuePair<string, string>> guestEnv,
        TeardownStack teardown,
        IReadOnlyList<string> ptyBridge,
        TimeSpan retrySettle)
    {
        Name = name;
        _smolvm = smolvm;
        _spec = spec;
        _bundle = bundle;
        _guestEnv = guestEnv;
        _teardown = teardown;
        _ptyBridge = ptyBridge;
        _retrySettle = retrySettle;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public string Backend => SmolmachinesBackend.BackendName;

    /// <inheritdoc />
    public BundleEndpoint Bundle => _bundle.Endpoint;

    /// <inheritdoc />
    /// <remarks>A microVM's address lives inside smolvm's own networking; other containers cannot name it.</remarks>
    public string? AgentAddress => null;

    /// <inheritdoc />
    public Task<ExecResult> ExecInBundleAsync(string script, CancellationToken cancellationToken = default) =>
        _bundle.ExecAsync(script, cancellationToken);

    /// <inheritdoc />
    public async Task<BottleLogs> GetLogsAsync(CancellationToken cancellationToken = default) =>
        new("(smolvm keeps no log of the microVM's console for the harness)", await _bundle.GetLogsAsync(cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public string? PromptPath { get; internal set; }

    /// <summary>The env every exec re-sends.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> GuestEnv => _guestEnv;

    /// <inheritdoc />
    public Task<ExecResult> ExecAsync(string script, string user = GuestUsers.Agent, CancellationToken cancellationToken = default)
    {
        var argv = GuestCommand.ForScript(user, script, _guestEnv);
        return ExecRetry.RunAsync(ct => _smolvm.ExecAsync(Name, argv, ct), _retrySettle, cancellationToken);
    }

    /// <inheritdoc />
    public IReadOnlyList<string> AgentArgv(IReadOnlyList<string> argv, bool tty = true, IReadOnlyList<string>? agentCommand = null)
    {
        var agent = agentCommand is null
            ? AgentCommandLine.Build(_spec, PromptPath, _guestEnv, argv)
            : AgentCommandLine.Build(_spec with { AgentCommand = agentCommand }, promptPath: null, _guestEnv, argv);
        IReadOnlyList<string> exec = [_smolvm.Executable, .. SmolvmCommands.Exec(Name, agent, tty)];
        return tty ? [.. _ptyBridge, Name, "--", .. exec] : exec;
    }

    /// <inheritdoc />
    public Task<int> ExecAgentAsync(IReadOnlyList<string> argv, bool tty = true, CancellationToken cancellationToken = default) =>
        InteractiveProcess.RunAsync(AgentArgv(argv, tty), tty ? _spec.Terminal : TerminalStyle.None, _smolvm.Environment, cancellationToken);

    /// <inheritdoc />
    public async Task CopyInAsync(string hostPath, string guestPath, string owner = GuestUsers.Root, UnixFileMode? mode = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostPath);
        ArgumentException.ThrowIfNullOrEmpty(guestPath);
        var files = CopyPlan.For(hostPath, guestPath);
        var directories = files.Select(f => GuestPaths.Parent(f.GuestPath)).Distinct(StringComparer.Ordinal).ToList();
        (await ExecAsync("mkdir -p -- \"$@\"", directories, cancellationToken).ConfigureAwait(false)).ThrowOnFailure();
        foreach (var file in files)
        {
            await CopyFileAsync(file.HostPath, file.GuestPath, cancellationToken).ConfigureAwait(false);
        }

        var fix = CopyPlan.OwnershipScript(owner, mode);
        (await ExecAsync(fix, [guestPath], cancellationToken).ConfigureAwait(false)).ThrowOnFailure();
    }

    /// <summary>Tears the bottle down (VM, bundle, network) in reverse launch order; idempotent.</summary>
    public ValueTask DisposeAsync() => _teardown.DisposeAsync();

    private Task<ExecResult> ExecAsync(string script, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        // Values travel as positional parameters ($1…), never spliced into the script text.
        var argv = new List<string>(GuestCommand.AsUser(GuestUsers.Root, _guestEnv)) { GuestCommand.Shell, "-c", script, "sh" };
        argv.AddRange(args);
        return ExecRetry.RunAsync(ct => _smolvm.ExecAsync(Name, argv, ct), _retrySettle, cancellationToken);
    }

    private async Task CopyFileAsync(string hostPath, string guestPath, CancellationToken cancellationToken)
    {
        // smolvm splits `cp` arguments at the first ':', so a host path containing one is staged first.
        if (!hostPath.Contains(':', StringComparison.Ordinal))
        {
            await _smolvm.RunCheckedAsync(SmolvmCommands.CopyIn(Name, hostPath, guestPath), cancellationToken).ConfigureAwait(false);
            return;
        }

        var staging = Directory.CreateTempSubdirectory("bbt-cp-");
        try
        {
            var staged = Path.Combine(staging.FullName, "file");
            File.Copy(hostPath, staged);
            await _smolvm.RunCheckedAsync(SmolvmCommands.CopyIn(Name, staged, guestPath), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            staging.Delete(recursive: true);
        }
    }
}
