using BotBottle.Testing.Checks;
using BotBottle.Testing.Conformance.Checks;

namespace BotBottle.Testing.Conformance.Spec;

/// <summary>One mistake in a spec, with where it is.</summary>
/// <param name="Location">File, line and column.</param>
/// <param name="Message">What is wrong and what would be right.</param>
public sealed record SpecError(SpecLocation Location, string Message)
{
    /// <summary>The MSBuild/compiler canonical form: <c>file(line,col): error: message</c>.</summary>
    public override string ToString() => $"{Location}: error: {Message}";
}
