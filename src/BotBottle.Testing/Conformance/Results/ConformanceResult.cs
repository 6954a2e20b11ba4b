using BotBottle.Testing.Conformance.Checks;

namespace BotBottle.Testing.Conformance.Results;

/// <summary>One check's result on one backend.</summary>
/// <param name="CheckId">The check's stable id.</param>
/// <param name="Title">What it proves.</param>
/// <param name="Stage">Image as shipped, or the bottle.</param>
/// <param name="Verdict">Passed, failed, inconclusive, skipped.</param>
/// <param name="Message">One actionable line.</param>
/// <param name="Evidence">What the guest answered.</param>
/// <param name="Hint">What to change in the image (from the spec).</param>
/// <param name="Elapsed">How long the check took.</param>
/// <param name="Location">Where the check is declared.</param>
public sealed record ConformanceResult(
    string CheckId,
    string Title,
    ConformanceStage Stage,
    ConformanceVerdict Verdict,
    string Message,
    string Evidence,
    string? Hint,
    TimeSpan Elapsed,
    SpecLocation? Location)
{
    /// <summary>The check's kind (<c>user</c>, <c>file</c>, <c>command</c>, <c>env</c>, <c>agent</c>, <c>proxy</c>, <c>probe</c>, <c>bottle</c>).</summary>
    public string Kind { get; init; } = "";

    /// <summary>The check's stable error code (<c>BBT01xx</c> per isolation probe, <c>BBT02xx</c> per conformance kind).</summary>
    public string Code { get; init; } = "";

    /// <summary>The message, with the hint when the check did not pass.</summary>
    public string Explain() => Verdict is ConformanceVerdict.Failed or ConformanceVerdict.Inconclusive && Hint is not null ? $"{Message} — fix: {Hint}" : Message;
}
