using System.Globalization;
using System.Text;

namespace BotBottle.Testing.Probes;

/// <summary>The results of one battery run.</summary>
/// <param name="Results">One per check, in the order given.</param>
/// <param name="Tools">Per vantage, the tools its guest has ("bash=bash nc=nc(openbsd) curl=curl …").</param>
/// <param name="Elapsed">Wall time of the whole battery (all vantages at once).</param>
public sealed record IsolationReport(IReadOnlyList<IsolationResult> Results, IReadOnlyDictionary<string, string> Tools, TimeSpan Elapsed)
{
    /// <summary>Whether every check passed.</summary>
    public bool AllPassed => Results.All(r => r.Passed);

    /// <summary>Checks that failed or were inconclusive.</summary>
    public IEnumerable<IsolationResult> Problems => Results.Where(r => !r.Passed);

    /// <summary>The result of the check with <paramref name="id"/>.</summary>
    public IsolationResult this[string id] => Results.FirstOrDefault(r => r.Check.Id == id) ?? throw new KeyNotFoundException($"no check '{id}' in this report; it has: {string.Join(", ", Results.Select(r => r.Check.Id))}");

    /// <summary>A table: one line per check with verdict and the probe's evidence.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Results.Count(r => r.Passed)}/{Results.Count} isolation checks passed in {Elapsed.TotalMilliseconds:0} ms\n");
        foreach (var result in Results)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {result.Verdict,-12} {result.Check.Id,-34} {result.Probe.Outcome,-12} {result.Probe.Evidence}\n");
        }

        foreach (var (vantage, tools) in Tools)
        {
            text.Append(CultureInfo.InvariantCulture, $"  tools at {vantage}: {tools}\n");
        }

        return text.ToString();
    }
}
