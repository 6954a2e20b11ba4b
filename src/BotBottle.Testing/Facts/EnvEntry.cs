namespace BotBottle.Testing.Facts;

/// <summary>One environment assignment the agent may start with, and where it was read.</summary>
/// <param name="Source">Where it comes from: <c>image ENV</c>, <c>container env</c>, or the start-path file that assigns it.</param>
/// <param name="Name">The variable's name.</param>
/// <param name="Value">Its value (never shown: a finding names <paramref name="Name"/> and <paramref name="Source"/> only).</param>
internal sealed record EnvEntry(string Source, string Name, string Value)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Source})"; // never the value, even in a debugger or a log of the record
}
