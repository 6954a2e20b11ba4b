namespace BotBottle.Testing.Checks;

/// <summary>What one evaluation of a check found: its verdict, one line a user can act on, and the evidence.</summary>
/// <param name="Verdict">Passed, failed, inconclusive or skipped.</param>
/// <param name="Message">One line a user can act on.</param>
/// <param name="Evidence">What the guest answered (output, file status, log line, a probe's observations), for the report.</param>
internal sealed record Finding(Verdict Verdict, string Message, string Evidence = "")
{
    /// <summary>A pass.</summary>
    public static Finding Pass(string message, string evidence = "") => new(Verdict.Passed, message, evidence);

    /// <summary>A failure.</summary>
    public static Finding Fail(string message, string evidence = "") => new(Verdict.Failed, message, evidence);

    /// <summary>A check that did not run, and why.</summary>
    public static Finding Skip(string reason) => new(Verdict.Skipped, reason);
}
