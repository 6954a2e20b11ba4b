using BotBottle.Testing.Conformance.Results;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Diagnostics;
namespace BotBottle.Testing.Conformance.Reports;

/// <summary>Writes the JUnit, JSON and Markdown reports side by side.</summary>
public static class ReportFiles
{
    /// <summary>Writes <c>&lt;prefix&gt;.junit.xml</c>, <c>.json</c> and <c>.md</c> into <paramref name="directory"/>; returns their paths.</summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(ConformanceReport report, string directory, string prefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        Directory.CreateDirectory(directory);
        var junit = Path.Combine(directory, prefix + ".junit.xml");
        var json = Path.Combine(directory, prefix + ".json");
        var markdown = Path.Combine(directory, prefix + ".md");
        var document = JUnitReportWriter.Build(report);

        // The results are masked already (ConformanceRunner); this catches a value that reached a report some other way.
        await File.WriteAllTextAsync(junit, SecretValues.Mask(document.Declaration + "\n" + document), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(json, SecretValues.Mask(JsonReportWriter.Build(report)), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(markdown, SecretValues.Mask(MarkdownReportWriter.Build(report)), cancellationToken).ConfigureAwait(false);
        return [junit, json, markdown];
    }
}
