using System.Collections.Generic;

namespace BotBottle.Testing.MSBuild.Tasks;

/// <summary>Runs a conformance spec (the built-in bot-bottle contract by default) against the agent image on every backend asked for.</summary>
public sealed class RunBottleConformance : BottleCheckTask
{
    /// <summary>A YAML spec; empty: the built-in bot-bottle contract.</summary>
    public string? SpecFile { get; set; }

    /// <summary>Whether the spec's isolation probes run too (default true).</summary>
    public bool IncludeProbes { get; set; } = true;

    /// <inheritdoc />
    protected override string Command => "conformance";

    /// <inheritdoc />
    protected override void AddArguments(List<string> argv)
    {
        if (!string.IsNullOrEmpty(SpecFile))
        {
            argv.AddRange(["--spec", System.IO.Path.GetFullPath(SpecFile!)]);
        }

        if (!IncludeProbes)
        {
            argv.Add("--no-probes");
        }
    }
}
