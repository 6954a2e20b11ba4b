using System.Text;
using BotBottle.Testing.Checks;

namespace BotBottle.Testing.Probes;

/// <summary>
/// An isolation check's result: a <see cref="CheckResult"/> like every other check's (id <c>probe.&lt;id&gt;</c>, its
/// declared code, its verdict), with what its probe and each of its controls observed.
/// </summary>
/// <remarks>
/// Its verdict, message and evidence are made once, from the observations, when it is made. A copy with
/// <c>with { Verdict = … }</c> no longer says what was observed: read a result, never rewrite one.
/// </remarks>
public sealed record IsolationResult : CheckResult
{
    private const string ProvesNothing = "a control failed, so the probe proves nothing";

    /// <param name="check">The check.</param>
    /// <param name="probe">What the check's probe observed.</param>
    /// <param name="controls">What each of the check's controls observed, in the check's order.</param>
    /// <exception cref="ArgumentException">The observations are not of the check's own steps.</exception>
    public IsolationResult(IsolationCheck check, StepObservation probe, IReadOnlyList<StepObservation> controls)
        : this(OfItsSteps(check, probe, controls), probe, controls, VerdictOf(probe, controls))
    {
    }

    private IsolationResult(IsolationCheck check, StepObservation probe, IReadOnlyList<StepObservation> controls, Verdict verdict)
        : base(
            "probe." + check.Id,
            check.Title,
            CheckStage.Bottle,
            verdict,
            verdict switch
            {
                Verdict.Passed => check.Title,
                Verdict.Inconclusive => $"{check.Title}: {ProvesNothing}",
                _ => $"{check.Title}: {probe.Outcome} ({probe.Evidence})",
            },
            Account(check, probe, controls, verdict),
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

    /// <summary>The full account: probe, expectation, every control, for a failure message or a report.</summary>
    public string Describe() => Diagnostics.SecretValues.Mask(Evidence);

    /// <summary>Passed, Failed, or Inconclusive when a control failed.</summary>
    private static Verdict VerdictOf(StepObservation probe, IReadOnlyList<StepObservation> controls) =>
        controls.Any(c => !c.Passed) ? Verdict.Inconclusive
        : probe.Passed ? Verdict.Passed
        : Verdict.Failed;

    /// <summary><paramref name="check"/>, once the observations are shown to be of its own probe and controls.</summary>
    private static IsolationCheck OfItsSteps(IsolationCheck check, StepObservation probe, IReadOnlyList<StepObservation> controls)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(controls);
        if (!Equals(probe.Step, check.Probe))
        {
            throw new ArgumentException($"the probe observed is '{probe.Step.Id}', not check '{check.Id}''s probe '{check.Probe.Id}'", nameof(probe));
        }

        return controls.Select(o => o.Step).SequenceEqual(check.Controls)
            ? check
            : throw new ArgumentException($"the controls observed ({string.Join(", ", controls.Select(o => o.Step.Id))}) are not check '{check.Id}''s ({string.Join(", ", check.Controls.Select(c => c.Id))})", nameof(controls));
    }

    private static string Account(IsolationCheck check, StepObservation probe, IReadOnlyList<StepObservation> controls, Verdict verdict)
    {
        var text = new StringBuilder();
        text.Append("isolation check '").Append(check.Id).Append("' ").Append(verdict switch
        {
            Verdict.Passed => "passed",
            Verdict.Failed => "FAILED",
            _ => $"is INCONCLUSIVE ({ProvesNothing})",
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
