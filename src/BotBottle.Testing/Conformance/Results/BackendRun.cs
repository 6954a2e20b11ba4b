using BotBottle.Testing.Checks;
using BotBottle.Testing.Conformance.Checks;

namespace BotBottle.Testing.Conformance.Results;

/// <summary>The spec's results on one backend (every check, in report order).</summary>
/// <param name="Backend">The backend's name, its kind ("docker"; what test cases key the run by).</param>
/// <param name="Skipped">Why the backend did not run here (null when it ran).</param>
/// <param name="Results">Every check's result, image stage first.</param>
public sealed record BackendRun(string Backend, string? Skipped, IReadOnlyList<CheckResult> Results)
{
    /// <summary>
    /// The column's full name, distinct among a report's runs: the backend's own label, or the backend with its engine and
    /// API version, or its smolvm version ("smolmachines (emulated smolvm 1.9.3)").
    /// </summary>
    public string Label { get; init; } = Backend;

    /// <summary>The result of <paramref name="checkId"/>.</summary>
    public CheckResult this[string checkId] => Results.FirstOrDefault(r => r.CheckId == checkId)
        ?? throw new KeyNotFoundException($"no result for '{checkId}' on {Backend}");

    /// <summary>Whether nothing failed or was inconclusive.</summary>
    public bool Conforms => !Results.Any(r => r.Failed);

    /// <summary>The ids of failed (and inconclusive) checks.</summary>
    public IReadOnlyList<string> FailedIds => Results.Where(r => r.Failed).Select(r => r.CheckId).ToList();
}
