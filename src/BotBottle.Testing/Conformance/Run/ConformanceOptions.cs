using BotBottle.Testing.Probes;
using BotBottle.Testing.Sessions;

namespace BotBottle.Testing.Conformance.Run;

/// <summary>What to check: which agent image, wired to which bundle, on which backends.</summary>
public sealed record ConformanceOptions
{
    /// <summary>The agent image under test.</summary>
    public string AgentImage { get; init; } = BottleSessionOptions.ReferenceAgentImage;

    /// <summary>The bundle image its bottles use.</summary>
    public string BundleImage { get; init; } = BottleSessionOptions.ReferenceBundleImage;

    /// <summary>The backends to run on, in matrix column order; missing ones are reported as skipped, with why.</summary>
    public IReadOnlyList<string> Backends { get; init; } = [BottleBackends.Docker, BottleBackends.Smolmachines];

    /// <summary>Env the bottle declares for the agent (layered over the standard guest env).</summary>
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    /// <summary>The image the probe range's decoys run (default: the bundle image).</summary>
    public string? DecoyImage { get; init; }

    /// <summary>What the probe catalogue knows about the bundle.</summary>
    public CatalogueOptions Catalogue { get; init; } = new();
}
