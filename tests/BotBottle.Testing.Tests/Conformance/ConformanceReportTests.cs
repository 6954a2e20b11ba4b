using BotBottle.Testing.Checks;
using System.Text.Json;
using BotBottle.Testing.Conformance.Checks;
using BotBottle.Testing.Conformance.Reports;
using BotBottle.Testing.Conformance.Run;
using BotBottle.Testing.Conformance.Spec;
using BotBottle.Testing.Tests.Snapshots;

using BotBottle.Testing.Conformance.Results;

namespace BotBottle.Testing.Tests.Conformance;

public sealed class ConformanceReportTests
{
    private static CheckResult Result(string id, Verdict verdict, string message, string evidence = "", string? hint = null, CheckStage stage = CheckStage.Bottle) =>
        new(id, "title of " + id, stage, verdict, message, evidence, hint, TimeSpan.FromMilliseconds(250), new SpecLocation("spec.yaml", 3, 5))
        {
            Kind = id.Split('.')[0],
            Code = CheckCode.Parse(id switch { "user.node" => "BBT0201", "bottle.launch" => "BBT0207", "command.home-writable" => "BBT0203", _ => "BBT0114" }),
        };

    private static ConformanceReport Sample()
    {
        string[] ids = ["user.node", "bottle.launch", "command.home-writable", "probe.neighbour-agent-unreachable"];
        var docker = new BackendRun("docker", null,
        [
            Result("user.node", Verdict.Passed, "user node exists as required", "node:x:1000:1000::/home/node:/bin/bash", stage: CheckStage.Image),
            Result("bottle.launch", Verdict.Passed, "launched on docker in 3200 ms"),
            Result("command.home-writable", Verdict.Failed, "`touch` as node: exited 1, expected 0", "exit 1 in 40 ms\nstderr: touch: Permission denied", "make /home/node node's own"),
            Result("probe.neighbour-agent-unreachable", Verdict.Passed, "Another bottle's agent is unreachable"),
        ]);
        var vm = new BackendRun("smolmachines", null,
        [
            Result("user.node", Verdict.Passed, "user node exists as required", stage: CheckStage.Image),
            Result("bottle.launch", Verdict.Passed, "launched on smolmachines in 900 ms"),
            Result("command.home-writable", Verdict.Passed, "ok"),
            Result("probe.neighbour-agent-unreachable", Verdict.Skipped, "the smolmachines backend has no 'neighbour-agent-unreachable' probe"),
        ]);
        var other = new BackendRun("firecracker", "firecracker backend unavailable: no /dev/kvm",
            ids.Select(id => Result(id, Verdict.Skipped, "the firecracker backend cannot run here: no /dev/kvm")).ToList());
        return new ConformanceReport("bot-bottle", "built-in", "example/agent:1", "example/bundle:1", ids, [docker, vm, other], TimeSpan.FromSeconds(12.5));
    }

    [Fact]
    public void The_matrix_names_disagreements_among_backends_that_ran_and_skipped_backends_with_why()
    {
        var matrix = new ParityMatrix(Sample());
        Assert.Equal(["command.home-writable", "probe.neighbour-agent-unreachable"], matrix.Disagreements);
        Assert.Equal([("firecracker", "firecracker backend unavailable: no /dev/kvm")], matrix.SkippedBackends);
        Assert.Equal(Verdict.Failed, matrix["command.home-writable", "docker"]);
    }

    [Fact]
    public Task Markdown_summary() => Snapshot.VerifyAsync(MarkdownReportWriter.Build(Sample()));

    [Fact]
    public Task JUnit_xml_has_one_suite_per_backend_and_stable_case_names() => Snapshot.VerifyAsync(JUnitReportWriter.Build(Sample()).ToString());

    [Fact]
    public void Json_carries_verdicts_as_words_and_every_result()
    {
        using var json = JsonDocument.Parse(JsonReportWriter.Build(Sample()));
        var root = json.RootElement;
        Assert.False(root.GetProperty("conforms").GetBoolean());
        var docker = root.GetProperty("backends")[0];
        Assert.Equal("docker", docker.GetProperty("backend").GetString());
        var failed = docker.GetProperty("results")[2];
        Assert.Equal(("command.home-writable", "failed", "make /home/node node's own", "spec.yaml(3,5)"),
            (failed.GetProperty("id").GetString(), failed.GetProperty("verdict").GetString(), failed.GetProperty("hint").GetString(), failed.GetProperty("location").GetString()));
        Assert.Equal("firecracker backend unavailable: no /dev/kvm", root.GetProperty("backends")[2].GetProperty("skipped").GetString());
    }

    [Fact]
    public void The_text_matrix_marks_disagreements_and_lists_skipped_backends()
    {
        var text = new ParityMatrix(Sample()).ToText();
        Assert.Contains("command.home-writable", text, StringComparison.Ordinal);
        Assert.Matches(@"command\.home-writable\s+FAIL\s+pass\s+skip\s+<- backends disagree", text);
        Assert.Contains("skipped backend firecracker: firecracker backend unavailable: no /dev/kvm", text, StringComparison.Ordinal);
    }
}
