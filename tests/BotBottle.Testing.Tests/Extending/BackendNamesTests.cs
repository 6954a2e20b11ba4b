using BotBottle.Testing.Checks;
using BotBottle.Testing.Conformance.Checks;
using BotBottle.Testing.Conformance.Reports;
using BotBottle.Testing.Conformance.Results;
using BotBottle.Testing.Conformance.Run;
using BotBottle.Testing.Sessions;
using BotBottle.Testing.Smolmachines;

namespace BotBottle.Testing.Tests.Extending;

/// <summary>A backend carries its own name and label; names typed by a user resolve once, in one registry.</summary>
public sealed class BackendNamesTests
{
    [Fact]
    public void A_name_resolves_once_into_a_backend_that_carries_it()
    {
        var docker = BottleBackends.Create("docker");
        var remote = BottleBackends.Create("docker@unix:///tmp/other-engine.sock");
        var smol = BottleBackends.Create("smolmachines@unix:///tmp/other-engine.sock");

        Assert.Equal(["docker", "smolmachines"], BottleBackends.Names);
        Assert.Equal(("docker", null), (docker.Name, docker.EngineEndpoint));
        Assert.Equal(("docker", new Uri("unix:///tmp/other-engine.sock")), (remote.Name, remote.EngineEndpoint));
        Assert.IsType<SmolmachinesBackend>(smol);
        Assert.Equal(new Uri("unix:///tmp/other-engine.sock"), smol.EngineEndpoint);
    }

    [Fact]
    public void A_name_of_no_backend_is_refused_naming_the_known_ones()
    {
        Assert.Contains("known: docker, smolmachines", BottleBackends.Problem("firecracker"), StringComparison.Ordinal);
        Assert.Contains("needs an engine address after docker@", BottleBackends.Problem("docker@"), StringComparison.Ordinal);
        Assert.Null(BottleBackends.Problem("smolmachines"));
        Assert.Throws<ArgumentException>(() => BottleBackends.Create("firecracker"));
    }

    [Fact]
    public async Task A_label_given_by_the_user_is_the_backends_name_in_reports()
    {
        var backend = new DockerBackend(new DockerBackendOptions { Endpoint = new Uri("unix:///tmp/no-engine-here.sock") }) { Label = "docker on build-2" };

        // No engine is asked: the label is the user's.
        Assert.Equal("docker on build-2", await backend.LabelAsync(TestContext.Current.CancellationToken));
        Assert.Equal("docker", backend.Name);
    }

    [Fact]
    public void Two_runs_with_one_label_get_distinct_labels()
    {
        var first = new BackendRun("docker", null, []) { Label = "docker (Engine 28.2.1, API 1.51)" };
        var second = new BackendRun("docker", null, []) { Label = "docker (Engine 28.2.1, API 1.51) #2" };

        Assert.Equal("docker (Engine 28.2.1, API 1.51)", ConformanceRunner.DistinctLabel("docker (Engine 28.2.1, API 1.51)", []));
        Assert.Equal("docker (Engine 28.2.1, API 1.51) #2", ConformanceRunner.DistinctLabel("docker (Engine 28.2.1, API 1.51)", [first]));
        Assert.Equal("docker (Engine 28.2.1, API 1.51) #3", ConformanceRunner.DistinctLabel("docker (Engine 28.2.1, API 1.51)", [first, second]));
        Assert.Equal("smolmachines", ConformanceRunner.DistinctLabel("smolmachines", [first, second]));
    }

    [Fact]
    public void Two_docker_engines_have_a_junit_suite_and_a_matrix_column_each()
    {
        var a = new BackendRun("docker", null, [Result(Verdict.Passed)]) { Label = "docker@unix:///a.sock (Engine 28.2.1, API 1.51)" };
        var b = new BackendRun("docker", null, [Result(Verdict.Failed)]) { Label = "docker@unix:///b.sock (Engine 28.2.1, API 1.51)" };
        var vm = new BackendRun("smolmachines", null, [Result(Verdict.Passed)]) { Label = "smolmachines (smolvm 1.9.3)" };
        var report = new ConformanceReport("bot-bottle", "built-in", "example/agent:1", "example/bundle:1", ["bottle.launch"], [a, b, vm], TimeSpan.FromSeconds(1));

        var suites = JUnitReportWriter.Build(report).Root!.Elements("testsuite").Select(s => s.Attribute("name")!.Value).ToList();
        var matrix = new ParityMatrix(report);

        Assert.Equal(
            ["conformance.bot-bottle.docker@unix:///a.sock (Engine 28.2.1, API 1.51)", "conformance.bot-bottle.docker@unix:///b.sock (Engine 28.2.1, API 1.51)", "conformance.bot-bottle.smolmachines"],
            suites);
        Assert.Equal([a.Label, b.Label, vm.Label], matrix.Backends);
        Assert.Equal(Verdict.Failed, matrix["bottle.launch", b.Label]);
        Assert.Equal(Verdict.Passed, report[a.Label]["bottle.launch"].Verdict);
    }

    private static CheckResult Result(Verdict verdict) =>
        new("bottle.launch", "A bottle launches", CheckStage.Bottle, verdict, "launched", "", null, TimeSpan.FromMilliseconds(250), new SpecLocation("spec.yaml", 3, 5)) { Kind = "bottle", Code = CheckCode.Parse("BBT0207") };
}
