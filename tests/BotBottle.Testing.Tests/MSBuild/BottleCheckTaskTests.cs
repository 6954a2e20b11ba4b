using BotBottle.Testing.Checks;
using BotBottle.Testing.Conformance.Checks;
using BotBottle.Testing.Conformance.Reports;
using BotBottle.Testing.Conformance.Results;
using BotBottle.Testing.MSBuild.Tasks;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace BotBottle.Testing.Tests.MSBuild;

/// <summary>RunBottleProbes/RunBottleConformance against a stand-in CLI, through a recording build engine.</summary>
public sealed class BottleCheckTaskTests
{
    /// <summary>Canned reports, written by the CLI's own JSON writer: what the tasks read is the contract itself.</summary>
    private static string Report(params BackendRun[] runs) =>
        JsonReportWriter.Build(new ConformanceReport("isolation-probes", "built-in", "a:1", "b:1", runs.SelectMany(r => r.Results).Select(r => r.CheckId).Distinct().ToList(), runs, TimeSpan.FromSeconds(3)));

    private static CheckResult Result(string id, string code, Verdict verdict, string message, string evidence = "", string? hint = null) =>
        new(id, "title", CheckStage.Bottle, verdict, message, evidence, hint, TimeSpan.FromSeconds(1), null) { Kind = id.Split('.')[0], Code = CheckCode.Parse(code) };

    private static readonly string FailingReport = Report(
        new BackendRun("docker", null,
        [
            Result("probe.loopback-refused", "BBT0101", Verdict.Failed, "The agent's own 127.0.0.1 has nothing of the host behind it: Connected (bash: connected to 127.0.0.1:9)", "evidence: bash /dev/tcp connected to 127.0.0.1:9 in 3 ms"),
            Result("probe.proxy-reachable", "BBT0104", Verdict.Passed, "ok"),
        ]) { Label = "docker (Engine 20.10.24, API 1.41)" },
        new BackendRun("smolmachines", "no KVM", [Result("probe.loopback-refused", "BBT0101", Verdict.Skipped, "no KVM")]));

    internal static readonly string PassingReport = Report(new BackendRun("docker", null, [Result("probe.proxy-reachable", "BBT0104", Verdict.Passed, "ok")]));

    private static (T Task, RecordingBuildEngine Engine) Make<T>(FakeCli cli)
        where T : BottleCheckTask, new()
    {
        var engine = new RecordingBuildEngine();
        return (new T { BuildEngine = engine, CliPath = cli.Path, ReportDirectory = cli.ReportDirectory }, engine);
    }

