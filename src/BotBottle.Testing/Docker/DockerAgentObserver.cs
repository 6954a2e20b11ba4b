using BotBottle.Testing.Bottles;
using BotBottle.Testing.Engine;
using BotBottle.Testing.Launch;
using BotBottle.Testing.Observers;
using BotBottle.Testing.Processes;

namespace BotBottle.Testing.Docker;

/// <summary>
/// The docker backend's eyes on an agent container, none of them the subject's:
/// <list type="bullet">
/// <item>the <em>prober</em>, a container of the harness's image (<see cref="ReferenceImageNames.Prober"/>) that joins the
/// agent's network namespace and nothing else: its own filesystem, pid namespace and root, so no agent process can
/// replace its tools, read its results or signal it. It starts on first use (not in the launch), lives as long as the
/// bottle and is removed with it; its results come back on the engine's exec stream;</item>
/// <item>the <em>facts</em>: the engine's record of the agent container (user, capabilities, no_new_privs, mounts, env)
/// and a one-shot observer of the same image in the engine host's pid namespace (no network), out of sight and reach of
/// every agent process, that reads the agent's filesystem and sockets through <c>/proc/PID</c> of the agent's init
/// (<c>agent-observer.sh</c>).</item>
/// </list>
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "The semaphore's wait handle is never asked for, so it holds nothing to dispose; the observer lives as long as its bottle.")]
internal sealed class DockerAgentObserver : IAgentObserver
{
    private static readonly Lazy<string> ObserverScript = new(() => Resources.EmbeddedText.Read("BotBottle.Testing.Docker.agent-observer.sh"));
    private static readonly TimeSpan ObserverTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The prober's lookups go to the engine's resolver in the agent's network namespace (127.0.0.11 on a user-defined
    /// network, which forwards to the servers the harness configured), named explicitly: the resolv.conf the prober
    /// shares with the agent is the agent's to rewrite.
    /// </summary>
    private const string EmbeddedResolver = "BBT_DNS_SERVER=127.0.0.11\nexport BBT_DNS_SERVER\n";

    private readonly DockerEngine _engine;
    private readonly EngineContainer _agent;
    private readonly string _bottle;
    private readonly IReadOnlyDictionary<string, string> _labels;
    private readonly TeardownStack _teardown;
    private readonly AsyncOnce<EngineContainer> _prober;

    /// <summary>One frozen read of the agent at a time: two batteries of one bottle would otherwise thaw each other's.</summary>
    private readonly SemaphoreSlim _frozenRead = new(1, 1);

    public DockerAgentObserver(DockerEngine engine, EngineContainer agent, string bottle, IReadOnlyDictionary<string, string> labels, TeardownStack teardown)
    {
        _engine = engine;
        _agent = agent;
        _bottle = bottle;
        _labels = labels;
        _teardown = teardown;
        _prober = new(StartProberAsync);
    }

    public string ProberName => $"prober {ReferenceImageNames.Prober} in the agent's network namespace";

    public async Task<BottleExecResult> ProbeAsync(string script, CancellationToken cancellationToken)
    {
        var prober = await _prober.GetAsync(cancellationToken).ConfigureAwait(false);
        return await prober.ShellAsync(EmbeddedResolver + script, cancellationToken).ConfigureAwait(false);
    }

    public async Task<AgentFacts> ReadFactsAsync(CancellationToken cancellationToken)
    {
        var inspect = await _agent.InspectAsync(cancellationToken).ConfigureAwait(false);
        var environment = Facts.SecretScan.ReadAsync(_agent, cancellationToken);
        var (records, problem) = inspect.Pid is > 0 and var pid
            ? await ObserveAsync(pid, ExecPath(inspect.Env), cancellationToken).ConfigureAwait(false)
            : ([], "the engine reports no process for the agent (it is not running)");
        return ObserverRecords.ToFacts(inspect, await environment.ConfigureAwait(false), records, problem, $"engine inspect + observer {ReferenceImageNames.Prober} in the engine host's pid namespace");
    }

