using System.Collections.Generic;
using Microsoft.Build.Framework;

namespace BotBottle.Testing.MSBuild.Tasks;

/// <summary>Runs isolation probes (catalogue ids; all when none are given) against a bottle launched for the purpose.</summary>
public sealed class RunBottleProbes : BottleCheckTask
{
    /// <summary>Catalogue ids (e.g. <c>loopback-refused</c>); empty: the whole catalogue.</summary>
    public ITaskItem[] Probes { get; set; } = [];

    /// <inheritdoc />
    protected override string Command => "probes";

    /// <inheritdoc />
    protected override void AddArguments(List<string> argv)
    {
        foreach (var probe in Probes)
        {
            argv.AddRange(["--probe", probe.ItemSpec]);
        }
    }
}
