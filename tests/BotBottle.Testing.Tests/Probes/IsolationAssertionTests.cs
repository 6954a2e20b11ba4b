using BotBottle.Testing.Probes;
using BotBottle.Testing.Xunit;

namespace BotBottle.Testing.Tests.Probes;

/// <summary>The fluent assertions against a real bottle: what passes, and what a failure tells the user.</summary>
[BottleBackend("docker")]
[IsolationTest]
public sealed class IsolationAssertionTests(DockerBottleFixture fixture) : IClassFixture<DockerBottleFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_refused_loopback_with_a_connecting_control_passes_and_keeps_its_evidence()
    {
        var bottle = fixture.Bottle;
        var result = await bottle.Probe(Probe.Tcp("127.0.0.1", 9))
            .WithControl(Probe.Tcp(bottle.Bundle.Address, bottle.Bundle.ProxyPort), StepExpectation.Connected)
            .ShouldBeRefused(Ct);

        Assert.Equal(StepOutcome.Refused, result.Probe.Outcome);
        Assert.Equal("prober bash", result.Probe.Tool);   // the harness's prober, never the image's tool
        Assert.Contains("Connection refused", result.Probe.Reason, StringComparison.Ordinal);
        Assert.Equal(StepOutcome.Connected, Assert.Single(result.Controls).Outcome);
    }

    [Fact]
    public async Task A_wrong_expectation_fails_with_outcome_evidence_control_and_the_correct_answer()
    {
        var bottle = fixture.Bottle;
        var failure = await Assert.ThrowsAsync<IsolationAssertionException>(() => bottle.Probe(Probe.Tcp(bottle.Bundle.Address, bottle.Bundle.ProxyPort))
            .WithControl(Probe.Tcp("127.0.0.1", 9), StepExpectation.Refused)
            .ShouldBeBlocked(Ct));

        Assert.Contains("FAILED", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"tcp {bottle.Bundle.Address}:{bottle.Bundle.ProxyPort} → Connected (prober bash, rc 0", failure.Message, StringComparison.Ordinal);
        Assert.Contains("expected: the connection is refused, unroutable or times out (Refused|Unreachable|TimedOut|Denied)", failure.Message, StringComparison.Ordinal);
        Assert.Contains("ok   agent: tcp 127.0.0.1:9 → Refused", failure.Message, StringComparison.Ordinal);
        Assert.Contains("tools at agent: bash=bash", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_control_makes_the_check_inconclusive_even_when_the_probe_looks_right()
    {
        var bottle = fixture.Bottle;
        var failure = await Assert.ThrowsAsync<IsolationAssertionException>(() => bottle.Probe(Probe.Tcp("127.0.0.1", 9))
            .WithControl(Probe.Tcp("127.0.0.1", 10), StepExpectation.Connected)
            .ShouldBeRefused(Ct));

        Assert.Contains("INCONCLUSIVE", failure.Message, StringComparison.Ordinal);
        Assert.Contains("FAIL agent: tcp 127.0.0.1:10 → Refused", failure.Message, StringComparison.Ordinal);
        Assert.Contains("expected the connection is established (Connected)", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probes_run_from_the_bundle_too_and_a_forced_tool_is_used()
    {
        var bottle = fixture.Bottle;
        var result = await bottle.Probe(Probe.Tcp("127.0.0.1", 9099)).FromBundle().ShouldConnect(Ct);
        Assert.Equal(StepOutcome.Connected, result.Probe.Outcome);

        var viaNc = await bottle.Probe(Probe.Tcp("127.0.0.1", 9)).Using(NetworkTool.Nc).ShouldBeRefused(Ct);
        Assert.Equal("prober nc", viaNc.Probe.Tool);
        Assert.Contains("nc: connect to 127.0.0.1 port 9 (tcp) failed: Connection refused", viaNc.Probe.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_step_that_outlives_its_limit_is_timed_out_at_the_limit()
    {
        var bottle = fixture.Bottle;

        // An address of the bottle network that no member holds (the gateway, which the bridge does not hold, or the
        // subnet's last host address; members are allocated from the bottom): the ARP request goes unanswered, nothing
        // answers within the limit.
        var engine = await EngineProvider.For().GetAsync(Ct);
        var network = await EngineNetwork.InspectAsync(engine, bottle.Bundle.NetworkName, Ct);
        var silent = Range.ProbeRange.BottleGateway(network.Subnets) ?? throw new InvalidOperationException("the bottle network has no IPv4 subnet");
        var result = await bottle.Probe(Probe.Tcp(silent, 9)).WithTimeout(TimeSpan.FromSeconds(1)).ShouldBeBlocked(Ct);
        Assert.Equal(StepOutcome.TimedOut, result.Probe.Outcome);
        Assert.True(result.Probe.Duration < TimeSpan.FromSeconds(3), $"took {result.Probe.Duration}");
    }
}
