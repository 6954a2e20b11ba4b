namespace BotBottle.Testing.Launch;

/// <summary>Whether a backend can run here, and if not, every reason why.</summary>
/// <param name="Backend">The backend checked.</param>
/// <param name="Missing">One line per missing prerequisite; empty when the backend can run.</param>
public sealed record PrerequisiteReport(string Backend, IReadOnlyList<string> Missing)
{
    /// <summary>What a user should know although nothing is missing (an engine with a known flaw, and what the harness does about it).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>True when nothing is missing.</summary>
    public bool IsSatisfied => Missing.Count == 0;

    /// <summary>A one-line reason fit for a skip message.</summary>
    public string Reason => IsSatisfied
        ? $"{Backend} backend is available"
        : $"{Backend} backend unavailable: {string.Join("; ", Missing)}";

    /// <inheritdoc />
    public override string ToString() => Reason;
}
