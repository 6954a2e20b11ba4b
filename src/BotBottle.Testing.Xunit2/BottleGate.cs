using BotBottle.Testing.Launch;
using BotBottle.Testing.Sessions;
using Xunit;

namespace BotBottle.Testing.Xunit2;

/// <summary>Backend gating for tests without a fixture, skipping through Xunit.SkippableFact.</summary>
public static class BottleGate
{
    /// <summary>Skips (needs <c>[SkippableFact]</c>), or fails when BOTBOTTLE_REQUIRE names the backend, unless its prerequisites hold.</summary>
    public static async Task RequireBackendAsync(BottleBackend backend, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(backend);
        RequireBackend(await backend.CheckPrerequisitesAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The same, for a prerequisite report already in hand (a fixture that checked once).</summary>
    public static void RequireBackend(PrerequisiteReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        SessionGate.For(report).Enforce(Skip);
    }

    /// <summary>Xunit.SkippableFact's skip.</summary>
    internal static void Skip(string reason) => global::Xunit.Skip.If(true, reason);
}
