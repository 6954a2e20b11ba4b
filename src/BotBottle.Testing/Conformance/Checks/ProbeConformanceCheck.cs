using BotBottle.Testing.Checks;
using BotBottle.Testing.Probes;
using YamlDotNet.RepresentationModel;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>One check of the isolation catalogue, evaluated in the bottle's single probe battery.</summary>
internal sealed record ProbeConformanceCheck : ConformanceCheck
{
    /// <summary>The code of a probe the catalogue does not have (each probe's own is its entry's); before <see cref="Definition"/>, which uses it.</summary>
    private static readonly CheckCode UnknownProbe = new(199);

    /// <summary>The kind: section <c>probes</c> (catalogue ids, or <c>all</c>), in the bottle; each check's code is its catalogue entry's.</summary>
    public static CheckKind Definition { get; } = new() { Name = "probe", Code = UnknownProbe, Section = "probes", Reads = Read };

    /// <summary>The catalogue id (e.g. <c>loopback-refused</c>).</summary>
    public required string CatalogueId { get; init; }

    /// <inheritdoc />
    public override CheckKind Kind => Definition;

    /// <summary>The catalogue entry's code.</summary>
    public override CheckCode Code => CatalogueCode(CatalogueId);

    /// <summary>Whether the probe needs a neighbouring bottle.</summary>
    public bool NeedsNeighbour => IsolationCatalogue.NeedsNeighbour(CatalogueId);

    /// <summary>The check for catalogue probe <paramref name="catalogueId"/> (id <c>probe.&lt;catalogueId&gt;</c>).</summary>
    public static ProbeConformanceCheck For(string catalogueId, SpecLocation? location = null) => new()
    {
        Id = "probe." + catalogueId,
        Title = IsolationCatalogue.Describe(catalogueId),
        CatalogueId = catalogueId,
        Location = location,
    };

    /// <summary>
    /// The code the catalogue declares for <paramref name="catalogueId"/>: the one place the conformance side asks the
    /// catalogue for a code. Until the catalogue's entries declare theirs, it is the entry's place (BBT0101 on, in
    /// catalogue order, new entries appended); BBT0199 for an id the catalogue does not have.
    /// </summary>
    internal static CheckCode CatalogueCode(string catalogueId)
    {
        var index = IsolationCatalogue.CheckIds.ToList().IndexOf(catalogueId);
        return index < 0 ? UnknownProbe : new CheckCode(101 + index);
    }

    /// <inheritdoc />
    public override async Task<Finding> EvaluateAsync(ConformanceContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var report = await context.ProbeReportAsync(cancellationToken).ConfigureAwait(false);
        var result = report.Results.FirstOrDefault(r => r.Check.Id == CatalogueId);
        if (result is null)
        {
            return Finding.Skip($"the {context.Backend} backend has no '{CatalogueId}' probe (the catalogue builds it only where it applies)");
        }

        var message = result.Verdict switch
        {
            Verdict.Passed => result.Check.Title,
            Verdict.Inconclusive => $"{result.Check.Title}: a control failed, so the probe proves nothing",
            _ => $"{result.Check.Title}: {result.Probe.Outcome} ({result.Probe.Evidence})",
        };
        return new Finding(result.Verdict, message, result.Describe());
    }

    private static List<ConformanceCheck> Read(SpecSection section)
    {
        var reader = section.Reader;
        var node = section.Node;
        IReadOnlyList<(string Id, YamlNode At)> ids;
        if (node is YamlScalarNode { Value: "all" })
        {
            ids = IsolationCatalogue.CheckIds.Select(id => (id, node)).ToList();
        }
        else
        {
            ids = reader.Sequence(node, "probes (a list of catalogue ids, or 'all')")
                .Select(item => (reader.String(item, "a probe id"), item))
                .Where(x => x.Item1 is not null)
                .Select(x => (x.Item1!, x.item))
                .ToList();
            if (ids.Count == 0 && node is YamlSequenceNode)
            {
                reader.Error(node, "probes is an empty list, which checks nothing: name catalogue ids, write 'all', or leave the key out");
            }
        }

        var checks = new List<ConformanceCheck>();
        foreach (var (id, at) in ids)
        {
            if (!IsolationCatalogue.CheckIds.Contains(id))
            {
                reader.Error(at, $"unknown probe '{id}'; the catalogue has: {string.Join(", ", IsolationCatalogue.CheckIds)}");
                continue;
            }

            checks.Add(For(id, reader.At(at)));
        }

        return checks;
    }
}
