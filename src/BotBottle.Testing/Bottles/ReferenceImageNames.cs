namespace BotBottle.Testing.Bottles;

/// <summary>The locally built reference images (eng/images/build-images.sh), overridable by environment.</summary>
internal static class ReferenceImageNames
{
    public static string Agent => Environment.GetEnvironmentVariable("BOTBOTTLE_AGENT_IMAGE") is { Length: > 0 } image ? image : "botbottle/agent:reference";

    /// <summary>The harness's own prober and witness image: never overridden by a variable, since no verdict may rest on a tool the user swaps in.</summary>
    public const string Prober = "botbottle/prober:reference";

    public static string Bundle => Environment.GetEnvironmentVariable("BOTBOTTLE_BUNDLE_IMAGE") is { Length: > 0 } image ? image : "botbottle/bundle:reference";
}
