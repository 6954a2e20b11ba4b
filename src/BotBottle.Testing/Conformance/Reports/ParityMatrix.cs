using BotBottle.Testing.Checks;
using BotBottle.Testing.Conformance.Results;
using System.Text;
using BotBottle.Testing.Conformance.Checks;

namespace BotBottle.Testing.Conformance.Reports;

/// <summary>
/// Check × backend: where backends agree, where they disagree (among the backends that ran), and which
/// backends were skipped and why.
/// </summary>
public sealed class ParityMatrix(ConformanceReport report)
{
    /// <summary>The columns, in order: each backend with its engine and API version, or its smolvm version.</summary>
    public IReadOnlyList<string> Backends { get; } = report.Runs.Select(r => r.Label).ToList();

    /// <summary>Backends that did not run, with the reason.</summary>
    public IReadOnlyList<(string Backend, string Reason)> SkippedBackends { get; } =
        report.Runs.Where(r => r.Skipped is not null).Select(r => (r.Label, r.Skipped!)).ToList();

    /// <summary>The verdict of <paramref name="checkId"/> on <paramref name="backend"/>.</summary>
    public Verdict this[string checkId, string backend] => report[backend][checkId].Verdict;

    /// <summary>Checks whose verdict differs between backends that ran.</summary>
    public IReadOnlyList<string> Disagreements { get; } = report.CheckIds
        .Where(id => report.Runs.Where(r => r.Skipped is null).Select(r => r[id].Verdict).Distinct().Count() > 1)
        .ToList();

    /// <summary>A short cell text: pass, FAIL, inconclusive, skip.</summary>
    public static string Cell(Verdict verdict) => verdict switch
    {
        Verdict.Passed => "pass",
        Verdict.Failed => "FAIL",
        Verdict.Inconclusive => "inconclusive",
        _ => "skip",
    };

    /// <summary>A fixed-width text table for a console.</summary>
    public string ToText()
    {
        var idWidth = Math.Max(5, report.CheckIds.Max(id => id.Length));
        var widths = Backends.Select(b => Math.Max(b.Length, 12)).ToList();
        var text = new StringBuilder();
        text.Append("check".PadRight(idWidth));
        for (var i = 0; i < Backends.Count; i++)
        {
            text.Append("  ").Append(Backends[i].PadRight(widths[i]));
        }

        text.Append('\n').Append(new string('-', idWidth + widths.Sum(w => w + 2))).Append('\n');
        foreach (var id in report.CheckIds)
        {
            text.Append(id.PadRight(idWidth));
            for (var i = 0; i < Backends.Count; i++)
            {
                text.Append("  ").Append(Cell(this[id, Backends[i]]).PadRight(widths[i]));
            }

            text.Append(Disagreements.Contains(id) ? "  <- backends disagree" : "").Append('\n');
        }

        foreach (var (backend, reason) in SkippedBackends)
        {
            text.Append("skipped backend ").Append(backend).Append(": ").Append(reason).Append('\n');
        }

        return text.ToString();
    }
}
