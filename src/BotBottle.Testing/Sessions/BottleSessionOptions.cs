using BotBottle.Testing.Probes;

namespace BotBottle.Testing.Sessions;

/// <summary>What a test session starts: one bottle (any backend), optionally with a probe range and a neighbour.</summary>
/// <example>
/// <code>
/// new BottleSessionOptions { Bottle = new BottleBuilder().WithBackend(new SmolmachinesBackend()), WithProbeRange = true }
/// </code>
/// </example>
public sealed record BottleSessionOptions
{
    /// <summary>The bottle to launch: images, env, prompt and backend (default: the reference bottle on docker).</summary>
    public BottleBuilder Bottle { get; init; } = new();

    /// <summary>Start a probe range (decoys the isolation catalogue aims at) and wire the bundle to it.</summary>
    public bool WithProbeRange { get; init; }

    /// <summary>Also launch a second bottle, so the catalogue can prove bottles cannot reach each other.</summary>
    public bool WithNeighbour { get; init; }

    /// <summary>The image the range's decoys run (any image with BusyBox; default: the bundle image).</summary>
    public string? DecoyImage { get; init; }

    /// <summary>The catalogue's knowledge of the bundle (daemons, placeholders, limits).</summary>
    public CatalogueOptions Catalogue { get; init; } = new();
}
