using System.Text;
using BotBottle.Testing.Checks;

namespace BotBottle.Testing.Probes;

/// <summary>An isolation check with what its probe and controls observed.</summary>
/// <param name="Check">The check.</param>
/// <param name="Probe">What the probe observed.</param>
/// <param name="Controls">What each control observed.</param>
public sealed record ProbeResult(IsolationCheck Check, ProbeObservation Probe, IReadOnlyList<ProbeObservation> Controls)
{
    /// <summary>Passed, Failed, or Inconclusive when a control failed.</summary>
    public Verdict Verdict =>
        Controls.Any(c => !c.Passed) ? Verdict.Inconclusive
        : Probe.Passed ? Verdict.Passed
        : Verdict.Failed;

    /// <summary>Whether the check passed with all its controls.</summary>
    public bool Passed => Verdict == Verdict.Passed;

    /// <summary>The full account: probe, expectation, every control, for a failure message or a report.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append("isolation check '").Append(Check.Id).Append("' ").Append(Verdict switch
        {
            Verdict.Passed => "passed",
            Verdict.Failed => "FAILED",
            _ => "is INCONCLUSIVE (a control failed, so the probe proves nothing)",
        }).Append(": ").Append(Check.Title).Append('\n');
        text.Append("  probe:    ").Append(Probe.Evidence).Append('\n');
        text.Append("  expected: ").Append(Probe.Step.Expected.Answer).Append(" (").Append(Probe.Step.Expected.AcceptedText).Append(")\n");
        if (Controls.Count > 0)
        {
            text.Append("  controls:\n");
            foreach (var control in Controls)
            {
                text.Append("    ").Append(control.Passed ? "ok   " : "FAIL ").Append(control.Evidence);
                if (!control.Passed)
                {
                    text.Append(" — expected ").Append(control.Step.Expected.Answer).Append(" (").Append(control.Step.Expected.AcceptedText).Append(')');
                }

                text.Append('\n');
            }
        }

        if (!Probe.Passed && (Probe.Stderr.Length > 0 || Probe.Stdout.Length > 0))
        {
            text.Append("  raw:      ").Append(Flatten(Probe.Stderr.Length > 0 ? Probe.Stderr : Probe.Stdout)).Append('\n');
        }

        return text.ToString();
    }

    private static string Flatten(string text)
    {
        var flat = text.Replace('\n', ' ').Trim();
        return flat.Length > 300 ? flat[..300] + "…" : flat;
    }
}
