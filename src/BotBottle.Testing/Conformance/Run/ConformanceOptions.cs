using BotBottle.Testing.Launch;
using BotBottle.Testing.Probes;
using BotBottle.Testing.Sessions;

namespace BotBottle.Testing.Conformance.Run;

/// <summary>What to check: which agent image, wired to which bundle, on which configured backends.</summary>
/// <example><code>new ConformanceOptions { AgentImage = "my/agent:1.2", Backends = [new DockerBackend()] }</code></example>
public sealed record ConformanceOptions
{
    /// <summary>The agent image under test.</summary>
    public string AgentImage { get; init; } = BottleBuilder.ReferenceAgentImage;

    /// <summary>The bundle image its bottles use.</summary>
    public string BundleImage { get; init; } = BottleBuilder.ReferenceBundleImage;

    /// <summary>
    /// The backends to run on, in matrix column order (default: one of each registered in <see cref="BottleBackends"/>);
    /// missing ones are reported as skipped, with why. Two of one kind get labels of their own in every report.
    /// </summary>
    public IReadOnlyList<BottleBackend> Backends { get; init; } = BottleBackends.CreateAll();

    /// <summary>Env the bottle declares for the agent (layered over the standard guest env).</summary>
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    /// <summary>The image the probe range's decoys run (default: the bundle image).</summary>
    public string? DecoyImage { get; init; }

    /// <summary>What the probe catalogue knows about the bundle.</summary>
    public CatalogueOptions Catalogue { get; init; } = new();
}
