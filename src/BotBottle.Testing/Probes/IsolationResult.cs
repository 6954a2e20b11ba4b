using System.Text;
using BotBottle.Testing.Checks;

namespace BotBottle.Testing.Probes;

/// <summary>
/// An isolation check's result: a <see cref="CheckResult"/> like every other check's (id <c>probe.&lt;id&gt;</c>, its
/// declared code, its verdict), with what its probe and each of its controls observed.
/// </summary>
public sealed record IsolationResult : CheckResult
{
    /// <param name="check">The check.</param>
    /// <param name="probe">What the probe observed.</param>
    /// <param name="controls">What each control observed.</param>
    public IsolationResult(IsolationCheck check, StepObservation probe, IReadOnlyList<StepObservation> controls)
        : base(
            "probe." + (check ?? throw new ArgumentNullException(nameof(check))).Id,
            check.Title,
            CheckStage.Bottle,
            VerdictOf(probe, controls),
            MessageOf(check, probe, VerdictOf(probe, controls)),
            Account(check, probe, controls),
            null,
            controls.Append(probe).Max(o => o.Duration),
            null)
    {
        Check = check;
        Probe = probe;
        Controls = controls;
        Kind = KindName;
        Code = check.Code;
    }

    /// <summary>The check.</summary>
    public IsolationCheck Check { get; }

    /// <summary>What the probe observed.</summary>
    public StepObservation Probe { get; }

    /// <summary>What each control observed.</summary>
    public IReadOnlyList<StepObservation> Controls { get; }

    /// <summary>The check's kind, <c>probe</c>, as a spec's <c>probes:</c> section names it.</summary>
    internal const string KindName = "probe";

    /// <summary>Passed, Failed, or Inconclusive when a control failed.</summary>
    internal static Verdict VerdictOf(StepObservation probe, IReadOnlyList<StepObservation> controls)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(controls);
        return controls.Any(c => !c.Passed) ? Verdict.Inconclusive
            : probe.Passed ? Verdict.Passed
            : Verdict.Failed;
    }

    /// <summary>The full account: probe, expectation, every control, for a failure message or a report.</summary>
    public string Describe() => Evidence;

    private static string MessageOf(IsolationCheck check, StepObservation probe, Verdict verdict) => verdict switch
    {
        Verdict.Passed => check.Title,
        Verdict.Inconclusive => $"{check.Title}: a control failed, so the probe proves nothing",
        _ => $"{check.Title}: {probe.Outcome} ({probe.Evidence})",
    };

    private static string Account(IsolationCheck check, StepObservation probe, IReadOnlyList<StepObservation> controls)
    {
        var verdict = VerdictOf(probe, controls);
        var text = new StringBuilder();
        text.Append("isolation check '").Append(check.Id).Append("' ").Append(verdict switch
        {
            Verdict.Passed => "passed",
            Verdict.Failed => "FAILED",
            _ => "is INCONCLUSIVE (a control failed, so the probe proves nothing)",
        }).Append(": ").Append(check.Title).Append('\n');
        text.Append("  probe:    ").Append(probe.Evidence).Append('\n');
        text.Append("  expected: ").Append(probe.Step.Expected.Answer).Append(" (").Append(probe.Step.Expected.AcceptedText).Append(")\n");
        if (controls.Count > 0)
        {
            text.Append("  controls:\n");
            foreach (var control in controls)
            {
                text.Append("    ").Append(control.Passed ? "ok   " : "FAIL ").Append(control.Evidence);
                if (!control.Passed)
                {
                    text.Append(" — expected ").Append(control.Step.Expected.Answer).Append(" (").Append(control.Step.Expected.AcceptedText).Append(')');
                }

                text.Append('\n');
            }
        }

        if (!probe.Passed && (probe.Stderr.Length > 0 || probe.Stdout.Length > 0))
        {
            text.Append("  raw:      ").Append(Flatten(probe.Stderr.Length > 0 ? probe.Stderr : probe.Stdout)).Append('\n');
        }

        return text.ToString();
    }

    private static string Flatten(string text)
    {
        var flat = text.Replace('\n', ' ').Trim();
        return flat.Length > 300 ? flat[..300] + "…" : flat;
    }
}