    /// <summary>Creates the prober (the start of the bottle's first battery waits for it) and registers its removal with the bottle's.</summary>
    private Task<EngineContainer> StartProberAsync() =>
        StartAsync(new ContainerRequest(_bottle + "-prober", ReferenceImageNames.Prober, _bottle, "prober")
        {
            // Root of its own user namespace share, with only what a raw IPv6 probe needs; nothing of the agent's but the network.
            Network = "container:" + _agent.Id,
            User = "0",
            Entrypoint = Guest.GuestCommand.KeepAlive,
            CapDrop = ["ALL"],
            CapAdd = ["NET_RAW"],
            Labels = _labels,
        });

    private async Task<EngineContainer> StartAsync(ContainerRequest request)
    {
        var container = await _teardown.CreateContainerAsync("remove " + request.Role, () => EngineContainer.CreateAsync(_engine, request), CancellationToken.None, TeardownStack.Containers).ConfigureAwait(false);
        await container.StartAsync(CancellationToken.None).ConfigureAwait(false);
        return container;
    }

    /// <summary>Runs the one-shot observer and returns its records, or why there are none.</summary>
    private async Task<(IReadOnlyList<string[]> Records, string? Problem)> ObserveAsync(long agentPid, string execPath, CancellationToken cancellationToken)
    {
        await _frozenRead.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ObserveFrozenAsync(agentPid, execPath, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _frozenRead.Release();
        }
    }

    /// <summary>
    /// Runs the observer to its end while the agent is frozen, so its reads are of one moment: no agent process can
    /// fork, exit, rename a file or flip a set-uid bit between two of them, and no exec can start. The agent thaws when
    /// the observer ends, or fails.
    /// </summary>
    private async Task<(IReadOnlyList<string[]> Records, string? Problem)> ObserveFrozenAsync(long agentPid, string execPath, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(ObserverTimeout);
        IAsyncDisposable frozen;
        try
        {
            frozen = await _agent.FreezeAsync(limit.Token).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            return ([], $"{e.Message}, so the agent could not be read at one moment");
        }

        await using (frozen.ConfigureAwait(false))
        {
            EngineContainer? observer = null;
            try
            {
                var execs = await _agent.RunningExecPidsAsync(limit.Token).ConfigureAwait(false);
                observer = await EngineContainer.CreateAsync(_engine, ObserverRequest(agentPid, execs, execPath)).ConfigureAwait(false);
                await observer.StartAsync(limit.Token).ConfigureAwait(false);
                await observer.WaitForExitAsync(limit.Token).ConfigureAwait(false);
                return ObserverRecords.Parse(await observer.StdoutAsync(cancellationToken).ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return ([], $"the observer did not finish within {ObserverTimeout.TotalSeconds:0} s");
            }
            finally
            {
                if (observer is not null)
                {
                    await observer.RemoveAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>The observer's container: the harness's image as root in the engine host's pid namespace, no network, read capabilities only.</summary>
    private ContainerRequest ObserverRequest(long agentPid, IReadOnlyList<long> execPids, string execPath) =>
        new($"{_bottle}-observer-{Guid.NewGuid().ToString("N")[..8]}", ReferenceImageNames.Prober, _bottle, "observer")
        {
            Network = "none",
            PidMode = "host",
            User = "0",
            Entrypoint = ["/bin/sh", "-c", ObserverScript.Value, "bbt-observer", GuestUsers.Agent, Argv.Number(agentPid), string.Join(',', execPids.Select(Argv.Number)), execPath],
            CapDrop = ["ALL"],
            CapAdd = ["SYS_PTRACE", "DAC_READ_SEARCH", "DAC_OVERRIDE"],
            Labels = _labels,
        };

    /// <summary>The PATH every engine exec of the agent starts with (the container's env; the engine's default where it sets none).</summary>
    private static string ExecPath(IReadOnlyList<string> env) =>
        env.LastOrDefault(e => e.StartsWith("PATH=", StringComparison.Ordinal)) is { } path ? path["PATH=".Length..] : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}
