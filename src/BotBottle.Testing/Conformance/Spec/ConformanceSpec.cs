using BotBottle.Testing.Checks;
using BotBottle.Testing.Conformance.Checks;
using BotBottle.Testing.Probes;

namespace BotBottle.Testing.Conformance.Spec;

/// <summary>
/// A conformance spec: the checks an agent image must pass to work in a bottle, in file order.
/// Load one with <see cref="Load"/>, or take the built-in <see cref="BotBottle"/>.
/// <example><code>var spec = ConformanceSpec.Load("my-image.conformance.yaml");   // ConformanceSpecException: file(line,col): error: …</code></example>
/// </summary>
public sealed record ConformanceSpec
{
    /// <summary>The id of the pseudo-check that stands for "the bottle launched" (every bottle-stage check needs it).</summary>
    public const string LaunchCheckId = "bottle.launch";

    /// <summary>The spec's name (report titles, JUnit suite names).</summary>
    public required string Name { get; init; }

    /// <summary>Where the spec came from (a path, or "built-in").</summary>
    public string Source { get; init; } = "built-in";

    /// <summary>How the agent is started and what it must answer.</summary>
    internal AgentSettings Agent { get; init; } = new();

    /// <summary>Checks that must pass before a bottle is launched at all (the launch needs them).</summary>
    internal IReadOnlyList<string> LaunchNeeds { get; init; } = [];

    /// <summary>Every check, in file order.</summary>
    internal IReadOnlyList<ConformanceCheck> Checks { get; init; } = [];

    /// <summary>Whether any check needs the probe range (decoys) and a neighbour bottle.</summary>
    public bool HasProbes => Checks.OfType<ProbeConformanceCheck>().Any();

    /// <summary>The ids every report lists, in order: image-stage checks, the launch, bottle-stage checks.</summary>
    public IReadOnlyList<string> ReportIds =>
        [.. Checks.Where(c => c.Stage == CheckStage.Image).Select(c => c.Id), LaunchCheckId,
         .. Checks.Where(c => c.Stage == CheckStage.Bottle).Select(c => c.Id)];

    /// <summary>A copy without the isolation probes (faster; no decoys or neighbour needed).</summary>
    public ConformanceSpec WithoutProbes() => this with { Checks = Checks.Where(c => c is not ProbeConformanceCheck).ToList() };

    /// <summary>A spec of isolation probes only (catalogue ids), e.g. for a pipeline's probe step.</summary>
    public static ConformanceSpec ProbesOnly(IEnumerable<string> catalogueIds) => ProbesOnly(catalogueIds, []);

    /// <summary>
    /// Catalogue checks <paramref name="catalogueIds"/>, and the <c>bypass-{name}-port</c> check of each loopback daemon
    /// in <paramref name="daemons"/>, with the code it declares (one spec's <c>{ daemon, port, code }</c> each). A daemon
    /// of a reference daemon's name (<c>egress</c>) replaces that daemon's check.
    /// </summary>
    /// <exception cref="ConformanceSpecException">The daemons break a rule a spec's daemons meet (a name or code twice, a code not theirs, a bad port).</exception>
    public static ConformanceSpec ProbesOnly(IEnumerable<string> catalogueIds, IEnumerable<CatalogueOptions.LoopbackDaemon> daemons)
    {
        ArgumentNullException.ThrowIfNull(catalogueIds);
        ArgumentNullException.ThrowIfNull(daemons);
        var declared = daemons.ToList();
        if (IsolationCatalogue.DaemonsProblem([.. CatalogueOptions.ReferenceLoopbackDaemons.Where(r => declared.All(d => d.Name != r.Name)), .. declared]) is { } problem)
        {
            throw new ConformanceSpecException(problem);
        }

        return new ConformanceSpec
        {
            Name = "isolation-probes",
            Checks =
            [
                .. catalogueIds.Distinct(StringComparer.Ordinal).Where(id => declared.All(d => d.CheckId != id)).Select(id => (ConformanceCheck)ProbeConformanceCheck.For(id)),
                .. declared.Select(d => (ConformanceCheck)ProbeConformanceCheck.For(d)),
            ],
        };
    }

    /// <summary>Reads a YAML spec; every mistake is reported together as <c>file(line,col): error: …</c> in a <see cref="ConformanceSpecException"/>.</summary>
    public static ConformanceSpec Load(string file) => ConformanceSpecParser.Load(file);

    /// <summary>Parses YAML spec text; <paramref name="source"/> names it in error locations.</summary>
    public static ConformanceSpec Parse(string yaml, string source) => ConformanceSpecParser.Parse(yaml, source);

    /// <summary>The number of checks (the launch not counted).</summary>
    public int CheckCount => Checks.Count;

    /// <summary>The built-in spec of the bot-bottle contract.</summary>
    public static ConformanceSpec BotBottle { get; } = LoadBuiltIn();

    private static ConformanceSpec LoadBuiltIn() =>
        ConformanceSpecParser.Parse(Resources.EmbeddedText.Read("BotBottle.Testing.Conformance.bot-bottle.conformance.yaml"), "built-in:bot-bottle.conformance.yaml");
}
