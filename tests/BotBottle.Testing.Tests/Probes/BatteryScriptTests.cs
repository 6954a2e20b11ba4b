using System.Net;
using System.Net.Sockets;
using BotBottle.Testing.Probes;
using CliWrap;
using CliWrap.Buffered;
using BotBottle.Testing.Processes;

namespace BotBottle.Testing.Tests.Probes;

/// <summary>
/// The battery script itself, run by the host's own /bin/sh against listeners this test opens on
/// the host's loopback: no container needed to see the shell's JSON lines, concurrency and limits.
/// </summary>
public sealed class BatteryScriptTests
{
    private static readonly Vantage Host = new("host", RunOnHostAsync, isSubject: true);

    [Fact]
    public async Task Every_step_reports_one_json_line_with_tool_exit_code_time_and_output()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var open = ((IPEndPoint)listener.LocalEndpoint).Port;
        var closed = ClosedPort();
        var check = new IsolationCheck("loop", "loop", new IsolationStep("closed", Host, Probe.Tcp("127.0.0.1", closed), StepExpectation.Refused),
            [new IsolationStep("open", Host, Probe.Tcp("127.0.0.1", open), StepExpectation.Connected)]);

        var report = await IsolationBattery.RunAsync([check], cancellationToken: TestContext.Current.CancellationToken);

        var result = report["loop"];
        Assert.True(result.Passed, result.Describe());
        Assert.Contains("bash=", report.Tools["host"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Steps_run_concurrently_each_under_its_own_limit()
    {
        // A tool that hangs (bash's dial replaced by a sleep): three such steps, each with a 2 s limit,
        // finish together, not one after another.
        var hanging = new Vantage("host", (script, ct) => RunOnHostAsync(script.Replace("bbt_tcp_bash() {", "bbt_tcp_bash() { exec sleep 30; }\nbbt_real_tcp_bash() {", StringComparison.Ordinal), ct), isSubject: true);
        var steps = Enumerable.Range(1, 3).Select(i => new IsolationStep($"hang-{i}", hanging, Probe.Tcp("127.0.0.1", 9), StepExpectation.Of("times out", StepOutcome.TimedOut)) { Timeout = TimeSpan.FromSeconds(2) }).ToList();
        var report = await IsolationBattery.RunAsync([new IsolationCheck("hang", "hang", steps[0], steps[1..])], cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(report["hang"].Passed, report["hang"].Describe());
        Assert.True(report.Elapsed < TimeSpan.FromSeconds(5), $"three 2 s steps took {report.Elapsed}");
    }

    [Fact]
    public async Task Secret_scan_names_real_looking_credentials_but_never_prints_their_values()
    {
        var value = "ghp_" + new string('a', 36);
        var vantage = new Vantage("host", (script, ct) => RunOnHostAsync(script, ct, ("GITHUB_TOKEN", value), ("CLAUDE_CODE_OAUTH_TOKEN", GuestEnvironment.PlaceholderToken)), isSubject: true);
        var scan = new IsolationStep("secrets", vantage, new SecretScan([GuestEnvironment.PlaceholderToken]), StepExpectation.Absent);
        var report = await IsolationBattery.RunAsync([new IsolationCheck("secrets", "secrets", scan, [])], cancellationToken: TestContext.Current.CancellationToken);

        var probe = report["secrets"].Probe;
        Assert.Equal(StepOutcome.Present, probe.Outcome);
        Assert.Contains("GITHUB_TOKEN", probe.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("CLAUDE_CODE_OAUTH_TOKEN", probe.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(value, probe.Stdout + probe.Stderr + report["secrets"].Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Step_ids_that_could_escape_the_script_are_rejected()
    {
        var step = new IsolationStep("x; rm -rf /", Host, Probe.Tcp("127.0.0.1", 1), StepExpectation.Refused);
        Assert.Throws<ArgumentException>(() => BatteryScript.Build([step]));
    }

    [Fact]
    public void Arguments_are_quoted_so_a_hostile_host_name_stays_one_argument()
    {
        var script = BatteryScript.Build([new IsolationStep("dns", Host, Probe.Resolve("a'b; touch /tmp/x"), StepExpectation.DoesNotResolve)]);
        Assert.Contains("bbt_probe dns 3 dns 'a'\"'\"'b; touch /tmp/x' &", script, StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task<BottleExecResult> RunOnHostAsync(string script, CancellationToken cancellationToken) => await RunOnHostAsync(script, cancellationToken, []);

    private static async Task<BottleExecResult> RunOnHostAsync(string script, CancellationToken cancellationToken, params (string Key, string Value)[] env)
    {
        var result = await Cli.Wrap("/bin/sh").WithArguments(["-c", script]).WithValidation(CommandResultValidation.None)
            .WithEnvironmentVariables(e => { foreach (var (k, v) in env) { e.Set(k, v); } })
            .ExecuteBufferedAsync(cancellationToken);
        return new BottleExecResult(result.ExitCode, result.StandardOutput, result.StandardError, result.RunTime);
    }
}
