using System.Collections.Generic;
using BotBottle.Testing.MSBuild.Cli;
using Microsoft.Build.Framework;

namespace BotBottle.Testing.MSBuild.Tasks;

/// <summary>Runs isolation probes (catalogue ids; all when none are given) against a bottle launched for the purpose.</summary>
public sealed class RunBottleProbes : BottleCheckTask
{
    /// <summary>
    /// Catalogue ids (e.g. <c>loopback-refused</c>); empty: the whole catalogue. An item with <c>Port</c> and <c>Code</c>
    /// metadata is a loopback daemon of your bundle instead (<c>&lt;BottleProbe Include="metrics" Port="9200" Code="BBT0180" /&gt;</c>):
    /// its <c>bypass-metrics-port</c> check is added, with that code.
    /// </summary>
    public ITaskItem[] Probes { get; set; } = [];

    /// <inheritdoc />
    protected override string Command => "probes";

    /// <inheritdoc />
    protected override void AddArguments(List<string> argv)
    {
        foreach (var probe in Probes)
        {
            var port = probe.GetMetadata("Port");
            var code = probe.GetMetadata("Code");
            if (port.Length == 0 && code.Length == 0)
            {
                argv.AddRange(["--probe", probe.ItemSpec]);
            }
            else if (port.Length == 0 || code.Length == 0)
            {
                Log.LogError(null, ErrorCodes.InvalidSpec, null, null, 0, 0, 0, 0, LogText.Clean(
                    $"BottleProbe '{probe.ItemSpec}' has {(port.Length == 0 ? "Code but no Port" : "Port but no Code")}: a loopback daemon of your own needs both (<BottleProbe Include=\"metrics\" Port=\"9200\" Code=\"BBT0180\" />)"));
            }
            else
            {
                argv.AddRange(["--daemon", $"{probe.ItemSpec}:{port}:{code}"]);
            }
        }
    }
}
