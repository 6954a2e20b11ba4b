using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BotBottle.Testing.MSBuild.Cli;
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

    /// <summary>One item per backend: metadata <c>Available</c> (true/false) and <c>Reason</c>.</summary>
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
            Log.LogWarning(null, ErrorCodes.PrerequisitesUnknown, null, null, 0, 0, 0, 0, $"cannot tell which bottle backends run here: the botbottle CLI is not at '{CliPath}'");
            return true;
        }

        var lines = new List<string>();
        var errors = new List<string>();
        var exit = new CliProcess().Run([.. CliProcess.Launcher(CliPath), "prerequisites"], new Dictionary<string, string>(), (line, isError) => (isError ? errors : lines).Add(line), TimeSpan.FromSeconds(10), _ => { });
        if (exit != 0)
        {
            Log.LogWarning(null, ErrorCodes.PrerequisitesUnknown, null, null, 0, 0, 0, 0, $"cannot tell which bottle backends run here: botbottle prerequisites exited {exit}: {string.Join(" | ", errors)}");
            return true;
        }

        Backends = lines.Select(l => l.Split(['\t'], 3)).Where(f => f.Length == 3).Select(f =>
        {
            var item = new TaskItem(f[0]);
            item.SetMetadata("Available", f[1] == "yes" ? "true" : "false");
            item.SetMetadata("Reason", f[2]);
            Log.LogMessage(MessageImportance.Normal, f[1] == "yes" ? $"bottle backend {f[0]}: available" : $"bottle backend {f[0]}: unavailable: {f[2]}");
            return (ITaskItem)item;
        }).ToArray();
        var available = Backends.Where(b => b.GetMetadata("Available") == "true").Select(b => b.ItemSpec).ToList();
        AvailableBackends = string.Join(";", available);
        DockerAvailable = available.Contains("docker");
        SmolmachinesAvailable = available.Contains("smolmachines");
        return true;
    }
}
