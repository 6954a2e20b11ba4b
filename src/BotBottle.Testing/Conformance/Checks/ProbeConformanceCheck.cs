using BotBottle.Testing.Probes;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>One check of the isolation catalogue, evaluated in the bottle's single probe battery.</summary>
internal sealed record ProbeConformanceCheck : ConformanceCheck
{
    /// <summary>The catalogue id (e.g. <c>loopback-refused</c>).</summary>
    public required string CatalogueId { get; init; }

    /// <inheritdoc />
    public override string Kind => "probe";

    /// <summary>The diagnostic code its catalogue entry (or its loopback daemon) declares.</summary>
    public required string Code { get; init; }

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
        Code = IsolationCatalogue.CodeOf(catalogueId),
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
            Code = entry.Code,
            Daemon = daemon,
            Location = location,
        };
    }

    /// <inheritdoc />
    public override async Task<CheckOutcome> EvaluateAsync(ConformanceContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var report = await context.ProbeReportAsync(cancellationToken).ConfigureAwait(false);
        var result = report.Results.FirstOrDefault(r => r.Check.Id == CatalogueId);
        if (result is null)
        {
            return CheckOutcome.Skip($"the {context.Backend} backend has no '{CatalogueId}' probe (the catalogue builds it only where it applies)");
        }

        var description = result.Describe();
        return result.Verdict switch
        {
            CheckVerdict.Passed => CheckOutcome.Pass(result.Check.Title, description),
            CheckVerdict.Inconclusive => new CheckOutcome(ConformanceVerdict.Inconclusive, $"{result.Check.Title}: a control failed, so the probe proves nothing", description),
            _ => CheckOutcome.Fail($"{result.Check.Title}: {result.Probe.Outcome} ({result.Probe.Evidence})", description),
        };
    }
}
