using BotBottle.Testing.Probes;
using BotBottle.Testing.Xunit;

namespace BotBottle.Testing.Tests.Adversarial;

/// <summary>
/// The rule of the verdict, tried as a hostile image author would: the subject (the agent image, the agent as node, a
/// root process in the agent) can make a check fail or be inconclusive, never pass. Each hostile bottle fails the check
/// that must catch it, with evidence from the harness's prober or from outside the agent; the reference bottle passes
/// the same catalogue (DockerIsolationCatalogueTests), so the checks can pass.
/// </summary>
[IsolationTest]
public sealed class HostileImageVerdictTests(VerdictImagesFixture fixture) : IClassFixture<VerdictImagesFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Shell_tools_that_lie_about_connections_do_not_hide_a_leaky_bundle()
    {
        var (bottle, targets) = await fixture.GetAsync(VerdictImagesFixture.LyingTools);
        var check = IsolationCatalogue.Build(bottle, targets).Single(c => c.Id == "bypass-egress-port");

        // Control: the image's tools do lie. The same probe run with them (as node, subject-reported) is told "refused".
        var told = await bottle.RunChecksAsync([check with { Probe = check.Probe with { Vantage = ProbeVantage.AgentItself(bottle) } }], cancellationToken: Ct);
        Assert.Equal(ProbeOutcome.Refused, told.Results[0].Probe.Outcome);
        Assert.True(told.Results[0].Probe.Step.Vantage.SubjectReported);

        var report = await bottle.RunChecksAsync([check], cancellationToken: Ct);
        var result = report.Results[0];
        TestContext.Current.TestOutputHelper?.WriteLine(result.Describe());
        Assert.Equal(CheckVerdict.Failed, result.Verdict);
        Assert.Equal(ProbeOutcome.Connected, result.Probe.Outcome);
        Assert.StartsWith("prober ", result.Probe.Tool, StringComparison.Ordinal);
        Assert.False(result.Probe.Step.Vantage.SubjectReported);
    }

    [Fact]
    public async Task A_root_service_the_agent_user_can_reach_fails_agent_not_root()
    {
        var (bottle, targets) = await fixture.GetAsync(VerdictImagesFixture.RootService);
        var result = (await bottle.RunChecksAsync(IsolationCatalogue.Build(bottle, targets).Where(c => c.Id == "agent-not-root"), cancellationToken: Ct)).Results[0];
        TestContext.Current.TestOutputHelper?.WriteLine(result.Describe());

        // Control: node really reaches it (the hole is real, not a misreading).
        var dial = await bottle.ExecAsync("bash -c 'exec 3<>/dev/tcp/127.0.0.1/7000 && echo connected'", cancellationToken: Ct);
        Assert.Contains("connected", dial.Stdout, StringComparison.Ordinal);

        Assert.Equal(CheckVerdict.Failed, result.Verdict);
        Assert.Contains("127.0.0.1:7000", result.Probe.Evidence, StringComparison.Ordinal);
        Assert.Equal(AgentFactSteps.Tool, result.Probe.Tool);
    }

    [Fact]
    public async Task A_setuid_root_shell_fails_agent_not_root()
    {
        var (bottle, targets) = await fixture.GetAsync(VerdictImagesFixture.SetuidShell);
        var result = (await bottle.RunChecksAsync(IsolationCatalogue.Build(bottle, targets).Where(c => c.Id == "agent-not-root"), cancellationToken: Ct)).Results[0];
        TestContext.Current.TestOutputHelper?.WriteLine(result.Describe());
        Assert.Equal(CheckVerdict.Failed, result.Verdict);
        Assert.Contains("/usr/local/bin/rootsh", result.Probe.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tampering_as_node_and_as_root_during_the_battery_never_makes_a_leaky_bottle_pass()
    {
        var (bottle, targets) = await fixture.GetAsync(VerdictImagesFixture.TamperedLeaky);
        var checks = IsolationCatalogue.Build(bottle, targets);

        // As node: stop every other process of node's, over and over, and overwrite anything the battery might leave in /tmp.
        await bottle.ExecAsync("setsid sh -c 'while :; do kill -STOP -1; for f in /tmp/*/*; do echo forged > \"$f\"; done; sleep 0.05; done' </dev/null >/dev/null 2>&1 &", cancellationToken: Ct);

        // As root: the same for every process in the agent, the exec channel's and any observer's included.
        // (It starts a second later, so the exec that starts it has answered first.)
        await bottle.ExecAsync("setsid sh -c 'sleep 1; while :; do kill -STOP -1; sleep 0.05; done' </dev/null >/dev/null 2>&1 &", GuestUsers.Root, Ct);
        await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);

        var report = await bottle.RunChecksAsync(checks, cancellationToken: Ct);
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        Assert.NotEqual(CheckVerdict.Passed, report["bypass-egress-port"].Verdict);

        // What the tamperer reaches (the subject's own view, the facts observer in its pid namespace) ends failed or
        // inconclusive; what it cannot reach (the prober) still tells the truth.
        Assert.NotEqual(CheckVerdict.Passed, report["agent-not-root"].Verdict);
        Assert.NotEqual(CheckVerdict.Passed, report["placeholder-secrets-only"].Verdict);
        Assert.Equal(CheckVerdict.Passed, report["direct-egress-blocked"].Verdict);
    }
}
