using BotBottle.Testing.Checks;
using BotBottle.Testing.Conformance.Results;
using System.Diagnostics;
using BotBottle.Testing.Conformance.Checks;

namespace BotBottle.Testing.Conformance.Run;

/// <summary>
/// Evaluates checks in waves: every check whose needs are settled runs at once with the others of its
/// wave; a check whose need did not pass is skipped, naming it. Probe checks run in a last wave of their
/// own (one battery, with nothing else competing for the guest's time).
/// </summary>
internal static class CheckScheduler
{
    public static async Task<IReadOnlyDictionary<string, CheckResult>> RunAsync(
        IReadOnlyList<ConformanceCheck> checks,
        ConformanceContext context,
        IReadOnlyDictionary<string, CheckResult> settled,
        CancellationToken cancellationToken)
    {
        var results = new Dictionary<string, CheckResult>(settled, StringComparer.Ordinal);
        var pending = checks.Where(c => c is not ProbeConformanceCheck).ToList();
        var probes = checks.OfType<ProbeConformanceCheck>().ToList();
        while (pending.Count > 0 || probes.Count > 0)
        {
            var wave = pending.Where(c => c.Needs.All(results.ContainsKey)).ToList();
            if (wave.Count == 0 && pending.Count > 0)
            {
                foreach (var stuck in pending)
                {
                    results[stuck.Id] = Result(stuck, Finding.Fail("its needs form a cycle: " + string.Join(", ", stuck.Needs)), TimeSpan.Zero);
                }

                pending.Clear();
                continue;
            }

            if (wave.Count == 0)
            {
                wave = [.. probes];
                probes.Clear();
            }

            pending.RemoveAll(wave.Contains);
            var outcomes = await Task.WhenAll(wave.Select(c => EvaluateAsync(c, context, results, cancellationToken))).ConfigureAwait(false);
            foreach (var outcome in outcomes)
            {
                results[outcome.CheckId] = outcome;
            }
        }

        return results;
    }

    public static CheckResult Result(ConformanceCheck check, Finding outcome, TimeSpan elapsed) =>
        new(check.Id, check.Title, check.Stage, outcome.Verdict, outcome.Message, outcome.Evidence, check.Hint, elapsed, check.Location) { Kind = check.Kind.Name, Code = check.Code };

    private static async Task<CheckResult> EvaluateAsync(ConformanceCheck check, ConformanceContext context, Dictionary<string, CheckResult> settled, CancellationToken cancellationToken)
    {
        var unmet = check.Needs.Where(n => settled.TryGetValue(n, out var r) && r.Verdict != Verdict.Passed).ToList();
        if (unmet.Count > 0)
        {
            return Result(check, Finding.Skip("needs " + string.Join(", ", unmet.Select(n => $"{n}, which {Describe(settled[n].Verdict)}"))), TimeSpan.Zero);
        }

        var clock = Stopwatch.StartNew();
        try
        {
            return Result(check, await check.EvaluateAsync(context, cancellationToken).ConfigureAwait(false), clock.Elapsed);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Result(check, Finding.Fail($"the check could not run: {e.Message}", e.GetType().Name), clock.Elapsed);
        }
    }

    private static string Describe(Verdict verdict) => verdict switch
    {
        Verdict.Failed => "failed",
        Verdict.Inconclusive => "was inconclusive",
        _ => "was skipped",
    };
}
