namespace BotBottle.Testing.Checks;

/// <summary>Where something is in a conformance spec file (1-based line and column): where a check is declared.</summary>
/// <param name="File">The spec's file name (or a label such as "built-in").</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
public sealed record SpecLocation(string File, long Line, long Column)
{
    /// <inheritdoc />
    public override string ToString() => $"{File}({Line},{Column})";
}
