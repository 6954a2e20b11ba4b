using System.Diagnostics;
using BotBottle.Testing.Bottles;

namespace BotBottle.Testing.Probes;

/// <summary>
/// Runs isolation checks: every step of every check, grouped by vantage, in one exec round trip per
/// vantage, all vantages at once. Each step has its own limit, so the battery takes about as long
/// as its slowest step.
/// </summary>
internal static class ProbeBattery
{
    /// <summary>Runs <paramref name="checks"/> and classifies what each step observed.</summary>
    public static async Task<ProbeReport> RunAsync(IEnumerable<IsolationCheck> checks, ProbeTool tool = ProbeTool.Auto, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var list = checks.ToList();
        var steps = UniqueSteps(list);
        var clock = Stopwatch.StartNew();
        var runs = steps.GroupBy(s => s.Vantage).Select(group => RunVantageAsync(group.Key, group.ToList(), tool, cancellationToken)).ToList();
        var vantages = await Task.WhenAll(runs).ConfigureAwait(false);
        clock.Stop();

        var observations = vantages.SelectMany(v => v.Observations).ToDictionary(o => o.Step);
        var results = list.Select(c => new CheckResult(c, observations[c.Probe], c.Controls.Select(s => observations[s]).ToList())).ToList();
        var tools = vantages.GroupBy(v => v.Vantage.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Tools, StringComparer.Ordinal);
        return new ProbeReport(results, tools, clock.Elapsed);
    }

    private static List<ProbeStep> UniqueSteps(IEnumerable<IsolationCheck> checks)
    {
        var steps = new List<ProbeStep>();
        var byKey = new Dictionary<(ProbeVantage, string), ProbeStep>();
        foreach (var step in checks.SelectMany(c => c.Steps))
        {
            if (byKey.TryGetValue((step.Vantage, step.Id), out var known))
            {
                if (known != step)
                {
                    throw new ArgumentException($"two different steps share the id '{step.Id}' at {step.Vantage.Name}", nameof(checks));
                }

                continue;
            }

            byKey[(step.Vantage, step.Id)] = step;
            steps.Add(step);
        }

        return steps;
    }

    private static async Task<VantageRun> RunVantageAsync(ProbeVantage vantage, IReadOnlyList<ProbeStep> steps, ProbeTool tool, CancellationToken cancellationToken)
    {
        var script = BatteryScript.Build(steps, vantage.IsSubject ? tool : ProbeTool.Auto);
        BottleExecResult exec;
        try
        {
            exec = await vantage.RunAsync(script, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new VantageRun(vantage, "(exec failed)", steps.Select(s => Missing(s, $"the {vantage.Name} battery could not run: {e.Message}")).ToList());
        }

        var reports = BatteryOutput.Parse(exec.Stdout).ToDictionary(r => r.Id, StringComparer.Ordinal);
        var tools = reports.TryGetValue(BatteryOutput.ToolsId, out var line) ? line.Stdout : "(not reported)";
        var observations = steps.Select(step =>
        {
            if (!reports.TryGetValue(step.Id, out var raw))
            {
                return Missing(step, $"no report from the {vantage.Name} battery (exit {exec.ExitCode}; stderr: {Trim(exec.Stderr)})");
            }

            var (outcome, reason) = OutcomeClassifier.Classify(step.Action, raw);
            return new ProbeObservation(step, outcome, reason, raw.Tool, raw.ExitCode, raw.Duration, raw.Stdout, raw.Stderr);
        }).ToList();
        return new VantageRun(vantage, tools, observations);
    }

    private static ProbeObservation Missing(ProbeStep step, string reason) =>
        new(step, ProbeOutcome.Error, reason, "none", -1, TimeSpan.Zero, "", "");

    private static string Trim(string text)
    {
        var flat = text.Replace('\n', ' ').Trim();
        return flat.Length > 400 ? flat[..400] + "…" : flat;
    }

    private sealed record VantageRun(ProbeVantage Vantage, string Tools, IReadOnlyList<ProbeObservation> Observations);
}
