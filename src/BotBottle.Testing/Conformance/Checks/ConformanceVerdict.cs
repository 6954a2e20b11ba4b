namespace BotBottle.Testing.Conformance.Checks;

/// <summary>How a conformance check ended.</summary>
public enum ConformanceVerdict
{
    /// <summary>The image does what the check asks.</summary>
    Passed,

    /// <summary>The image does not; the message says what was seen and what to change.</summary>
    Failed,

    /// <summary>The check ran but its evidence cannot be trusted (a probe's control failed).</summary>
    Inconclusive,

    /// <summary>The check did not run: its backend is missing here, or a check it needs did not pass.</summary>
    Skipped,
}
