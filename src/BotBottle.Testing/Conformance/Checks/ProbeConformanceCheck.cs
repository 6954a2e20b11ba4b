using BotBottle.Testing.Checks;
using BotBottle.Testing.Probes;
using YamlDotNet.RepresentationModel;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>One check of the isolation catalogue, evaluated in the bottle's single probe battery.</summary>
internal sealed record ProbeConformanceCheck : ConformanceCheck
{
    /// <summary>The kind: section <c>probes</c> (catalogue ids, or <c>all</c>), in the bottle; each check's code is its catalogue entry's.</summary>
    public static CheckKind Definition { get; } = new() { Name = IsolationResult.KindName, Code = CatalogueCode.UnknownCheck, Section = "probes", Reads = Read };

    /// <summary>The catalogue id (e.g. <c>loopback-refused</c>).</summary>
    public required string CatalogueId { get; init; }

    /// <inheritdoc />
    public override CheckKind Kind => Definition;

    /// <summary>The code its catalogue entry (or its loopback daemon) declares.</summary>
    public override CheckCode Code => CheckCode.Parse(DeclaredCode);

    /// <summary>The diagnostic code its catalogue entry (or its loopback daemon) declares, as the catalogue writes it.</summary>
    public required string DeclaredCode { get; init; }

    /// <summary>The loopback daemon the spec declared for this probe (a <c>bypass-{daemon}-port</c> check), or null.</summary>
    public CatalogueOptions.LoopbackDaemon? Daemon { get; init; }

    /// <summary>Whether the probe needs a neighbouring bottle.</summary>
    public bool NeedsNeighbour => IsolationCatalogue.NeedsNeighbour(CatalogueId);

    /// <summary>The check for catalogue probe <paramref name="catalogueId"/> (id <c>probe.&lt;catalogueId&gt;</c>).</summary>
    public static ProbeConformanceCheck For(string catalogueId, SpecLocation? location = null) => new()
    {
        Id = "probe." + catalogueId,
        Title = IsolationCatalogue.Describe(catalogueId),
        CatalogueId = catalogueId,
        DeclaredCode = IsolationCatalogue.CodeOf(catalogueId),
        Location = location,
    };

    /// <summary>The <c>bypass-{daemon}-port</c> check of a loopback daemon the spec declares, with the daemon's own code.</summary>
    public static ProbeConformanceCheck For(CatalogueOptions.LoopbackDaemon daemon, SpecLocation? location = null)
    {
        ArgumentNullException.ThrowIfNull(daemon);
        var entry = IsolationCatalogue.BypassEntry(daemon);
        return new()
        {
            Id = "probe." + entry.Id,
            Title = entry.Title,
            CatalogueId = entry.Id,
            DeclaredCode = entry.Code,
            Daemon = daemon,
            Location = location,
        };
    }

    /// <inheritdoc />
    public override async Task<Finding> EvaluateAsync(ConformanceContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var report = await context.IsolationReportAsync(cancellationToken).ConfigureAwait(false);
        var result = report.Results.FirstOrDefault(r => r.CheckId == Id);
        if (result is null)
        {
            return Finding.Skip($"the {context.Backend} backend has no '{CatalogueId}' probe (the catalogue builds it only where it applies)");
        }

        return new Finding(result.Verdict, result.Message, result.Evidence);
    }

    private static List<ConformanceCheck> Read(SpecSection section)
    {
        var reader = section.Reader;
        var node = section.Node;
        IReadOnlyList<(YamlNode Item, YamlNode At)> items;
        if (node is YamlScalarNode { Value: "all" })
        {
            items = [.. IsolationCatalogue.CheckIds.Select(id => ((YamlNode)new YamlScalarNode(id), node))];
        }
        else
        {
            items = [.. reader.Sequence(node, "probes (a list of catalogue ids and loopback daemons, or 'all')").Select(item => (item, item))];
            if (items.Count == 0 && node is YamlSequenceNode)
            {
                reader.Error(node, "probes is an empty list, which checks nothing: name catalogue ids, write 'all', or leave the key out");
            }
        }

        var checks = new List<ConformanceCheck>();
        var codes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (item, at) in items)
        {
            if (item is YamlMappingNode map)
            {
                if (ReadDaemon(reader, map) is { } daemon)
                {
                    if (!codes.Add(daemon.Code))
                    {
                        reader.Error(map, $"code {daemon.Code} is given to two loopback daemons; each takes its own");
                        continue;
                    }

                    checks.Add(For(daemon, reader.At(map)));
                }

                continue;
            }

            if (reader.String(item, "a probe id") is not { } id)
            {
                continue;
            }

            if (!IsolationCatalogue.CheckIds.Contains(id))
            {
                reader.Error(at, $"unknown probe '{id}'; the catalogue has: {string.Join(", ", IsolationCatalogue.CheckIds)} (a daemon of your own: {{ daemon: NAME, port: PORT, code: BBT0180 }})");
                continue;
            }

            checks.Add(For(id, reader.At(at)));
        }

        return checks;
    }

    /// <summary>
    /// A loopback daemon of the bundle under test, <c>{ daemon: metrics, port: 9200, code: BBT0180 }</c>: its
    /// <c>bypass-metrics-port</c> check, with that code (one of BBT0180–BBT0198; egress and supervise keep their own).
    /// </summary>
    private static CatalogueOptions.LoopbackDaemon? ReadDaemon(SpecReader reader, YamlMappingNode map)
    {
        var f = reader.Fields(map, "a loopback daemon", ["daemon", "port", "code"], "daemon", "port", "code");
        if (!f.TryGetValue("daemon", out var n) || reader.String(n, "daemon") is not { } name
            || !f.TryGetValue("port", out var p) || reader.Int(p, "port") is not { } port
            || !f.TryGetValue("code", out var c) || reader.String(c, "code") is not { } code)
        {
            return null;
        }

        var daemon = new CatalogueOptions.LoopbackDaemon(name, port, code);
        if (IsolationCatalogue.DaemonProblem(daemon) is { } problem)
        {
            reader.Error(map, problem);
            return null;
        }

        return daemon;
    }
}