    [Fact]
    public void A_failed_probe_is_one_error_with_its_stable_code_backend_and_evidence()
    {
        using var cli = new FakeCli(1, FailingReport, stdout: "probes: 1 passed, 1 failed\n");
        var (task, engine) = Make<RunBottleProbes>(cli);
        task.Probes = [new TaskItem("loopback-refused"), new TaskItem("proxy-reachable")];

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal("BBT0101", error.Code);
        Assert.StartsWith("docker probe.loopback-refused: The agent's own 127.0.0.1", error.Message, StringComparison.Ordinal);
        Assert.Contains("bash /dev/tcp connected to 127.0.0.1:9", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("probes.json", error.File, StringComparison.Ordinal);
        var failed = Assert.Single(task.FailedChecks);
        Assert.Equal(("probe.loopback-refused", "docker", "BBT0101", "probe"), (failed.ItemSpec, failed.GetMetadata("Backend"), failed.GetMetadata("Code"), failed.GetMetadata("Kind")));
        Assert.Equal("docker (Engine 20.10.24, API 1.41)", failed.GetMetadata("BackendLabel"));
        Assert.Equal(2, task.ReportFiles.Length);
        Assert.Contains(engine.Messages, m => m.Message == "probes: 1 passed, 1 failed, 1 skipped; reports in " + cli.ReportDirectory && m.Importance == MessageImportance.High);
        Assert.Equal(["probes", "--report-dir", cli.ReportDirectory, "--report-name", "probes", "--probe", "loopback-refused", "--probe", "proxy-reachable"], cli.Argv);
    }

    [Fact]
    public void A_probe_item_with_a_port_and_a_code_is_a_loopback_daemon_of_your_own()
    {
        using var cli = new FakeCli(0, PassingReport);
        var (task, engine) = Make<RunBottleProbes>(cli);
        var metrics = new TaskItem("metrics");
        metrics.SetMetadata("Port", "9200");
        metrics.SetMetadata("Code", "BBT0180");
        task.Probes = [new TaskItem("loopback-refused"), metrics];

        Assert.True(task.Execute(), engine.Log);

        Assert.Equal(["probes", "--report-dir", cli.ReportDirectory, "--report-name", "probes", "--probe", "loopback-refused", "--daemon", "metrics:9200:BBT0180"], cli.Argv);
    }

    [Theory]
    [InlineData("9200", "", "Port but no Code")]
    [InlineData("", "BBT0180", "Code but no Port")]
    public void A_probe_item_with_half_a_daemon_is_an_error_and_the_cli_never_runs(string port, string code, string missing)
    {
        using var cli = new FakeCli(0, PassingReport);
        var (task, engine) = Make<RunBottleProbes>(cli);
        var metrics = new TaskItem("metrics");
        metrics.SetMetadata("Port", port);
        metrics.SetMetadata("Code", code);
        task.Probes = [metrics];

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal("BBT0003", error.Code);
        Assert.StartsWith($"BottleProbe 'metrics' has {missing}: a loopback daemon of your own needs both", error.Message, StringComparison.Ordinal);
        Assert.False(cli.Ran);
    }

    [Fact]
    public void Backends_images_and_the_conformance_spec_become_cli_arguments()
    {
        using var cli = new FakeCli(0, PassingReport);
        var (task, engine) = Make<RunBottleConformance>(cli);
        task.Backends = "docker; smolmachines";
        task.AgentImage = "my/agent:1";
        task.BundleImage = "my/bundle:1";
        task.SpecFile = "/specs/my spec.yaml";
        task.IncludeProbes = false;

        Assert.True(task.Execute(), engine.Log);

        Assert.Equal(["conformance", "--report-dir", cli.ReportDirectory, "--report-name", "conformance", "--backend", "docker", "--backend", "smolmachines",
            "--agent-image", "my/agent:1", "--bundle-image", "my/bundle:1", "--spec", "/specs/my spec.yaml", "--no-probes"], cli.Argv);
        Assert.Empty(engine.Errors);
    }

    [Fact]
    public void Env_items_reach_the_cli_through_its_environment_never_its_command_line()
    {
        using var cli = new FakeCli(0, PassingReport);
        var (task, engine) = Make<RunBottleProbes>(cli);
        var token = new TaskItem("GITHUB_TOKEN");
        token.SetMetadata("Value", "ghp_not-for-logs-123");
        task.Env = [token];

        Assert.True(task.Execute(), engine.Log);

        Assert.Contains("BOTBOTTLE_BOTTLE_ENV_GITHUB_TOKEN=ghp_not-for-logs-123", cli.Env);
        Assert.DoesNotContain(cli.Argv, a => a.Contains("ghp_", StringComparison.Ordinal));
        Assert.DoesNotContain("ghp_", engine.Log, StringComparison.Ordinal);
    }

    [Fact]
    public void An_env_name_a_bottle_cannot_take_is_an_error_before_anything_runs()
    {
        using var cli = new FakeCli(0, PassingReport);
        var (task, engine) = Make<RunBottleProbes>(cli);
        task.Env = [new TaskItem("NOT VALID")];

        Assert.False(task.Execute());

        Assert.Equal("BBT0005", Assert.Single(engine.Errors).Code);
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(cli.Path)!, "argv")));
    }

    [Fact]
    public void Spec_errors_are_logged_at_their_file_line_and_column()
    {
        // The console says it for people; the JSON report, which the task reads, says it for the build.
        using var cli = new FakeCli(2, JsonReportWriter.BuildInvalidSpec("/specs/a.yaml", [new("/specs/a.yaml", 5, 5, "unknown key 'stdot' in a command"), new("/specs/a.yaml", 9, 13, "stdout is an empty pattern list")]),
            stderr: "console text the task does not parse\n");
        var (task, engine) = Make<RunBottleConformance>(cli);

        Assert.False(task.Execute());

        var errors = engine.Errors.ToList();
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Equal(("BBT0003", "/specs/a.yaml"), (e.Code, e.File)));
        Assert.Equal((5, 5, "unknown key 'stdot' in a command"), (errors[0].LineNumber, errors[0].ColumnNumber, errors[0].Message));
        Assert.Equal((9, 13), (errors[1].LineNumber, errors[1].ColumnNumber));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void When_no_backend_can_run_it_is_an_error_unless_skips_are_allowed(bool allow)
    {
        using var cli = new FakeCli(3, Report(new BackendRun("docker", "no docker engine answered (unix:///var/run/docker.sock did not answer)", [Result("probe.proxy-reachable", "BBT0104", Verdict.Skipped, "skipped")])),
            stdout: "console text the task does not parse\n");
        var (task, engine) = Make<RunBottleProbes>(cli);
        task.AllowSkippedBackends = allow;

        Assert.Equal(allow, task.Execute());

        var diagnostics = allow ? engine.Warnings.Select(w => (w.Code, w.Message)) : engine.Errors.Select(e => (e.Code, e.Message));
        var (code, message) = Assert.Single(diagnostics);
        Assert.Equal("BBT0004", code);
        Assert.Contains("docker: no docker engine answered", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cli_that_ends_without_a_report_is_an_error_naming_its_exit_and_output()
    {
        using var cli = new FakeCli(134, stderr: "Unhandled exception. System.Exception: boom\n");
        var (task, engine) = Make<RunBottleProbes>(cli);

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal("BBT0002", error.Code);
        Assert.Contains("exited 134", error.Message, StringComparison.Ordinal);
        Assert.Contains("boom", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_report_of_another_schema_version_is_refused_with_both_versions_named()
    {
        using var cli = new FakeCli(0, PassingReport.Replace("\"schemaVersion\": 2", "\"schemaVersion\": 3", StringComparison.Ordinal));
        var (task, engine) = Make<RunBottleProbes>(cli);

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal("BBT0002", error.Code);
        Assert.Contains("schema version 3; these tasks read version 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_cli_is_an_error_saying_where_it_was_looked_for()
    {
        var engine = new RecordingBuildEngine();
        var task = new RunBottleProbes { BuildEngine = engine, CliPath = "/nowhere/botbottle.dll", ReportDirectory = "/tmp/x" };

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal("BBT0001", error.Code);
        Assert.Contains("/nowhere/botbottle.dll", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_crash_without_a_report_is_one_error_without_stack_trace_or_leading_punctuation()
    {
        using var cli = new FakeCli(134, report: null, stderr: "'. Unhandled exception. System.InvalidOperationException: the engine said no\n   at BotBottle.Testing.Launch.Bottle.StartAsync()\n--- End of stack trace from previous location ---\n   at Program.<Main>$(String[] args)\n");
        var (task, engine) = Make<RunBottleProbes>(cli);

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Matches("^[A-Za-z]", error.Message);
        Assert.Contains("Unhandled exception. System.InvalidOperationException: the engine said no", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("End of stack trace", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_launch_is_one_error_and_its_evidence_carries_no_stack_trace()
    {
        var report = Report(new BackendRun("docker", null,
        [
            Result("bottle.launch", "BBT0207", Verdict.Failed, "the docker bottle failed to launch: docker bottle 'b' failed to launch at step 'prepare': image my/agent:1 is not in the docker engine at unix:///var/run/docker.sock: build or pull it", "   at BotBottle.Testing.Launch.BottleLauncher.LaunchAsync()\n--- End of stack trace from previous location ---"),
            Result("probe.loopback-refused", "BBT0101", Verdict.Skipped, "needs bottle.launch, which failed"),
        ]));
        using var cli = new FakeCli(1, report);
        var (task, engine) = Make<RunBottleProbes>(cli);

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal("BBT0207", error.Code);
        Assert.StartsWith("docker bottle.launch: the docker bottle failed to launch", error.Message, StringComparison.Ordinal);
        Assert.Contains("image my/agent:1 is not in the docker engine", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("End of stack trace", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(" at BotBottle", error.Message, StringComparison.Ordinal);
    }
}
