using BotBottle.Testing.Bottles;
using BotBottle.Testing.Guest;
using BotBottle.Testing.Observers;
using BotBottle.Testing.Processes;

namespace BotBottle.Testing.Probes;

/// <summary>
/// Where a step runs and who observes it: the agent's network view from the harness's own prober (docker), facts about
/// the agent read from outside it (docker), the agent itself as the agent user (where a backend has no prober, and for
/// checks that need the agent's own view: those are <see cref="SubjectReported"/>), the bundle (as root), or another
/// bottle's side. Steps with the same vantage share one round trip.
/// </summary>
public sealed class Vantage
{
    private readonly Func<string, CancellationToken, Task<BottleExecResult>>? _exec;
    private readonly Func<IReadOnlyList<IsolationStep>, CancellationToken, Task<IReadOnlyList<RawBatteryReport>>>? _observe;

    /// <summary>Creates a vantage from a name and a way to run a script there (its results are as good as that place: see <see cref="SubjectReported"/>).</summary>
    public Vantage(string name, Func<string, CancellationToken, Task<BottleExecResult>> exec, bool isSubject = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        IsSubject = isSubject;
        SubjectReported = isSubject;
        _exec = exec ?? throw new ArgumentNullException(nameof(exec));
    }

    /// <summary>A vantage that observes from outside the guest and runs no script there.</summary>
    internal Vantage(string name, Func<IReadOnlyList<IsolationStep>, CancellationToken, Task<IReadOnlyList<RawBatteryReport>>> observe, string observer)
    {
        Name = name;
        _observe = observe;
        Observer = observer;
        RunsInAgent = false;
    }

    /// <summary>
    /// Whether this is the agent under test: a forced <see cref="NetworkTool"/> applies here only, so
    /// controls elsewhere keep using whatever their side ships.
    /// </summary>
    public bool IsSubject { get; private init; }

    /// <summary>
    /// Whether the subject (the agent image, the agent as <c>node</c>, a root process in the agent) produces what this
    /// vantage reports: its tools run in the agent and its results travel through the agent. Such results may say what
    /// the agent sees (its env, its tools), but no isolation verdict rests on them alone.
    /// </summary>
    public bool SubjectReported { get; private init; }

    /// <summary>Who observes from here, as evidence names it ("the agent's own tools, as node", "prober botbottle/prober:reference …").</summary>
    public string Observer { get; private init; } = "";

    /// <summary>What evidence puts before a tool's name to say whose it is ("prober " for the harness's prober).</summary>
    internal string ToolPrefix { get; private init; } = "";

    /// <summary>The vantage's name in reports ("agent", "bundle", "neighbour agent").</summary>
    public string Name { get; }

    /// <summary>
    /// The agent under test's network view: the harness's prober in the agent's network namespace where the backend has
    /// one (docker), else the agent itself as the agent user (<c>node</c>), subject-reported.
    /// </summary>
    public static Vantage Agent(IBottle bottle) => AgentOf(bottle, "agent", isSubject: true);

    /// <summary>A bottle's agent's network view (its prober where it has one, else as the agent user), named <paramref name="name"/>.</summary>
    public static Vantage AgentOf(IBottle bottle, string name, bool isSubject = false)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        if (ObserverOf(bottle) is { } observer)
        {
            return new(name, observer.ProbeAsync, isSubject) { SubjectReported = false, Observer = observer.ProberName, ToolPrefix = "prober ", RunsInAgent = false };
        }

        return AsAgentUser(bottle, name, isSubject);
    }

    /// <summary>
    /// The agent itself, as the agent user (<c>node</c>), with the agent's own tools: for what only the agent's own view
    /// shows (its env, whether its tools honour the proxy). Always <see cref="SubjectReported"/>.
    /// </summary>
    public static Vantage AgentItself(IBottle bottle) => AsAgentUser(bottle, "agent", isSubject: true);

    /// <summary>The bottle's bundle, as root.</summary>
    public static Vantage Bundle(IBottle bottle, string name = "bundle")
    {
        ArgumentNullException.ThrowIfNull(bottle);
        return new(name, bottle.ExecInBundleAsync) { Observer = "the bundle's own tools, as root", RunsInAgent = false };
    }

    /// <summary>
    /// Facts about the agent read from outside it (the engine, a harness-owned observer) where the backend has an
    /// observer, else the agent's own report of them as the agent user (subject-reported).
    /// </summary>
    internal static Vantage Facts(IBottle bottle)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        return ObserverOf(bottle) is { } observer
            ? new("agent (outside)", (steps, ct) => AgentFactSteps.ObserveAsync(observer, GuestEnvironmentOf(bottle), steps, ct), "engine inspect + observer " + ReferenceImageNames.Prober) { FreezesAgent = true }
            : AsAgentUser(bottle, "agent", isSubject: true);
    }

    /// <summary>
    /// The bottle's wire witness (null where the backend has none): read once the rest of the battery has run
    /// (<see cref="RunsLast"/>), so it covers every frame the battery made the agent's side send.
    /// </summary>
    internal static Vantage? WitnessOf(IBottle bottle)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        return bottle.Witness is { } witness
            ? new("wire", (steps, ct) => WitnessSteps.ReadAsync(witness, steps, bottle.Bundle.ProxyPort, ct), "the bottle's wire witness (the bottle network's bridge, or a machine's host relay)") { RunsLast = true }
            : null;
    }

    /// <summary>Whether this vantage runs after every other of the battery (it observes what they did).</summary>
    internal bool RunsLast { get; init; }

    /// <summary>
    /// Whether its steps may run among the agent's processes (the agent as its user; a vantage made from a script runner
    /// may be anywhere, so it counts): a read that freezes the agent waits for them (<see cref="FreezesAgent"/>).
    /// </summary>
    internal bool RunsInAgent { get; init; } = true;

    /// <summary>
    /// Whether observing from here freezes every process of the agent for a moment (the docker observer's one-moment
    /// read): it never overlaps a vantage that <see cref="RunsInAgent"/>, whose steps would stall while their clocks ran
    /// (a dial's limit spent frozen, a log line the bundle waits for sent too late).
    /// </summary>
    internal bool FreezesAgent { get; init; }

    /// <summary>Runs a battery script here.</summary>
    public Task<BottleExecResult> RunAsync(string script, CancellationToken cancellationToken) =>
        _exec is { } exec ? exec(script, cancellationToken) : throw new InvalidOperationException($"the {Name} vantage observes from outside and runs no script");

    /// <summary>Observes <paramref name="steps"/> from outside the guest, or null where this vantage runs scripts instead.</summary>
    internal Task<IReadOnlyList<RawBatteryReport>>? ObserveAsync(IReadOnlyList<IsolationStep> steps, CancellationToken cancellationToken) =>
        _observe?.Invoke(steps, cancellationToken);

    /// <inheritdoc />
    public override string ToString() => Name;

    private static Vantage AsAgentUser(IBottle bottle, string name, bool isSubject)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        return new(name, (script, ct) => bottle.ExecAsync(script, GuestUsers.Agent, ct), isSubject) { SubjectReported = true, Observer = "the agent's own tools, as " + GuestUsers.Agent };
    }

    private static IReadOnlyList<KeyValuePair<string, string>> GuestEnvironmentOf(IBottle bottle) => bottle is IObservedBottle observed ? observed.GuestEnvironment : [];

    private static IAgentObserver? ObserverOf(IBottle bottle) => bottle is IObservedBottle { Observer: { } observer } ? observer : null;
}
