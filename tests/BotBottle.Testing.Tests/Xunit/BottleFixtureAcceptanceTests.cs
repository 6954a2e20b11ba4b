using BotBottle.Testing.Tests.Support;
using BotBottle.Testing.Xunit.Subjects;

namespace BotBottle.Testing.Tests.Xunit;

/// <summary>The xunit.v3 package's fixtures and attributes, run in-process on small subject classes.</summary>
public sealed class BottleFixtureAcceptanceTests
{
    [Fact]
    public async Task A_backend_that_cannot_run_here_skips_every_test_touching_the_bottle_with_the_precise_reason()
    {
        if (BackendRequirements.IsRequired("smolmachines"))
        {
            Assert.Skip("BOTBOTTLE_REQUIRE names smolmachines: these subjects would fail instead of skipping");
        }

        var report = await new BotBottle.Testing.Smolmachines.SmolmachinesBackend().CheckPrerequisitesAsync(TestContext.Current.CancellationToken);
        if (report.IsSatisfied)
        {
            Assert.Skip("smolmachines can run on this machine, so nothing skips");
        }

        var results = await InProcessRunner.RunAsync(typeof(SkipsWhereTheBackendCannotRun));

        Assert.Equal(2, results.Count);
        Assert.All(results, r =>
        {
            Assert.Equal("Skipped", r.Outcome);
            Assert.Equal(report.Reason, r.Message);
        });
    }

    [Fact]
    public async Task A_failed_launch_happens_once_and_fails_every_test_touching_the_bottle_with_its_real_cause()
    {
        await BackendGate.RequireAsync(new BotBottle.Testing.Docker.DockerBackend());
        var before = MissingImageFixture.Launches;

        var results = await InProcessRunner.RunAsync(typeof(RethrowsTheLaunchFailure));

        Assert.Equal(before + 1, MissingImageFixture.Launches);
        var touching = results.Where(r => r.Method.StartsWith("Touches", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, touching.Count);
        Assert.All(touching, r =>
        {
            Assert.Equal("Failed", r.Outcome);
            Assert.Contains("BottleSessionException", r.Message, StringComparison.Ordinal);
            Assert.Contains("failed to launch", r.Message, StringComparison.Ordinal);
            Assert.Contains(MissingImageFixture.Image, r.Message, StringComparison.Ordinal);
        });
        Assert.Equal("Passed", results.Single(r => r.Method == "Never_touches_the_bottle").Outcome);
    }

    [Fact]
    public async Task Traits_let_users_filter_by_backend_and_category()
    {
        var results = await InProcessRunner.RunAsync(typeof(CarriesTraits));

        var traits = Assert.Single(results).Traits;
        Assert.Contains("docker", traits["BottleBackend"]);
        Assert.Contains("Isolation", traits["Category"]);
        Assert.Contains("Bottle", traits["Category"]);
    }

    [Fact]
    public async Task A_failing_test_gets_the_bottle_and_bundle_logs_attached_and_a_passing_one_does_not()
    {
        await BackendGate.RequireAsync(new BotBottle.Testing.Docker.DockerBackend());

        var results = await InProcessRunner.RunAsync(typeof(AttachesLogsWhenATestFails));

        var failed = results.Single(r => r.Method == "Fails_after_using_the_bottle");
        Assert.Equal("Failed", failed.Outcome);
        Assert.Contains("hello from the agent", failed.Message, StringComparison.Ordinal);
        var logs = failed.Attachments["bottle-logs"].AsString();
        Assert.Contains("--- bundle log ---", logs, StringComparison.Ordinal);
        Assert.Contains("bundle ready", logs, StringComparison.Ordinal);
        Assert.Contains("bundle ready", failed.Output, StringComparison.Ordinal);
        Assert.Contains(AttachesLogsWhenATestFails.DeniedHost, failed.Attachments["bundle-proxy-log"].AsString(), StringComparison.Ordinal);
        Assert.Contains(AttachesLogsWhenATestFails.LookedUpName, failed.Attachments["bundle-dns-log"].AsString(), StringComparison.Ordinal);
        Assert.NotEmpty(failed.Attachments["bundle-egress-log"].AsString());
        Assert.Contains("--- bundle proxy.log ---", logs, StringComparison.Ordinal);

        var passed = results.Single(r => r.Method == "Passes");
        Assert.Equal("Passed", passed.Outcome);
        Assert.Empty(passed.Attachments);
    }

    [Fact]
    public async Task Every_test_of_a_fixture_shows_the_launch_lines_in_its_own_output()
    {
        await BackendGate.RequireAsync(new BotBottle.Testing.Docker.DockerBackend());

        var results = await InProcessRunner.RunAsync(typeof(AttachesLogsWhenATestFails));

        Assert.All(results, r =>
        {
            // The backend's own launch line, through the fixture's ILogger, and the session's, both in the test's output.
            Assert.Matches(@"\[botbottle\] DockerBottleFixture: docker[^\n]* bottle bbt-[0-9a-f-]+ ready in \d+ ms", r.Output);
            Assert.Matches(@"\[botbottle\] DockerBottleFixture: docker bottle bbt-[0-9a-f-]+ launched in \d+ ms", r.Output);
        });
    }
}
