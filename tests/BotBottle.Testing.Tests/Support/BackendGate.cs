namespace BotBottle.Testing.Tests.Support;

/// <summary>
/// Skips a test, with the backend's precise reason, when its prerequisites are missing, unless
/// BOTBOTTLE_REQUIRE names the backend: then the missing prerequisite fails the test.
/// </summary>
internal static class BackendGate
{
    public static async Task RequireAsync(BottleBackend backend)
    {
        var report = await backend.CheckPrerequisitesAsync(TestContext.Current.CancellationToken);
        Require(report);
    }

    public static void Require(PrerequisiteReport report)
    {
        if (report.IsSatisfied)
        {
            return;
        }

        if (BackendRequirements.IsRequired(report.Backend))
        {
            Assert.Fail($"{report.Reason} ({BackendRequirements.Variable} requires {report.Backend}, so this is a failure, not a skip)");
        }

        Assert.Skip(report.Reason);
    }
}
