using System.Globalization;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Diagnostics;

namespace BotBottle.Testing.Probes;

/// <summary>What one step observed, with its evidence.</summary>
/// <param name="Step">The step.</param>
/// <param name="Outcome">The classified outcome.</param>
/// <param name="Reason">Why the classifier chose it (the line of evidence it matched).</param>
/// <param name="Tool">The in-guest tool used (bash, nc, curl, getent, sh, none).</param>
/// <param name="ExitCode">The tool's exit code (124 when the time limit stopped it).</param>
/// <param name="Duration">How long the step took in the guest.</param>
/// <param name="Stdout">What the tool printed (trimmed to a few KB).</param>
/// <param name="Stderr">What the tool reported as errors.</param>
public sealed record StepObservation(IsolationStep Step, StepOutcome Outcome, string Reason, string Tool, int ExitCode, TimeSpan Duration, string Stdout, string Stderr)
{
    /// <summary>Whether the outcome is one the step accepts.</summary>
    public bool Passed => Step.Expected.Accepts(Outcome);

    /// <summary>One line: "agent: tcp 10.0.0.2:9099 → Refused (bash, rc 1, 3 ms): Connection refused".</summary>
    public string Evidence =>
        SecretValues.Mask(string.Create(CultureInfo.InvariantCulture, $"{Step.Describe()} → {Outcome} ({Tool}, rc {ExitCode}, {Duration.TotalMilliseconds:0} ms): {Reason}"));
}
