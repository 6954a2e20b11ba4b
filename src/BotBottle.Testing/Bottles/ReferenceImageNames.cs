namespace BotBottle.Testing.Bottles;

/// <summary>The locally built reference images (eng/images/build-images.sh), overridable by environment.</summary>
internal static class ReferenceImageNames
{
    public static string Agent => Environment.GetEnvironmentVariable("BOTBOTTLE_AGENT_IMAGE") is { Length: > 0 } image ? image : "botbottle/agent:reference";

    public static string Bundle => Environment.GetEnvironmentVariable("BOTBOTTLE_BUNDLE_IMAGE") is { Length: > 0 } image ? image : "botbottle/bundle:reference";
}
