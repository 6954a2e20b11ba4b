using BotBottle.Testing.Checks;
using System.Text.Json;
using System.Text.Json.Serialization;
using BotBottle.Testing.Conformance.Checks;
using BotBottle.Testing.Conformance.Results;

namespace BotBottle.Testing.Conformance.Reports;

/// <summary>
/// The report as JSON: the contract between the <c>botbottle</c> CLI and everything that reads its results
/// (the MSBuild tasks, dashboards, scripts). Versioned by <see cref="SchemaVersion"/>: a reader refuses a
/// major version it does not know. Every check carries its kind and its stable code as data.
/// </summary>
internal static class JsonReportWriter
{
    /// <summary>The contract's version (<see cref="ReportSchema.Version"/>, which the MSBuild tasks read with the same source); a reader accepts the same major version.</summary>
    public const int SchemaVersion = ReportSchema.Version;

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The report of a run.</summary>
    public static string Build(ConformanceReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var matrix = new ParityMatrix(report);
        var (passed, failed, skipped) = report.Totals;
        return JsonSerializer.Serialize(new
        {
            schemaVersion = SchemaVersion,
            outcome = !report.AnyBackendRan ? "nothing-ran" : report.Conforms ? "conforms" : "failed",
            spec = report.SpecName,
            source = report.SpecSource,
            agentImage = report.AgentImage,
            bundleImage = report.BundleImage,
            conforms = report.Conforms,
            elapsedMs = (long)report.Elapsed.TotalMilliseconds,
            totals = new { passed, failed, skipped },
            specErrors = Array.Empty<object>(),
            disagreements = matrix.Disagreements,
            backends = report.Runs.Select(run => new
            {
                backend = run.Backend,
                label = run.Label,
                skipped = run.Skipped,
                results = run.Results.Select(r => new
                {
                    id = r.CheckId,
                    kind = r.Kind,
                    code = r.Code.ToString(),
                    title = r.Title,
                    stage = r.Stage,
                    verdict = ReportSchema.Name(r.Verdict),
                    message = r.Message,
                    hint = r.Hint,
                    evidence = r.Evidence,
                    elapsedMs = (long)r.Elapsed.TotalMilliseconds,
                    location = r.Location?.ToString(),
                }),
            }),
        }, Options);
    }

    /// <summary>The report of a run that never started because its spec is invalid: every mistake, located.</summary>
    public static string BuildInvalidSpec(string source, IReadOnlyList<SpecErrorEntry> errors) =>
        JsonSerializer.Serialize(new
        {
            schemaVersion = SchemaVersion,
            outcome = "invalid-spec",
            spec = (string?)null,
            source,
            conforms = false,
            totals = new { passed = 0, failed = 0, skipped = 0 },
            specErrors = errors.Select(e => new { file = e.File, line = e.Line, column = e.Column, message = e.Message }),
            backends = Array.Empty<object>(),
        }, Options);

    /// <summary>Which backends can run here: the contract of <c>botbottle prerequisites --json</c>.</summary>
    public static string BuildPrerequisites(IReadOnlyList<Launch.PrerequisiteReport> reports) =>
        JsonSerializer.Serialize(new
        {
            schemaVersion = SchemaVersion,
            backends = reports.Select(r => new { name = r.Backend, available = r.IsSatisfied, reason = r.IsSatisfied ? "" : r.Reason, notes = r.Notes }),
        }, Options);
}

/// <summary>One located spec mistake, as the JSON contract carries it.</summary>
internal sealed record SpecErrorEntry(string File, long Line, long Column, string Message);
