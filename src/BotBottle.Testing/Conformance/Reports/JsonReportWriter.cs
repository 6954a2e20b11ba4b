using System.Text.Json;
using System.Text.Json.Serialization;

namespace BotBottle.Testing.Conformance.Reports;

/// <summary>The report as JSON (camelCase, verdicts as words), for dashboards and scripts.</summary>
public static class JsonReportWriter
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The report as a JSON text.</summary>
    public static string Build(ConformanceReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var matrix = report.Matrix;
        return JsonSerializer.Serialize(new
        {
            spec = report.SpecName,
            source = report.SpecSource,
            agentImage = report.AgentImage,
            bundleImage = report.BundleImage,
            conforms = report.Conforms,
            elapsedMs = (long)report.Elapsed.TotalMilliseconds,
            disagreements = matrix.Disagreements,
            backends = report.Runs.Select(run => new
            {
                backend = run.Backend,
                skipped = run.Skipped,
                results = run.Results.Select(r => new
                {
                    id = r.CheckId,
                    title = r.Title,
                    stage = r.Stage,
                    verdict = r.Verdict,
                    message = r.Message,
                    hint = r.Hint,
                    evidence = r.Evidence,
                    elapsedMs = (long)r.Elapsed.TotalMilliseconds,
                    location = r.Location?.ToString(),
                }),
            }),
        }, Options);
    }
}
