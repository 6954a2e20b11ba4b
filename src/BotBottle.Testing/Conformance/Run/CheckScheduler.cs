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
    public static async Task<IReadOnlyDictionary<string, ConformanceResult>> RunAsync(
        IReadOnlyList<ConformanceCheck> checks,
        ConformanceContext context,
        IReadOnlyDictionary<string, ConformanceResult> settled,
        CancellationToken cancellationToken)
    {
        var results = new Dictionary<string, ConformanceResult>(settled, StringComparer.Ordinal);
        var pending = checks.Where(c => c is not ProbeConformanceCheck).ToList();
        var probes = checks.OfType<ProbeConformanceCheck>().ToList();
        while (pending.Count > 0 || probes.Count > 0)
        {
            var wave = pending.Where(c => c.Needs.All(results.ContainsKey)).ToList();
            if (wave.Count == 0 && pending.Count > 0)
            {
                foreach (var stuck in pending)
                {
                    results[stuck.Id] = Result(stuck, CheckOutcome.Fail("its needs form a cycle: " + string.Join(", ", stuck.Needs)), TimeSpan.Zero);
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

    public static ConformanceResult Result(ConformanceCheck check, CheckOutcome outcome, TimeSpan elapsed) =>
        new(check.Id, check.Title, check.Stage, outcome.Verdict, outcome.Message, outcome.Evidence, check.Hint, elapsed, check.Location) { Kind = check.Kind, Code = CheckCodes.For(check) };

    private static async Task<ConformanceResult> EvaluateAsync(ConformanceCheck check, ConformanceContext context, Dictionary<string, ConformanceResult> settled, CancellationToken cancellationToken)
    {
        var unmet = check.Needs.Where(n => settled.TryGetValue(n, out var r) && r.Verdict != ConformanceVerdict.Passed).ToList();
        if (unmet.Count > 0)
        {
            return Result(check, CheckOutcome.Skip("needs " + string.Join(", ", unmet.Select(n => $"{n}, which {Describe(settled[n].Verdict)}"))), TimeSpan.Zero);
        }

        var clock = Stopwatch.StartNew();
        try
        {
            return Result(check, await check.EvaluateAsync(context, cancellationToken).ConfigureAwait(false), clock.Elapsed);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Result(check, CheckOutcome.Fail($"the check could not run: {e.Message}", e.GetType().Name), clock.Elapsed);
        }
    }

    private static string Describe(ConformanceVerdict verdict) => verdict switch
    {
        ConformanceVerdict.Failed => "failed",
        ConformanceVerdict.Inconclusive => "was inconclusive",
        _ => "was skipped",
    };
}
