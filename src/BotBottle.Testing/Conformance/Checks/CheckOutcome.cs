namespace BotBottle.Testing.Conformance.Checks;

/// <summary>What one evaluation of a check found.</summary>
/// <param name="Verdict">Passed, failed, inconclusive or skipped.</param>
/// <param name="Message">One line a user can act on.</param>
/// <param name="Evidence">What the guest answered (output, file status, log line), for the report.</param>
internal sealed record CheckOutcome(ConformanceVerdict Verdict, string Message, string Evidence = "")
{
    /// <summary>A pass.</summary>
    public static CheckOutcome Pass(string message, string evidence = "") => new(ConformanceVerdict.Passed, message, evidence);

    /// <summary>A failure.</summary>
    public static CheckOutcome Fail(string message, string evidence = "") => new(ConformanceVerdict.Failed, message, evidence);

    /// <summary>A check that did not run, and why.</summary>
    public static CheckOutcome Skip(string reason) => new(ConformanceVerdict.Skipped, reason);
}
