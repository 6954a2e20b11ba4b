using BotBottle.Testing.Sessions;
using Xunit;

namespace BotBottle.Testing.Xunit;

/// <summary>Backend gating for tests without a fixture, with xunit.v3's own skipping.</summary>
public static class BottleGate
{
    /// <summary>Skips (or, when BOTBOTTLE_REQUIRE names the backend, fails) unless the backend's prerequisites hold.</summary>
    public static async Task RequireBackendAsync(string backend, CancellationToken cancellationToken) =>
        SessionGate.For(await BackendPrerequisites.CheckAsync(backend, cancellationToken).ConfigureAwait(false)).Enforce(Assert.Skip);
}
