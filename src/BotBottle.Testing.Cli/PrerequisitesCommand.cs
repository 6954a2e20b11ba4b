using System.CommandLine;
using BotBottle.Testing.Conformance.Reports;
using BotBottle.Testing.Launch;
using BotBottle.Testing.Sessions;

namespace BotBottle.Testing.Cli;

/// <summary>
/// <c>botbottle prerequisites [--json] [--report-dir DIR [--report-name NAME]]</c>: one tab-separated line per backend
/// (name, yes|no, reason) and one per note (name, note, text), or the JSON contract; with <c>--report-dir</c> the JSON
/// contract also goes to <c>DIR/NAME.json</c> (what the MSBuild task reads, never the output).
/// </summary>
internal sealed class PrerequisitesCommand : ICliCommand
{
    public Command Create(TextWriter output, TextWriter error)
    {
        var json = new Option<bool>("--json") { Description = "the JSON contract instead of lines" };
        var reportDir = new Option<string?>("--report-dir") { Description = "also write the JSON contract to DIR/NAME.json", HelpName = "DIR" };
        var reportName = new Option<string?>("--report-name") { Description = "file name (without .json) of the report (default: prerequisites)", HelpName = "NAME" };
        var command = new Command("prerequisites", "one line per backend: name, yes|no, reason") { json, reportDir, reportName };
        command.SetAction((parsed, ct) => RunAsync(output, parsed.GetValue(json), parsed.GetValue(reportDir), parsed.GetValue(reportName), ct));
        return command;
    }

    public static async Task<int> RunAsync(TextWriter output, bool json, string? reportDirectory, string? reportName, CancellationToken cancellationToken)
    {
        var reports = new List<PrerequisiteReport>();
        foreach (var backend in BottleBackends.CreateAll())
        {
            reports.Add(await backend.CheckPrerequisitesAsync(cancellationToken));
        }

        var contract = JsonReportWriter.BuildPrerequisites(reports);
        if (reportDirectory is not null)
        {
            Directory.CreateDirectory(reportDirectory);
            await File.WriteAllTextAsync(Path.Combine(reportDirectory, (reportName ?? "prerequisites") + ".json"), contract, cancellationToken);
        }

        if (json)
        {
            await output.WriteLineAsync(contract);
            return 0;
        }

        foreach (var report in reports)
        {
            await output.WriteLineAsync($"{report.Backend}\t{(report.IsSatisfied ? "yes" : "no")}\t{report.Reason.ReplaceLineEndings(" ")}");
            foreach (var note in report.Notes)
            {
                await output.WriteLineAsync($"{report.Backend}\tnote\t{note.ReplaceLineEndings(" ")}");
            }
        }

        return 0;
    }
}
