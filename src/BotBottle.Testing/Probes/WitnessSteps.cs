using System.Globalization;
using BotBottle.Testing.Witness;

namespace BotBottle.Testing.Probes;

/// <summary>
/// The witness check's steps, decided from one read of the bottle's <see cref="WireWitness"/> after every other step of
/// the battery has run, with the verdict lines the battery prints (<c>present: …</c>, then <c>present</c>/<c>absent</c>).
/// </summary>
internal static class WitnessSteps
{
    /// <summary>The tool evidence names for these steps.</summary>
    public const string Tool = "wire witness";

    public static async Task<IReadOnlyList<RawBatteryReport>> ReadAsync(WireWitness witness, IReadOnlyList<IsolationStep> steps, int proxyPort, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var targets = steps.Select(s => s.Action).OfType<WitnessReview>().SelectMany(r => r.ProbeTargets).Distinct().ToList();
        WireWitness.Report report;
        try
        {
            report = await witness.ReadAsync(targets, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return steps.Select(s => new RawBatteryReport(s.Id, Tool, 1, clock.Elapsed, s.Timeout, "", "the witness could not be read: " + e.Message)).ToList();
        }

        return steps.Select(s => Report(s, report, proxyPort, clock.Elapsed)).ToList();
    }

    private static RawBatteryReport Report(IsolationStep step, WireWitness.Report report, int proxyPort, TimeSpan elapsed)
    {
        if (report.Problem is { } problem)
        {
            return new(step.Id, Tool, 1, elapsed, step.Timeout, "", "the capture is incomplete: " + problem);
        }

        var summary = string.Create(CultureInfo.InvariantCulture, $"{report.Frames} frames on {report.Interface}: {report.Expected.Count} expected flows, {report.ProbeAttempts.Count} probe attempts, {report.Findings.Count} findings");
        IEnumerable<string> lines = step.Action is WitnessReview { Control: true }
            ? report.Expected.Where(f => f.Port == proxyPort && f.Protocol.EndsWith("tcp", StringComparison.Ordinal)).Take(1).Select(f => "present: " + f)
            : report.Findings.Select(f => "present: " + f);
        var found = lines.ToList();
        return new(step.Id, Tool, 0, elapsed, step.Timeout, string.Join('\n', [summary, .. found, found.Count > 0 ? "present" : "absent"]), "");
    }
}
