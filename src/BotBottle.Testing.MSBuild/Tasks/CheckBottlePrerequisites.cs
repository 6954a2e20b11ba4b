using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BotBottle.Testing.MSBuild.Cli;
using BotBottle.Testing.MSBuild.Reports;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace BotBottle.Testing.MSBuild.Tasks;

/// <summary>
/// Says which backends can run here and why not, as items and properties; never fails the build (an
/// unknown answer is a warning and no backend available). It reads the CLI's versioned JSON report from a file it
/// names (<c>botbottle prerequisites --report-dir DIR --report-name NAME</c>), never the CLI's output.
/// </summary>
public sealed class CheckBottlePrerequisites : Task
{
    /// <summary>The report's file name in the task's own temporary directory.</summary>
    private const string ReportName = "prerequisites";

    /// <summary>The botbottle CLI (<c>botbottle.dll</c>).</summary>
    [Required]
    public string CliPath { get; set; } = "";

    /// <summary>One item per backend: metadata <c>Available</c> (true/false), <c>Reason</c> and <c>Notes</c> (<c> | </c>-separated).</summary>
    [Output]
    public ITaskItem[] Backends { get; private set; } = [];

    /// <summary>The backends that can run here, <c>;</c>-separated.</summary>
    [Output]
    public string AvailableBackends { get; private set; } = "";

    /// <inheritdoc />
    public override bool Execute()
    {
        if (!File.Exists(CliPath))
        {
            Log.LogWarning(null, ErrorCodes.PrerequisitesUnknown, null, null, 0, 0, 0, 0, LogText.Clean($"cannot tell which bottle backends run here: the botbottle CLI is not at '{CliPath}'"));
            return true;
        }

        var directory = Path.Combine(Path.GetTempPath(), "botbottle-prerequisites-" + Guid.NewGuid().ToString("N"));
        try
        {
            return Read(directory);
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Never written (the CLI failed first), or already gone.
            }
        }
    }

    /// <summary>Runs the CLI with <paramref name="directory"/> as its report directory and turns its JSON report into the outputs.</summary>
    private bool Read(string directory)
    {
        var errors = new List<string>();
        var exit = new CliProcess().Run([.. CliProcess.Launcher(CliPath), "prerequisites", "--report-dir", directory, "--report-name", ReportName], new Dictionary<string, string>(), (line, isError) =>
        {
            if (isError)
            {
                errors.Add(line);
            }
        }, TimeSpan.FromSeconds(30), _ => { });
        if (exit != 0)
        {
            Log.LogWarning(null, ErrorCodes.PrerequisitesUnknown, null, null, 0, 0, 0, 0, LogText.Clean($"cannot tell which bottle backends run here: botbottle prerequisites exited {exit}: {string.Join(" | ", errors)}"));
            return true;
        }

        PrerequisitesReport report;
        try
        {
            report = ReportContract.Read<PrerequisitesReport>(Path.Combine(directory, ReportName + ".json"));
        }
        catch (Exception e) when (e is InvalidDataException or System.Runtime.Serialization.SerializationException or IOException)
        {
            Log.LogWarning(null, ErrorCodes.PrerequisitesUnknown, null, null, 0, 0, 0, 0, LogText.Clean($"cannot tell which bottle backends run here: {e.Message}"));
            return true;
        }

        Backends = report.Backends.Select(b =>
        {
            var item = new TaskItem(b.Name);
            item.SetMetadata("Available", b.Available ? "true" : "false");
            item.SetMetadata("Reason", b.Reason);
            item.SetMetadata("Notes", string.Join(" | ", b.Notes ?? []));
            Log.LogMessage(MessageImportance.Normal, b.Available ? $"bottle backend {b.Name}: available" : $"bottle backend {b.Name}: unavailable: {b.Reason}");
            foreach (var note in b.Notes ?? [])
            {
                Log.LogMessage(MessageImportance.High, $"bottle backend {b.Name}: {note}");
            }
            return (ITaskItem)item;
        }).ToArray();
        var available = Backends.Where(b => b.GetMetadata("Available") == "true").Select(b => b.ItemSpec).ToList();
        AvailableBackends = string.Join(";", available);
        return true;
    }
}
