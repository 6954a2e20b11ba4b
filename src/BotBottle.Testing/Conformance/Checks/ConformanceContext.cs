using System.Diagnostics;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Guest;
using BotBottle.Testing.Processes;
using BotBottle.Testing.Probes;
using Microsoft.Extensions.Logging.Abstractions;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>
/// What a check can do where it runs: exec as a user (image as shipped, or the bottle), start the
/// agent the way the bottle does, read the agent's env, and the bottle's one probe battery.
/// </summary>
internal sealed class ConformanceContext
{
    private readonly Func<string, string, CancellationToken, Task<BottleExecResult>> _exec;
    private readonly IBottle? _bottle;
    private readonly Func<IReadOnlyList<string>, IReadOnlyList<string>, HostCommandLine>? _agentStart;
    private readonly AsyncOnce<IReadOnlyDictionary<string, string>> _agentEnv;
    private readonly AsyncOnce<ProbeReport> _probes;

    /// <param name="backend">The column the checks report to.</param>
    /// <param name="agent">How the spec's agent is started.</param>
    /// <param name="exec">Runs a script as a user where the checks run.</param>
    /// <param name="bottle">The launched bottle (bottle stage only).</param>
    /// <param name="agentStart">The bottle's own agent start path: (agent command, argv) to the host command and its environment.</param>
    /// <param name="probes">The bottle's probe battery.</param>
    internal ConformanceContext(string backend, AgentSettings agent, Func<string, string, CancellationToken, Task<BottleExecResult>> exec, IBottle? bottle, Func<IReadOnlyList<string>, IReadOnlyList<string>, HostCommandLine>? agentStart, Func<Task<ProbeReport>>? probes)
    {
        Backend = backend;
        Agent = agent;
        _exec = exec;
        _bottle = bottle;
        _agentStart = agentStart;
        _agentEnv = new AsyncOnce<IReadOnlyDictionary<string, string>>(ReadAgentEnvironmentAsync);
        _probes = new AsyncOnce<ProbeReport>(probes ?? (() => throw new InvalidOperationException("this stage has no probe battery")));
    }

    /// <summary>The backend the checks run on ("image" for the image stage).</summary>
    public string Backend { get; }

    /// <summary>How the spec's agent is started.</summary>
    public AgentSettings Agent { get; }

    /// <summary>The launched bottle (bottle stage only).</summary>
    public IBottle Bottle => _bottle ?? throw new InvalidOperationException("this check needs a launched bottle; it cannot run on the image as shipped");

    /// <summary>Runs <paramref name="script"/> as <paramref name="user"/>, ended after <paramref name="limit"/>.</summary>
    public async Task<GuestRun> ExecAsync(string script, string user, TimeSpan limit, CancellationToken cancellationToken)
    {
        using var backstop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        backstop.CancelAfter(limit + GuestTimeout.HostGrace);
        var clock = Stopwatch.StartNew();
        try
        {
            var result = await _exec(GuestTimeout.Wrap(script, limit), user, backstop.Token).ConfigureAwait(false);
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
    public Task<ProbeReport> ProbeReportAsync(CancellationToken cancellationToken) => _probes.GetAsync(cancellationToken);

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
