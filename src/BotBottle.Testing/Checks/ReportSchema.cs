using System;

#if BOTBOTTLE_MSBUILD
namespace BotBottle.Testing.MSBuild.Checks;
#else
namespace BotBottle.Testing.Checks;
#endif

// One definition, compiled into the core library and linked into the MSBuild tasks (net472 and net8.0): what the
// CLI writes and what the tasks read cannot drift apart.

/// <summary>The JSON report's contract: its version and how a verdict is spelled on the wire.</summary>
internal static class ReportSchema
{
    /// <summary>The contract's version; a reader accepts the same version only.</summary>
    public const int Version = 2;

    /// <summary>The verdict as the report spells it: <c>passed</c>, <c>failed</c>, <c>inconclusive</c>, <c>skipped</c>.</summary>
    public static string Name(Verdict verdict) => verdict switch
    {
        Verdict.Passed => "passed",
        Verdict.Failed => "failed",
        Verdict.Inconclusive => "inconclusive",
        Verdict.Skipped => "skipped",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "not a verdict"),
    };

    /// <summary>The verdict a report's <paramref name="name"/> spells.</summary>
    public static Verdict ParseVerdict(string name) => name switch
    {
        "passed" => Verdict.Passed,
        "failed" => Verdict.Failed,
        "inconclusive" => Verdict.Inconclusive,
        "skipped" => Verdict.Skipped,
        _ => throw new FormatException($"'{name}' is not a verdict of the report contract (passed, failed, inconclusive, skipped)"),
    };
}
