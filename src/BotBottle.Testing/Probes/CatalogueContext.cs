using BotBottle.Testing.Bottles;

namespace BotBottle.Testing.Probes;

/// <summary>
/// What a <see cref="CatalogueEntry"/> builds its steps from: the bottle's vantages, the caller's targets and options, the
/// neighbour (if any), the controls several checks share, and the checks built before it.
/// </summary>
internal sealed class CatalogueContext
{
    private readonly IBottle? _neighbour;
    private readonly Vantage? _theirAgent;
    private readonly Vantage? _theirBundle;
    private readonly List<IsolationCheck> _built = [];
    private readonly Dictionary<string, object> _once = new(StringComparer.Ordinal);

    /// <summary>Makes the vantages and the shared controls for <paramref name="bottle"/>.</summary>
    public CatalogueContext(IBottle bottle, RangeTargets targets, IBottle? neighbour, CatalogueOptions options)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(options);
        Bottle = bottle;
        Targets = targets;
        Options = options;
        // Network steps: the harness's prober in the agent's network namespace where the backend has one. Facts about the
        // agent: read from outside it where it has an observer. Elsewhere both are the agent's own report (subject-reported).
        Agent = Vantage.Agent(bottle);
        Facts = Vantage.Facts(bottle);
        Bundle = Vantage.Bundle(bottle);
        Wire = Vantage.WitnessOf(bottle);
        if (neighbour is not null)
        {
            _neighbour = neighbour;
            _theirAgent = Vantage.AgentOf(neighbour, "neighbour agent");
            _theirBundle = Vantage.Bundle(neighbour, "neighbour bundle");
        }

        var b = bottle.Bundle;
        // Every check that a silence or a missing route passes also has the agent's own dial to the proxy port as a
        // control, run at the same time: where something in the agent's namespace makes dials fail (its conntrack table
        // filled, its ports taken), that control fails too and the check is inconclusive, never passed.
        ProxyPort = Step("ctl-proxy-port", Agent, Probe.Tcp(b.ProxyHost, b.ProxyPort), StepExpectation.Connected);
        DecoyFromBundle = Step("ctl-decoy-from-bundle", Bundle, Probe.Tcp(targets.DecoyAddress, targets.DecoyHttpPort), StepExpectation.Connected);
        AllowedViaProxy = Step("allowlisted-via-proxy", Agent, Probe.HttpViaProxy(b.ProxyHost, b.ProxyPort, targets.AllowedHost), StepExpectation.ProxyAllowed);
        ResolvesPeers = options.AgentResolvesPeers ?? bottle.AgentResolvesPeers;
        DnsControls = ResolvesPeers
            ? [Step("ctl-resolve-from-bundle", Bundle, Probe.Resolve(targets.AllowedHost), StepExpectation.Resolves), Step("ctl-agent-resolves-bundle", Agent, Probe.Resolve(options.BundleAlias), StepExpectation.Resolves)]
            : [Step("ctl-resolve-from-bundle", Bundle, Probe.Resolve(targets.AllowedHost), StepExpectation.Resolves)];
    }

    /// <summary>The bottle under test.</summary>
    public IBottle Bottle { get; }

    /// <summary>Where the agent reaches the bundle's proxy, and the bundle's own address.</summary>
    public BundleEndpoint B => Bottle.Bundle;

    /// <summary>The decoys and addresses the caller owns.</summary>
    public RangeTargets Targets { get; }

    /// <summary>Bundle daemons, placeholders, limits.</summary>
    public CatalogueOptions Options { get; }

    /// <summary>The agent's network view (its prober where the backend has one).</summary>
    public Vantage Agent { get; }

    /// <summary>Facts about the agent (read from outside where the backend has an observer).</summary>
    public Vantage Facts { get; }

    /// <summary>The bundle, as root.</summary>
    public Vantage Bundle { get; }

    /// <summary>The bottle's wire witness, or null where the backend has none.</summary>
    public Vantage? Wire { get; }

    /// <summary>Whether a neighbouring bottle was given.</summary>
    public bool HasNeighbour => _neighbour is not null;

    /// <summary>The neighbouring bottle (only for entries that <see cref="CatalogueEntry.NeedsNeighbour"/>).</summary>
    public IBottle Neighbour => _neighbour ?? throw NoNeighbour();

    /// <summary>The neighbour's agent's network view.</summary>
    public Vantage TheirAgent => _theirAgent ?? throw NoNeighbour();

    /// <summary>The neighbour's bundle, as root.</summary>
    public Vantage TheirBundle => _theirBundle ?? throw NoNeighbour();

    /// <summary>Whether the agent's resolver is the engine's (it then must resolve the bundle's alias).</summary>
    public bool ResolvesPeers { get; }

    /// <summary>Shared control: the agent's own dial to the proxy port.</summary>
    public IsolationStep ProxyPort { get; }

    /// <summary>Shared control: the bundle reaches the decoy's HTTP port.</summary>
    public IsolationStep DecoyFromBundle { get; }

    /// <summary>Shared step: the proxy forwards the agent's request to the allowlisted host.</summary>
    public IsolationStep AllowedViaProxy { get; }

    /// <summary>Shared DNS controls: the bundle resolves the allowed name (and the agent the bundle's alias where it resolves peers).</summary>
    public IReadOnlyList<IsolationStep> DnsControls { get; }

    /// <summary>The checks built so far, in order (a check that reads after every other, like the wire witness, looks at them).</summary>
    public IReadOnlyList<IsolationCheck> Built => _built;

    /// <summary>A step with the limit its expectation calls for: short where a timeout passes, generous where an answer must come.</summary>
    public IsolationStep Step(string id, Vantage at, StepAction action, StepExpectation expected) =>
        new(id, at, action, expected) { Timeout = expected.Accepts(StepOutcome.TimedOut) ? Options.StepTimeout : Options.AnswerTimeout };

    /// <summary>A value made once per built catalogue (e.g. a name used nowhere else, in both a check's step and its title).</summary>
    public T Once<T>(string key, Func<T> make)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(make);
        if (!_once.TryGetValue(key, out var value))
        {
            _once[key] = value = make();
        }

        return (T)value;
    }

    /// <summary>Records a built check (the catalogue does, in order).</summary>
    internal void Add(IsolationCheck check) => _built.Add(check);

    private static InvalidOperationException NoNeighbour() => new("this catalogue check needs a neighbouring bottle and none was given");
}
