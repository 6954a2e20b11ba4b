using System.Collections.Generic;
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
            argv.AddRange(port.Length > 0 || code.Length > 0 ? ["--daemon", $"{probe.ItemSpec}:{port}:{code}"] : ["--probe", probe.ItemSpec]);
        }
    }
}
