using BotBottle.Testing.Bottles;
using BotBottle.Testing.Bundles;
using BotBottle.Testing.Probes;

namespace BotBottle.Testing.Sessions;

/// <summary>What a test session starts: one bottle on one backend, optionally with a probe range and a neighbour.</summary>
public sealed record BottleSessionOptions
{
    /// <summary>The reference agent image (override with BOTBOTTLE_AGENT_IMAGE).</summary>
    public static string ReferenceAgentImage => Environment.GetEnvironmentVariable("BOTBOTTLE_AGENT_IMAGE") is { Length: > 0 } image ? image : "botbottle/agent:reference";

    /// <summary>The reference bundle image (override with BOTBOTTLE_BUNDLE_IMAGE).</summary>
    public static string ReferenceBundleImage => Environment.GetEnvironmentVariable("BOTBOTTLE_BUNDLE_IMAGE") is { Length: > 0 } image ? image : "botbottle/bundle:reference";

    /// <summary>The backend's name ("docker", "smolmachines").</summary>
    public string Backend { get; init; } = BottleBackends.Docker;

    /// <summary>The bottle to launch (default: the reference images).</summary>
    public BottleSpec Spec { get; init; } = new(ReferenceAgentImage, new BundleSpec(ReferenceBundleImage));

    /// <summary>Start a <see cref="ProbeRange"/> (decoys the isolation catalogue aims at) and wire the bundle to it.</summary>
    public bool WithProbeRange { get; init; }

    /// <summary>Also launch a second bottle, so the catalogue can prove bottles cannot reach each other.</summary>
    public bool WithNeighbour { get; init; }

    /// <summary>The image the range's decoys run (any image with BusyBox; default: the bundle image).</summary>
    public string? DecoyImage { get; init; }

    /// <summary>The catalogue's knowledge of the bundle (daemons, placeholders, limits).</summary>
    public CatalogueOptions Catalogue { get; init; } = new();
}
