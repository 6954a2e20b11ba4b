using System.Diagnostics;
using BotBottle.Testing.Conformance.Results;
using BotBottle.Testing.Conformance.Run;
using BotBottle.Testing.Conformance.Spec;

namespace BotBottle.Testing.Tests.Support;

/// <summary>Runs conformance specs against several images on docker, a few at a time, each run's failures sent as a diagnostic line.</summary>
internal static class DockerConformanceRuns
{
    /// <summary>The report of each (key, spec, image), by key; at most <paramref name="parallel"/> bottles at once.</summary>
    public static async Task<Dictionary<string, ConformanceReport>> RunAsync(IEnumerable<(string Key, ConformanceSpec Spec, string Image)> runs, int parallel, string tag, CancellationToken ct)
    {
        using var gate = new SemaphoreSlim(parallel);
        var started = runs.Select(async run =>
        {
            await gate.WaitAsync(ct);
            try
            {
                var clock = Stopwatch.StartNew();
                var report = await ConformanceRunner.RunAsync(run.Spec, new ConformanceOptions { AgentImage = run.Image, Backends = [new DockerBackend()] }, cancellationToken: ct);
                TestContext.Current.SendDiagnosticMessage($"[{tag}] {run.Key}: {string.Join(", ", report[DockerBackend.BackendName].FailedIds)} failed in {clock.ElapsedMilliseconds} ms");
                return (run.Key, report);
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        return (await Task.WhenAll(started)).ToDictionary(r => r.Key, r => r.report, StringComparer.Ordinal);
    }
}
