using System.CommandLine;
using BotBottle.Testing.Conformance.Reports;
using BotBottle.Testing.Launch;
using BotBottle.Testing.Sessions;

namespace BotBottle.Testing.Cli;

/// <summary><c>botbottle prerequisites [--json]</c>: one tab-separated line per backend (name, yes|no, reason) and one per note (name, note, text), or the JSON contract.</summary>
internal sealed class PrerequisitesCommand : ICliCommand
{
    public Command Create(TextWriter output, TextWriter error)
    {
        var json = new Option<bool>("--json") { Description = "the JSON contract (what the MSBuild tasks read) instead of lines" };
        var command = new Command("prerequisites", "one line per backend: name, yes|no, reason") { json };
        command.SetAction((parsed, ct) => RunAsync(output, parsed.GetValue(json), ct));
        return command;
    }

    public static async Task<int> RunAsync(TextWriter output, bool json, CancellationToken cancellationToken)
    {
        var reports = new List<PrerequisiteReport>();
        foreach (var backend in BottleBackends.All)
        {
            reports.Add(await BottleBackends.Create(backend).CheckPrerequisitesAsync(cancellationToken));
        }

        if (json)
        {
            await output.WriteLineAsync(JsonReportWriter.BuildPrerequisites(reports));
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
