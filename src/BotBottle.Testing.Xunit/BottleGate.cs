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
        SessionGate.For(await backend.CheckPrerequisitesAsync(cancellationToken).ConfigureAwait(false)).Enforce(Assert.Skip);
    }
}
