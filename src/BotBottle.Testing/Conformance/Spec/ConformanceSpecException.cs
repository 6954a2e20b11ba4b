using BotBottle.Testing.Conformance.Checks;

namespace BotBottle.Testing.Conformance.Spec;

/// <summary>A spec that cannot be used; <see cref="Errors"/> lists every mistake with file, line and column.</summary>
public sealed class ConformanceSpecException : Exception
{
    /// <summary>Creates the exception for <paramref name="errors"/> (at least one).</summary>
    public ConformanceSpecException(IReadOnlyList<SpecError> errors)
        : base(Describe(errors)) => Errors = errors;

    /// <summary>Creates the exception with a single message (no location).</summary>
    public ConformanceSpecException() : this([]) { }

    /// <summary>Creates the exception with a single message (no location).</summary>
    public ConformanceSpecException(string message) : base(message) => Errors = [];

    /// <summary>Creates the exception with a single message and cause (no location).</summary>
    public ConformanceSpecException(string message, Exception inner) : base(message, inner) => Errors = [];

    /// <summary>Every mistake found, in file order.</summary>
    public IReadOnlyList<SpecError> Errors { get; }

    private static string Describe(IReadOnlyList<SpecError> errors) =>
        errors.Count == 0 ? "the conformance spec is invalid"
        : $"the conformance spec has {errors.Count} error(s):" + string.Concat(errors.Select(e => "\n  " + e));
}
