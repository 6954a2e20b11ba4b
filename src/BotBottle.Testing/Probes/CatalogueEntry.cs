namespace BotBottle.Testing.Probes;

/// <summary>
/// One check of the isolation catalogue, typed once: its id, its diagnostic code, its title, its category, when it
/// applies, and how its probe and controls are built from the bottle's <see cref="CatalogueContext"/>.
/// </summary>
/// <param name="Id">The stable id users and specs name (e.g. <c>loopback-refused</c>).</param>
/// <param name="Code">Its diagnostic code, declared here (<see cref="CatalogueCode.Of"/>), never derived from a position.</param>
/// <param name="Title">What a correctly isolated bottle guarantees, without the addresses a built check puts in it.</param>
/// <param name="Build">The probe and its positive controls for one bottle (called only where <see cref="When"/> holds).</param>
internal sealed record CatalogueEntry(string Id, string Code, string Title, Func<CatalogueContext, CatalogueSteps> Build)
{
    /// <summary>A filterable category ("network", "proxy", "dns", "identity", "secrets", "witness").</summary>
    public string Category { get; init; } = "network";

    /// <summary>Whether the check needs a second, neighbouring bottle (its controls run there); it is left out without one.</summary>
    public bool NeedsNeighbour { get; init; }

    /// <summary>Whether the check applies to this bottle and these targets (e.g. only where the range has an IPv6 decoy).</summary>
    public Func<CatalogueContext, bool> When { get; init; } = _ => true;

    /// <summary>The built check's title, with the addresses it aims at; null: <see cref="Title"/>.</summary>
    public Func<CatalogueContext, string>? TitleFor { get; init; }

    /// <summary>The check for the bottle of <paramref name="context"/>, or null where it does not apply.</summary>
    public IsolationCheck? BuildFor(CatalogueContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if ((NeedsNeighbour && !context.HasNeighbour) || !When(context))
        {
            return null;
        }

        var (probe, controls) = Build(context);
        return new IsolationCheck(Id, TitleFor?.Invoke(context) ?? Title, probe, controls) { Category = Category, Code = Checks.CheckCode.Parse(Code) };
    }
}

/// <summary>A catalogue check's probe and the controls that must pass for its verdict to count.</summary>
/// <param name="Probe">The probe.</param>
/// <param name="Controls">Its positive controls.</param>
internal sealed record CatalogueSteps(IsolationStep Probe, IReadOnlyList<IsolationStep> Controls);
