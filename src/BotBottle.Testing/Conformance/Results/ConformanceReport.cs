using BotBottle.Testing.Checks;
using BotBottle.Testing.Conformance.Checks;

namespace BotBottle.Testing.Conformance.Results;

/// <summary>A spec's results for one agent image on every backend asked for.</summary>
/// <param name="SpecName">The spec's name.</param>
/// <param name="SpecSource">Where the spec came from.</param>
/// <param name="AgentImage">The image under test.</param>
/// <param name="BundleImage">The bundle its bottles used.</param>
/// <param name="CheckIds">Every check id in report order (image stage, launch, bottle stage).</param>
/// <param name="Runs">One run per backend, in the order asked for.</param>
/// <param name="Elapsed">How long the whole run took.</param>
public sealed record ConformanceReport(
    string SpecName,
    string SpecSource,
    string AgentImage,
    string BundleImage,
    IReadOnlyList<string> CheckIds,
    IReadOnlyList<BackendRun> Runs,
    TimeSpan Elapsed)
{
    /// <summary>The run on <paramref name="backend"/>: its column label ("smolmachines (emulated smolvm 1.9.3)"), or its backend name.</summary>
    public BackendRun this[string backend] => Runs.FirstOrDefault(r => r.Label == backend) ?? Runs.FirstOrDefault(r => r.Backend == backend)
        ?? throw new KeyNotFoundException($"the report has no run on {backend}");

    /// <summary>Whether no backend that ran has a failed or inconclusive check.</summary>
    public bool Conforms => Runs.All(r => r.Conforms);

    /// <summary>Whether at least one backend ran (a report of skips only proves nothing).</summary>
    public bool AnyBackendRan => Runs.Any(r => r.Skipped is null);


    /// <summary>Counts over every backend: passed, failed (with inconclusive), skipped.</summary>
    public (int Passed, int Failed, int Skipped) Totals =>
        (Count(Verdict.Passed), Count(Verdict.Failed) + Count(Verdict.Inconclusive), Count(Verdict.Skipped));

    private int Count(Verdict verdict) => Runs.Sum(r => r.Results.Count(x => x.Verdict == verdict));
}
