namespace BotBottle.Testing.Checks;

/// <summary>
/// One check's result on one backend: what every report (JUnit, JSON, Markdown), the MSBuild tasks and the xunit
/// fixtures read, for an isolation check of the catalogue and a check of a conformance spec alike. An isolation
/// check's result is one of these too (<see cref="Probes.IsolationResult"/>), with what its steps observed.
/// </summary>
/// <param name="CheckId">The check's stable id (<c>kind.name</c>, e.g. <c>user.node</c>, <c>probe.loopback-refused</c>).</param>
/// <param name="Title">What it proves.</param>
/// <param name="Stage">Image as shipped, or the bottle.</param>
/// <param name="Verdict">Passed, failed, inconclusive, skipped.</param>
/// <param name="Message">One actionable line.</param>
/// <param name="Evidence">What the guest answered.</param>
/// <param name="Hint">What to change in the image (from the spec).</param>
/// <param name="Elapsed">How long the check took.</param>
/// <param name="Location">Where the check is declared.</param>
public record CheckResult(
    string CheckId,
    string Title,
    CheckStage Stage,
    Verdict Verdict,
    string Message,
    string Evidence,
    string? Hint,
    TimeSpan Elapsed,
    SpecLocation? Location)
{
    /// <summary>The check's kind (<c>user</c>, <c>file</c>, <c>command</c>, <c>env</c>, <c>agent</c>, <c>proxy</c>, <c>image</c>, <c>probe</c>, <c>bottle</c>).</summary>
    public string Kind { get; init; } = "";

    /// <summary>The check's stable code (<c>BBT01xx</c> per isolation check, <c>BBT02xx</c> per conformance kind), declared on its definition.</summary>
    public CheckCode Code { get; init; }

    /// <summary>Whether the check passed.</summary>
    public bool Passed => Verdict == Verdict.Passed;

    /// <summary>Whether the check failed or was inconclusive (what fails a build).</summary>
    public bool Failed => Verdict is Verdict.Failed or Verdict.Inconclusive;

    /// <summary>The message, with the hint when the check did not pass.</summary>
    public string Explain() => Failed && Hint is not null ? $"{Message} — fix: {Hint}" : Message;
}
