using BotBottle.Testing.Launch;
using BotBottle.Testing.Sessions;
using Xunit;

namespace BotBottle.Testing.Xunit;

/// <summary>Backend gating for tests without a fixture, with xunit.v3's own skipping.</summary>
public static class BottleGate
{
    /// <summary>Skips (or, when BOTBOTTLE_REQUIRE names the backend, fails) unless the backend's prerequisites hold.</summary>
    public static async Task RequireBackendAsync(BottleBackend backend, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(backend);
        RequireBackend(await backend.CheckPrerequisitesAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The same, for a prerequisite report already in hand (a fixture that checked once).</summary>
    public static void RequireBackend(PrerequisiteReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        SessionGate.For(report).Enforce(Assert.Skip);
    }
}
