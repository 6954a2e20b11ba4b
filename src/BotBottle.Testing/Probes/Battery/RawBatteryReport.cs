namespace BotBottle.Testing.Probes;

/// <summary>One JSON line of a battery's output, before classification.</summary>
/// <param name="Id">The step id.</param>
/// <param name="Tool">The in-guest tool used.</param>
/// <param name="ExitCode">Its exit code.</param>
/// <param name="Duration">Measured in the guest.</param>
/// <param name="Limit">The step's time limit.</param>
/// <param name="Stdout">Tool output.</param>
/// <param name="Stderr">Tool errors.</param>
internal sealed record RawBatteryReport(string Id, string Tool, int ExitCode, TimeSpan Duration, TimeSpan Limit, string Stdout, string Stderr)
{
    /// <summary>Whether the time limit stopped the tool (timeout's 124, or a kill at the limit).</summary>
    public bool HitLimit => ExitCode is 124 or 137 or 143 && Duration >= Limit - TimeSpan.FromMilliseconds(150);
}
