using BotBottle.Testing.Xunit;

namespace BotBottle.Testing.Tests.Support;

/// <summary>
/// The product's own gate (xunit.v3's <see cref="BottleGate"/>, over <c>SessionGate</c>) for tests without a
/// fixture: skips with the backend's precise reason when its prerequisites are missing, unless BOTBOTTLE_REQUIRE
/// names the backend, when the missing prerequisite fails the test.
/// </summary>
internal static class BackendGate
{
    public static Task RequireAsync(BottleBackend backend) => BottleGate.RequireBackendAsync(backend, TestContext.Current.CancellationToken);

    public static void Require(PrerequisiteReport report) => BottleGate.RequireBackend(report);
}
