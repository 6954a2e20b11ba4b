using BotBottle.Testing.Checks;
using BotBottle.Testing.Conformance.Results;
using System.Globalization;
using System.Text;
using BotBottle.Testing.Conformance.Checks;

namespace BotBottle.Testing.Conformance.Reports;

/// <summary>A Markdown summary fit for a CI job summary: verdict, parity matrix, then each failure with its fix.</summary>
internal static class MarkdownReportWriter
{
    /// <summary>The report as Markdown.</summary>
    public static string Build(ConformanceReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var matrix = new ParityMatrix(report);
        var (passed, failed, skipped) = report.Totals;
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"## Conformance: `{report.AgentImage}` against `{report.SpecName}`\n\n");
        md.Append(report.Conforms ? (report.AnyBackendRan ? "**Conforms.** " : "**Nothing ran.** ") : "**Does not conform.** ");
        md.Append(CultureInfo.InvariantCulture, $"{passed} passed, {failed} failed, {skipped} skipped in {report.Elapsed.TotalSeconds:0.0} s (bundle `{report.BundleImage}`).\n\n");
        md.Append("| check | ").AppendJoin(" | ", matrix.Backends).Append(" |\n");
        md.Append("|---|").AppendJoin("", matrix.Backends.Select(_ => "---|")).Append('\n');
        foreach (var id in report.CheckIds)
        {
            md.Append("| `").Append(id).Append('`').Append(matrix.Disagreements.Contains(id) ? " (backends disagree)" : "").Append(" | ");
            md.AppendJoin(" | ", matrix.Backends.Select(b => Icon(matrix[id, b]))).Append(" |\n");
        }

        foreach (var (backend, reason) in matrix.SkippedBackends)
        {
            md.Append(CultureInfo.InvariantCulture, $"\n*{backend} skipped:* {reason}\n");
        }

        var failures = report.Runs.SelectMany(run => run.Results.Where(r => r.Failed).Select(r => (run.Label, Result: r))).ToList();
        if (failures.Count > 0)
        {
            md.Append("\n### Failures\n");
            foreach (var (backend, result) in failures)
            {
                md.Append(CultureInfo.InvariantCulture, $"\n- **`{result.CheckId}`** on {backend}: {result.Message}\n");
                if (result.Hint is not null)
                {
                    md.Append(CultureInfo.InvariantCulture, $"  - fix: {result.Hint}\n");
                }

                if (result.Evidence.Length > 0)
                {
                    md.Append("\n  ```\n").AppendJoin("\n", result.Evidence.Split('\n').Select(l => "  " + l)).Append("\n  ```\n");
                }
            }
        }

        return md.ToString();
    }

    private static string Icon(Verdict verdict) => verdict switch
    {
        Verdict.Passed => "✅ pass",
        Verdict.Failed => "❌ FAIL",
        Verdict.Inconclusive => "⚠️ inconclusive",
        _ => "⏭ skip",
    };
}
