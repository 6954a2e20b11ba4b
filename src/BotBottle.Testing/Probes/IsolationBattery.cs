using System.Diagnostics;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Processes;

namespace BotBottle.Testing.Probes;

/// <summary>
/// Runs isolation checks: every step of every check, grouped by vantage, in one exec round trip per
/// vantage, all vantages at once (but those that observe what the others did, such as the wire witness, after them,
/// and a read that freezes the agent after the vantages that run in it). Each step has its own limit, so the battery
/// takes about as long as its slowest step.
/// </summary>
internal static class IsolationBattery
{
    /// <summary>Runs <paramref name="checks"/> and classifies what each step observed.</summary>
    public static async Task<IsolationReport> RunAsync(IEnumerable<IsolationCheck> checks, NetworkTool tool = NetworkTool.Auto, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var list = checks.ToList();
        var steps = UniqueSteps(list);
        var clock = Stopwatch.StartNew();
        var vantages = new List<VantageRun>();
        foreach (var phase in Phases(steps.GroupBy(s => s.Vantage).ToList()))
        {
            vantages.AddRange(await Task.WhenAll(phase.Select(g => RunVantageAsync(g.Key, g.ToList(), tool, cancellationToken))).ConfigureAwait(false));
        }

        clock.Stop();

        var observations = vantages.SelectMany(v => v.Observations).ToDictionary(o => o.Step);
        var results = list.Select(c => new IsolationResult(c, observations[c.Probe], c.Controls.Select(s => observations[s]).ToList())).ToList();
        var tools = vantages.GroupBy(v => v.Vantage.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Tools, StringComparer.Ordinal);
        return new IsolationReport(results, tools, clock.Elapsed);
    }

    /// <summary>
    /// The vantages in the order they run, each phase's at once: every vantage but the freezing and the last ones; then
    /// a read that freezes the agent, where a vantage of this battery runs in the agent (else it runs with the first);
    /// then those that observe what all the others did.
    /// </summary>
    internal static IEnumerable<IReadOnlyList<IGrouping<Vantage, IsolationStep>>> Phases(IReadOnlyList<IGrouping<Vantage, IsolationStep>> groups)
    {
        var waits = groups.Any(g => g.Key.RunsInAgent && !g.Key.RunsLast);
        bool Waits(Vantage v) => waits && v.FreezesAgent && !v.RunsLast;
        yield return groups.Where(g => !g.Key.RunsLast && !Waits(g.Key)).ToList();
        yield return groups.Where(g => Waits(g.Key)).ToList();
        yield return groups.Where(g => g.Key.RunsLast).ToList();
    }

    private static List<IsolationStep> UniqueSteps(IEnumerable<IsolationCheck> checks)
    {
        var steps = new List<IsolationStep>();
        var byKey = new Dictionary<(Vantage, string), IsolationStep>();
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

    /// <summary>
    /// How much longer than its slowest step a vantage may take before its steps are given up (as errors): a subject
    /// that stops the processes of its own side cannot hold the battery, and never turns a step into a pass.
    /// </summary>
    internal static readonly TimeSpan VantageGrace = TimeSpan.FromSeconds(20);

    private static async Task<VantageRun> RunVantageAsync(Vantage vantage, IReadOnlyList<IsolationStep> steps, NetworkTool tool, CancellationToken cancellationToken)
    {
        var limit = steps.Max(s => s.Timeout) + VantageGrace;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        try
        {
            return await RunVantageWithinAsync(vantage, steps, tool, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new VantageRun(vantage, "(no answer)", steps.Select(s => Missing(s, $"the {vantage.Name} side gave no answer within {limit.TotalSeconds:0} s (its processes stopped?)")).ToList());
        }
    }

    private static async Task<VantageRun> RunVantageWithinAsync(Vantage vantage, IReadOnlyList<IsolationStep> steps, NetworkTool tool, CancellationToken cancellationToken)
    {
        if (vantage.ObserveAsync(steps, cancellationToken) is { } observing)
        {
            var observed = (await observing.ConfigureAwait(false)).ToDictionary(r => r.Id, StringComparer.Ordinal);
            return new VantageRun(vantage, vantage.Observer, steps.Select(step => observed.TryGetValue(step.Id, out var raw)
                ? Classify(step, raw, vantage)
                : Missing(step, $"the {vantage.Name} observer reported nothing for this step")).ToList());
        }

        var script = BatteryScript.Build(steps, vantage.IsSubject ? tool : NetworkTool.Auto);
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
        var observations = steps.Select(step => reports.TryGetValue(step.Id, out var raw)
            ? Classify(step, raw, vantage)
            : Missing(step, $"no report from the {vantage.Name} battery (exit {exec.ExitCode}; stderr: {Trim(exec.Stderr)})")).ToList();
        return new VantageRun(vantage, vantage.Observer.Length > 0 ? $"{tools} ({vantage.Observer})" : tools, observations);
    }

    /// <summary>One step's observation; the tool is named with whose it is where that is not the vantage's own guest ("prober bash").</summary>
    private static StepObservation Classify(IsolationStep step, RawBatteryReport raw, Vantage vantage)
    {
        var (outcome, reason) = OutcomeClassifier.Classify(step.Action, raw);
        return new StepObservation(step, outcome, reason, vantage.ToolPrefix + raw.Tool, raw.ExitCode, raw.Duration, raw.Stdout, raw.Stderr);
    }

    private static StepObservation Missing(IsolationStep step, string reason) =>
        new(step, StepOutcome.Error, reason, "none", -1, TimeSpan.Zero, "", "");

    private static string Trim(string text)
    {
        var flat = text.Replace('\n', ' ').Trim();
        return flat.Length > 400 ? flat[..400] + "…" : flat;
    }

    private sealed record VantageRun(Vantage Vantage, string Tools, IReadOnlyList<StepObservation> Observations);
}
