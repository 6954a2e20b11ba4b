using BotBottle.Testing.Launch;

namespace BotBottle.Testing.Tests.Support;

/// <summary>
/// The docker-in-docker engines eng/test.sh starts beside the machine's own (eng/engine/dind.sh): a second engine
/// of another generation, and an affected Engine 20.10 whose host namespace has a decoy resolver on loopback
/// (CVE-2024-29018's condition). Tests on them skip where they were not started, and fail instead when
/// BOTBOTTLE_REQUIRE names <c>test-engines</c> (CI does).
/// </summary>
internal static class TestEngines
{
    public const string Requirement = "test-engines";

    /// <summary>The engine with a loopback decoy resolver (unix:// socket URI).</summary>
    public static Uri RequireCveEngine() => Require("BOTBOTTLE_CVE_ENGINE", "cve bookworm --loopback-resolver");

    /// <summary>An engine of another generation than the machine's own.</summary>
    public static Uri RequireSecondEngine() => Require("BOTBOTTLE_SECOND_ENGINE", "engine2 forky");

    /// <summary>The log of the decoy resolver of the engine at <paramref name="engine"/> (beside its socket).</summary>
    public static string DecoyResolverLog(Uri engine) => Path.Combine(Path.GetDirectoryName(engine.LocalPath)!, "decoy-dns.log");

    private static Uri Require(string variable, string start)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value)
        {
            return new Uri(value);
        }

        var reason = $"{variable} is not set: no docker-in-docker test engine here (eng/test.sh starts one as root on Linux: eng/engine/dind.sh start {start})";
        if (BackendRequirements.IsRequired(Requirement))
        {
            Assert.Fail(reason + $" ({BackendRequirements.Variable} requires {Requirement})");
        }

        Assert.Skip(reason);
        return null!;
    }
}
