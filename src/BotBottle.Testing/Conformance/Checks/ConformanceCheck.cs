using BotBottle.Testing.Checks;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>
/// One check of a conformance spec. Its <see cref="Id"/> is stable (<c>kind.name</c>) so reports,
/// test filters and build errors name the same thing on every run and backend.
/// </summary>
internal abstract record ConformanceCheck
{
    private CheckStage? _stage;

    /// <summary>Stable id, e.g. <c>user.node</c>, <c>command.runuser-returns</c>, <c>probe.loopback-refused</c>.</summary>
    public required string Id { get; init; }

    /// <summary>What the check proves, in a sentence.</summary>
    public required string Title { get; init; }

    /// <summary>Where it runs (image as shipped, or the launched bottle): its kind's stage unless the spec chose one.</summary>
    public CheckStage Stage
    {
        get => _stage ?? Kind.Stage;
        init => _stage = value;
    }

    /// <summary>Ids of checks that must pass first; when one does not, this one is skipped, naming it.</summary>
    public IReadOnlyList<string> Needs { get; init; } = [];

    /// <summary>What to change in the image when the check fails (from the spec's <c>hint</c>).</summary>
    public string? Hint { get; init; }

    /// <summary>Where the check is declared in its spec file.</summary>
    public SpecLocation? Location { get; init; }

    /// <summary>What kind of check it is: data of its own (name, code, default stage), not read back from its id.</summary>
    public abstract CheckKind Kind { get; }

    /// <summary>The check's stable code: its kind's (an isolation probe's is its catalogue entry's).</summary>
    public virtual CheckCode Code => Kind.Code;

    /// <summary>Runs the check through <paramref name="context"/> and judges what came back.</summary>
    public abstract Task<Finding> EvaluateAsync(ConformanceContext context, CancellationToken cancellationToken);
}
