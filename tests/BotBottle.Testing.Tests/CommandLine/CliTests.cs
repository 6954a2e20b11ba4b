using System.Text;
using BotBottle.Testing.Tests.Support;
using CliWrap;

namespace BotBottle.Testing.Tests.CommandLine;

/// <summary>The <c>botbottle</c> tool's command line, run as a user runs it (<c>dotnet botbottle.dll …</c>), in an empty folder.</summary>
public sealed class CliTests : IDisposable
{
    private readonly DirectoryInfo _cwd = Directory.CreateTempSubdirectory("bbt-cli-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(int Exit, string Stdout, string Stderr)> RunAsync(IReadOnlyList<string> args, IReadOnlyDictionary<string, string?>? env = null)
    {
        Assert.True(File.Exists(RepositoryLayout.CliDll), "build the CLI first: " + RepositoryLayout.CliDll);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var result = await RepositoryLayout.Cli(args)
            .WithWorkingDirectory(_cwd.FullName)
            .WithEnvironmentVariables(env ?? new Dictionary<string, string?>())
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(stdout))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
            .ExecuteAsync(Ct);
        return (result.ExitCode, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("")]
    public async Task Help_goes_to_stdout_with_exit_0_names_every_command_and_no_arguments_runs_nothing(string arg)
    {
        var (exit, stdout, stderr) = await RunAsync(arg.Length == 0 ? [] : [arg]);

        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        foreach (var command in (string[])["conformance", "probes", "prerequisites", "images", "doctor"])
        {
            Assert.Matches($"(?m)^  {command} ", stdout);
        }

        Assert.Empty(_cwd.EnumerateFileSystemInfos());   // nothing ran: no reports written
    }

    [Fact]
    public async Task Version_prints_the_assembly_version()
    {
        var (exit, stdout, _) = await RunAsync(["--version"]);

        Assert.Equal(0, exit);
        Assert.Matches(@"^\d+\.\d+\.\d+", stdout.Trim());
    }

    [Theory]
    [InlineData("unknown backend 'dokcer'", "probes", "--backend", "dokcer")]
    [InlineData("unknown backend 'dokcer'", "conformance", "--backend", "docker", "--backend", "dokcer")]
    [InlineData("needs an engine address", "conformance", "--backend", "docker@")]
    [InlineData("unknown command or argument '--bogus'", "conformance", "--bogus")]
    [InlineData("unknown command or argument 'frob'", "frob")]
    [InlineData("--env needs K=V, not 'X'", "conformance", "--env", "X")]
    [InlineData("--report-dir", "probes", "--report-dir")]
    [InlineData("--daemon: a loopback daemon is NAME:PORT:CODE (e.g. metrics:9200:BBT0180), not 'metrics'", "probes", "--daemon", "metrics")]
    [InlineData("--daemon: loopback daemon 'metrics' has code 'BBT0101'; a daemon of your own takes one of BBT0180", "probes", "--daemon", "metrics:9200:BBT0101")]
    [InlineData("--daemon: loopback daemon name 'a b' must be letters", "probes", "--daemon", "a b:9200:BBT0180")]
    [InlineData("--daemon: loopback daemon 'metrics' has port 0; a TCP port is 1 to 65535", "probes", "--daemon", "metrics:0:BBT0180")]
    [InlineData("'sometimes' not recognized", "images", "--build", "sometimes")]
    [InlineData("Option '--backend' is required", "doctor")]
    [InlineData("Argument 'docker' not recognized", "doctor", "--backend", "docker")]
    public async Task Every_usage_error_exits_2_with_one_clear_line_and_runs_nothing(string expected, params string[] args)
    {
        var (exit, stdout, stderr) = await RunAsync(args);

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("botbottle: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Empty(_cwd.EnumerateFileSystemInfos());
    }

    [Fact]
    public async Task In_github_actions_the_markdown_report_is_appended_to_the_step_summary()
    {
        // smolmachines cannot run on this machine (no KVM) or is skipped: the run writes its reports and exits 3,
        // and the Markdown report is still what a person reads in the job's summary.
        var summary = Path.Combine(_cwd.FullName, "summary.md");
        await File.WriteAllTextAsync(summary, "earlier step\n", Ct);
        var env = new Dictionary<string, string?> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_STEP_SUMMARY"] = summary, ["BOTBOTTLE_REQUIRE"] = null, ["PATH"] = "/usr/bin:/bin" };

        var (exit, stdout, _) = await RunAsync(["probes", "--backend", "smolmachines", "--probe", "loopback-refused", "--report-dir", "out"], env);

        Assert.True(exit is 0 or 1 or 3, $"exit {exit}: {stdout}");
        var markdown = await File.ReadAllTextAsync(Path.Combine(_cwd.FullName, "out", "probes.md"), Ct);
        Assert.Equal("earlier step\n" + markdown + "\n", await File.ReadAllTextAsync(summary, Ct));
        Assert.Contains("smolmachines", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_daemon_declared_on_the_command_line_adds_its_bypass_check_with_the_code_it_declares()
    {
        var env = new Dictionary<string, string?> { ["BOTBOTTLE_REQUIRE"] = null, ["PATH"] = "/usr/bin:/bin" };

        var (exit, stdout, _) = await RunAsync(["probes", "--backend", "smolmachines", "--probe", "loopback-refused", "--daemon", "metrics:9200:BBT0180", "--report-dir", "out"], env);

        Assert.True(exit is 3, $"exit {exit} (smolmachines cannot run without smolvm on PATH): {stdout}");
        Assert.Contains("spec isolation-probes (2 checks)", stdout, StringComparison.Ordinal);
        using var report = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_cwd.FullName, "out", "probes.json"), Ct));
        var results = report.RootElement.GetProperty("backends")[0].GetProperty("results").EnumerateArray()
            .Select(r => $"{r.GetProperty("id").GetString()} {r.GetProperty("code").GetString()}").ToList();
        Assert.Equal(["bottle.launch BBT0207", "probe.loopback-refused BBT0101", "probe.bypass-metrics-port BBT0180"], results);

        var (_, help, _) = await RunAsync(["probes", "--help"]);
        Assert.Contains("--daemon <NAME:PORT:CODE>", help, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("code BBT0180 is declared by bypass-metrics-port and bypass-admin-port", "metrics:9200:BBT0180", "admin:9300:BBT0180")]
    [InlineData("loopback daemon 'metrics' is declared twice", "metrics:9200:BBT0180", "metrics:9300:BBT0181")]
    public async Task Two_daemons_of_one_code_or_name_on_the_command_line_are_refused_and_nothing_runs(string expected, string first, string second)
    {
        var (exit, stdout, stderr) = await RunAsync(["probes", "--backend", "docker", "--daemon", first, "--daemon", second, "--report-dir", "out"]);

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Equal(expected + "\n", stderr);
    }

    [Fact]
    public async Task Outside_github_actions_no_summary_is_written()
    {
        var summary = Path.Combine(_cwd.FullName, "summary.md");
        var env = new Dictionary<string, string?> { ["GITHUB_ACTIONS"] = null, ["GITHUB_STEP_SUMMARY"] = summary, ["BOTBOTTLE_REQUIRE"] = null, ["PATH"] = "/usr/bin:/bin" };

        await RunAsync(["probes", "--backend", "smolmachines", "--probe", "loopback-refused", "--report-dir", "out"], env);

        Assert.True(File.Exists(Path.Combine(_cwd.FullName, "out", "probes.md")));
        Assert.False(File.Exists(summary));
    }

    public void Dispose() => _cwd.Delete(recursive: true);
}
