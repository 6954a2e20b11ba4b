
namespace BotBottle.Testing.Conformance.Checks;

/// <summary>
/// One check of a conformance spec. Its <see cref="Id"/> is stable (<c>kind.name</c>) so reports,
/// test filters and build errors name the same thing on every run and backend.
/// </summary>
internal abstract record ConformanceCheck
{
    /// <summary>Stable id, e.g. <c>user.node</c>, <c>command.runuser-returns</c>, <c>probe.loopback-refused</c>.</summary>
    public required string Id { get; init; }

    /// <summary>What the check proves, in a sentence.</summary>
    public required string Title { get; init; }

    /// <summary>Where it runs (image as shipped, or the launched bottle).</summary>
    public ConformanceStage Stage { get; init; } = ConformanceStage.Bottle;

    /// <summary>Ids of checks that must pass first; when one does not, this one is skipped, naming it.</summary>
    public IReadOnlyList<string> Needs { get; init; } = [];

    /// <summary>What to change in the image when the check fails (from the spec's <c>hint</c>).</summary>
    public string? Hint { get; init; }

    /// <summary>Where the check is declared in its spec file.</summary>
    public SpecLocation? Location { get; init; }

    /// <summary>What kind of check it is (<c>user</c>, <c>file</c>, <c>command</c>, <c>env</c>, <c>agent</c>, <c>proxy</c>, <c>probe</c>, <c>bottle</c>): data of its own, not read back from its id.</summary>
    public abstract string Kind { get; }

    /// <summary>Runs the check through <paramref name="context"/> and judges what came back.</summary>
    public abstract Task<CheckOutcome> EvaluateAsync(ConformanceContext context, CancellationToken cancellationToken);
}
