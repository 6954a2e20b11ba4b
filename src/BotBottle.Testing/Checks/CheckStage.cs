namespace BotBottle.Testing.Checks;

/// <summary>Where a check runs.</summary>
public enum CheckStage
{
    /// <summary>In the agent image as shipped: a throwaway container with no network, before any bottle (once per image).</summary>
    Image,

    /// <summary>In a launched bottle, on each backend.</summary>
    Bottle,
}
