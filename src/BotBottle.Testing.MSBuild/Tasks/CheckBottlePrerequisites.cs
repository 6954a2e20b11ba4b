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
/// unknown answer is a warning and no backend available).
/// </summary>
public sealed class CheckBottlePrerequisites : Task
{
    /// <summary>The botbottle CLI (<c>botbottle.dll</c>).</summary>
    [Required]
    public string CliPath { get; set; } = "";

    /// <summary>One item per backend: metadata <c>Available</c> (true/false), <c>Reason</c> and <c>Notes</c> (<c> | </c>-separated).</summary>
    [Output]
    public ITaskItem[] Backends { get; private set; } = [];

    /// <summary>The backends that can run here, <c>;</c>-separated.</summary>
    [Output]
    public string AvailableBackends { get; private set; } = "";

    /// <summary>Whether the docker backend can run here.</summary>
    [Output]
    public bool DockerAvailable { get; private set; }

    /// <summary>Whether the smolmachines backend can run here.</summary>
    [Output]
    public bool SmolmachinesAvailable { get; private set; }

    /// <inheritdoc />
    public override bool Execute()
    {
        if (!File.Exists(CliPath))
        {
            Log.LogWarning(null, ErrorCodes.PrerequisitesUnknown, null, null, 0, 0, 0, 0, LogText.Clean($"cannot tell which bottle backends run here: the botbottle CLI is not at '{CliPath}'"));
            return true;
        }

        var lines = new List<string>();
        var errors = new List<string>();
        var exit = new CliProcess().Run([.. CliProcess.Launcher(CliPath), "prerequisites", "--json"], new Dictionary<string, string>(), (line, isError) => (isError ? errors : lines).Add(line), TimeSpan.FromSeconds(30), _ => { });
        if (exit != 0)
        {
            Log.LogWarning(null, ErrorCodes.PrerequisitesUnknown, null, null, 0, 0, 0, 0, LogText.Clean($"cannot tell which bottle backends run here: botbottle prerequisites exited {exit}: {string.Join(" | ", errors)}"));
            return true;
        }

        PrerequisitesReport report;
        try
        {
            using var json = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", lines)));
            report = ReportContract.Read<PrerequisitesReport>(json);
        }
        catch (Exception e) when (e is InvalidDataException or System.Runtime.Serialization.SerializationException)
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
        DockerAvailable = available.Contains("docker");
        SmolmachinesAvailable = available.Contains("smolmachines");
        return true;
    }
}
