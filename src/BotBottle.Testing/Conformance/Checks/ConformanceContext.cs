using System.Diagnostics;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Engine;
using BotBottle.Testing.Guest;
using BotBottle.Testing.Processes;
using BotBottle.Testing.Probes;
using Microsoft.Extensions.Logging.Abstractions;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>
/// What a check can do where it runs: exec as a user (image as shipped, or the bottle), start the
/// agent the way the bottle does, read the agent's env, read the image's files through the engine, and the
/// bottle's one probe battery. In the bottle stage, only the agent user's execs run in the probed bottle: an
/// exec as any other user (root) runs in a throwaway container of the same image (<c>elsewhere</c>), so no image
/// code runs with more than the agent's rights in a bottle that is probed, and the order of checks cannot matter.
/// </summary>
internal sealed class ConformanceContext
{
    private readonly Func<string, string, CancellationToken, Task<BottleExecResult>> _exec;
    private readonly Func<string, string, CancellationToken, Task<BottleExecResult>>? _elsewhere;
    private readonly EngineContainer? _imageFiles;
    private readonly IBottle? _bottle;
    private readonly Func<IReadOnlyList<string>, IReadOnlyList<string>, IBottle.HostCommandLine>? _agentStart;
    private readonly AsyncOnce<IReadOnlyDictionary<string, string>> _agentEnv;
    private readonly AsyncOnce<IsolationReport> _probes;

    /// <param name="backend">The column the checks report to.</param>
    /// <param name="agent">How the spec's agent is started.</param>
    /// <param name="exec">Runs a script as a user where the checks run.</param>
    /// <param name="bottle">The launched bottle (bottle stage only).</param>
    /// <param name="agentStart">The bottle's own agent start path: (agent command, argv) to the host command and its environment.</param>
    /// <param name="probes">The bottle's probe battery.</param>
    /// <param name="elsewhere">Runs a script as a user other than the agent user in a throwaway container of the image (bottle stage: never in the probed bottle).</param>
    /// <param name="imageFiles">A never-started container of the image, for checks that read its files through the engine (image stage).</param>
    internal ConformanceContext(
        string backend,
        AgentSettings agent,
        Func<string, string, CancellationToken, Task<BottleExecResult>> exec,
        IBottle? bottle,
        Func<IReadOnlyList<string>, IReadOnlyList<string>, IBottle.HostCommandLine>? agentStart,
        Func<Task<IsolationReport>>? probes,
        Func<string, string, CancellationToken, Task<BottleExecResult>>? elsewhere = null,
        EngineContainer? imageFiles = null)
    {
        Backend = backend;
        Agent = agent;
        _exec = exec;
        _elsewhere = elsewhere;
        _imageFiles = imageFiles;
        _bottle = bottle;
        _agentStart = agentStart;
        _agentEnv = new AsyncOnce<IReadOnlyDictionary<string, string>>(ReadAgentEnvironmentAsync);
        _probes = new AsyncOnce<IsolationReport>(probes ?? (() => throw new InvalidOperationException("this stage has no probe battery")));
    }

    /// <summary>The backend the checks run on ("image" for the image stage).</summary>
    public string Backend { get; }

    /// <summary>How the spec's agent is started.</summary>
    public AgentSettings Agent { get; }

    /// <summary>The launched bottle (bottle stage only).</summary>
    public IBottle Bottle => _bottle ?? throw new InvalidOperationException("this check needs a launched bottle; it cannot run on the image as shipped");

    /// <summary>A never-started container of the image, whose files the engine reads (no image code has run in it).</summary>
    public EngineContainer ImageFiles => _imageFiles ?? throw new InvalidOperationException("this check reads the image's files through the engine; it runs in the image stage");

    /// <summary>
    /// Runs <paramref name="script"/> as <paramref name="user"/>, ended after <paramref name="limit"/>: as the agent user
    /// where the checks run; as anyone else in the throwaway container when the stage has one.
    /// </summary>
    public async Task<GuestRun> ExecAsync(string script, string user, TimeSpan limit, CancellationToken cancellationToken)
    {
        var exec = user != GuestUsers.Agent && _elsewhere is not null ? _elsewhere : _exec;
        using var backstop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        backstop.CancelAfter(limit + GuestTimeout.HostGrace);
        var clock = Stopwatch.StartNew();
        try
        {
            var result = await exec(GuestTimeout.Wrap(script, limit), user, backstop.Token).ConfigureAwait(false);
            return new GuestRun(result.ExitCode, result.Stdout, result.Stderr, clock.Elapsed, GuestTimeout.EndedByLimit(result.ExitCode, clock.Elapsed, limit));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new GuestRun(124, "", $"no answer from the guest within {(limit + GuestTimeout.HostGrace).TotalSeconds:0} s", clock.Elapsed, true);
        }
    }

    /// <summary>
    /// Runs <paramref name="agentCommand"/> with <paramref name="argv"/> exactly as the backend starts the agent: the
    /// host command line <see cref="IBottle.AgentArgv"/> builds (without a TTY), with the environment the backend gives
    /// it (smolvm's own state directories, the guest env handed over out of the argv).
    /// </summary>
    public async Task<GuestRun> RunAgentAsync(IReadOnlyList<string> agentCommand, IReadOnlyList<string> argv, TimeSpan limit, CancellationToken cancellationToken)
    {
        var command = _agentStart?.Invoke(agentCommand, argv)
            ?? throw new InvalidOperationException("this check needs the bottle's agent start path; it cannot run on the image as shipped");
        using var limited = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limited.CancelAfter(limit);
        var clock = Stopwatch.StartNew();
        try
        {
            var result = await new HostCommand(command.Argv[0], command.Environment, NullLogger.Instance)
                .RunAsync(command.Argv.Skip(1).ToList(), limited.Token).ConfigureAwait(false);
            return new GuestRun(result.ExitCode, result.Stdout, result.Stderr, clock.Elapsed, false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new GuestRun(124, "", $"the agent did not finish within {limit.TotalSeconds:0} s", clock.Elapsed, true);
        }
    }

    /// <summary>The env the agent process gets (read once: <c>env</c> started in the agent's place).</summary>
    public Task<IReadOnlyDictionary<string, string>> AgentEnvironmentAsync(CancellationToken cancellationToken) => _agentEnv.GetAsync(cancellationToken);

    /// <summary>The bottle's probe battery (run once for every probe check of the spec).</summary>
    public Task<IsolationReport> IsolationReportAsync(CancellationToken cancellationToken) => _probes.GetAsync(cancellationToken);

    private async Task<IReadOnlyDictionary<string, string>> ReadAgentEnvironmentAsync()
    {
        var run = await RunAgentAsync(["env"], [], Agent.Timeout, CancellationToken.None).ConfigureAwait(false);
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"the agent start path failed to run `env` (exit {run.ExitCode}): {run.Stderr.Trim()}");
        }

        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in run.Stdout.Split('\n'))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                env[line[..eq]] = line[(eq + 1)..];
            }
        }

        return env;
    }
}
