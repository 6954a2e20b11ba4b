using BotBottle.Testing.Conformance.Reports;
using BotBottle.Testing.MSBuild.Tasks;

namespace BotBottle.Testing.Tests.MSBuild;

public sealed class CheckBottlePrerequisitesTests
{
    [Fact]
    public void Each_backend_becomes_an_item_with_availability_and_reason()
    {
        using var cli = new FakeCli(0, report: JsonReportWriter.BuildPrerequisites(
        [
            new PrerequisiteReport("docker", []),
            new PrerequisiteReport("smolmachines", ["not Darwin", "`smolvm` not found on PATH"]),
        ]));
        var engine = new RecordingBuildEngine();
        var task = new CheckBottlePrerequisites { BuildEngine = engine, CliPath = cli.Path };

        Assert.True(task.Execute());

        // The report is a file the task names, never the CLI's output.
        Assert.Equal(["prerequisites", "--report-dir", "--report-name", "prerequisites"], cli.Argv.Where((_, i) => i != 2));
        Assert.Equal("docker", task.AvailableBackends);
        Assert.Equal([("docker", "true"), ("smolmachines", "false")], task.Backends.Select(b => (b.ItemSpec, b.GetMetadata("Available"))));
        var smol = task.Backends.Single(b => b.ItemSpec == "smolmachines");
        Assert.Equal(("false", "smolmachines backend unavailable: not Darwin; `smolvm` not found on PATH"), (smol.GetMetadata("Available"), smol.GetMetadata("Reason")));
        Assert.Contains(engine.Messages, m => m.Message == "bottle backend smolmachines: unavailable: smolmachines backend unavailable: not Darwin; `smolvm` not found on PATH");
    }

    [Fact]
    public void It_reads_no_report_from_the_output()
    {
        using var cli = new FakeCli(0, stdout: JsonReportWriter.BuildPrerequisites([new PrerequisiteReport("docker", [])]));
        var engine = new RecordingBuildEngine();
        var task = new CheckBottlePrerequisites { BuildEngine = engine, CliPath = cli.Path };

        Assert.True(task.Execute());

        Assert.Equal("BBT0301", Assert.Single(engine.Warnings).Code);
        Assert.Empty(task.Backends);
        Assert.Equal("", task.AvailableBackends);
    }

    [Fact]
    public void A_report_of_another_schema_version_is_refused_with_a_warning()
    {
        using var cli = new FakeCli(0, report: """{"schemaVersion":99,"backends":[{"name":"docker","available":true,"reason":""}]}""");
        var engine = new RecordingBuildEngine();
        var task = new CheckBottlePrerequisites { BuildEngine = engine, CliPath = cli.Path };

        Assert.True(task.Execute());

        Assert.Contains("schema version 99", Assert.Single(engine.Warnings).Message, StringComparison.Ordinal);
        Assert.Equal("", task.AvailableBackends);
    }

    [Fact]
    public void It_never_fails_the_build_when_it_cannot_tell()
    {
        var engine = new RecordingBuildEngine();
        var task = new CheckBottlePrerequisites { BuildEngine = engine, CliPath = "/nowhere/botbottle.dll" };

        Assert.True(task.Execute());

        Assert.Equal("BBT0301", Assert.Single(engine.Warnings).Code);
        Assert.Empty(engine.Errors);
        Assert.Equal("", task.AvailableBackends);
    }
}
