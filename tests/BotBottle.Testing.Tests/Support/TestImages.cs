namespace BotBottle.Testing.Tests.Support;

/// <summary>The locally built reference images (eng/images/build-images.sh), overridable by environment.</summary>
internal static class TestImages
{
    public static string Agent => Environment.GetEnvironmentVariable("BOTBOTTLE_AGENT_IMAGE") ?? "botbottle/agent:reference";

    public static string Bundle => Environment.GetEnvironmentVariable("BOTBOTTLE_BUNDLE_IMAGE") ?? "botbottle/bundle:reference";

    public const string ClaudeVersion = "2.1.328";

    public static BottleSpec Spec => new(Agent, new BundleSpec(Bundle) { AllowedHosts = ["decoy.internal"] });
}
