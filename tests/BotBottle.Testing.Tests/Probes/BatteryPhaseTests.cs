using BotBottle.Testing.Processes;
using BotBottle.Testing.Probes;

namespace BotBottle.Testing.Tests.Probes;

/// <summary>
/// A read that freezes the agent never overlaps a battery that runs in the agent: frozen, its steps would stall while
/// their clocks ran (a dial's three seconds spent frozen reads as a timeout; a lookup sent after the bundle stopped
/// waiting for it reads as a query that went elsewhere). Measured on CI: a facts read of 8.9 s under load froze the
/// agent's own lookup past the 8 s the bundle watched its resolver's log, and dns-stays-in-the-bottle was inconclusive.
/// </summary>
public sealed class BatteryPhaseTests
{
    private static readonly TimeSpan Busy = TimeSpan.FromMilliseconds(400);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_freezing_read_starts_only_when_the_battery_in_the_agent_has_ended()
    {
        var log = new Timeline();
        var inAgent = log.ScriptVantage("agent", runsInAgent: true);
        var facts = log.FreezingVantage();

        await RunAsync(inAgent, facts);

        Assert.True(log.Start("agent (outside)") >= log.End("agent"), log.ToString());
    }

    [Fact]
    public async Task Control_with_nothing_in_the_agent_the_freezing_read_runs_beside_the_prober_and_the_bundle()
    {
        var log = new Timeline();
        var prober = log.ScriptVantage("prober", runsInAgent: false);
        var facts = log.FreezingVantage();

        await RunAsync(prober, facts);

        Assert.True(log.Start("agent (outside)") < log.End("prober"), log.ToString());
    }

    [Fact]
    public async Task Control_the_freezing_read_still_runs_before_what_observes_the_whole_battery()
    {
        var log = new Timeline();
        var inAgent = log.ScriptVantage("agent", runsInAgent: true);
        var facts = log.FreezingVantage();
        var wire = log.LastVantage();

        await RunAsync(inAgent, facts, wire);

        Assert.True(log.Start("wire") >= log.End("agent (outside)"), log.ToString());
    }

    private static Task<IsolationReport> RunAsync(params Vantage[] vantages)
    {
        var steps = vantages.Select((v, i) => new IsolationStep("step-" + i, v, Probe.Tcp("127.0.0.1", 9), StepExpectation.Refused)).ToList();
        return IsolationBattery.RunAsync([new IsolationCheck("phases", "phases", steps[0], steps[1..])], cancellationToken: Ct);
    }

    /// <summary>When each vantage began and ended, on one clock.</summary>
    private sealed class Timeline
    {
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (TimeSpan Start, TimeSpan End)> _spans = new();

        public TimeSpan Start(string name) => _spans[name].Start;

        public TimeSpan End(string name) => _spans[name].End;

        public Vantage ScriptVantage(string name, bool runsInAgent) => new(name, async (_, ct) =>
        {
            await BusyAsync(name, ct);
            return new BottleExecResult(0, "", "", Busy);
        })
        {
            RunsInAgent = runsInAgent,
        };

        public Vantage FreezingVantage() => new("agent (outside)", Observing("agent (outside)"), "a test observer") { FreezesAgent = true };

        public Vantage LastVantage() => new("wire", Observing("wire"), "a test witness") { RunsLast = true };

        public override string ToString() => string.Join("; ", _spans.Select(s => $"{s.Key} {s.Value.Start.TotalMilliseconds:0}–{s.Value.End.TotalMilliseconds:0} ms"));

        private Func<IReadOnlyList<IsolationStep>, CancellationToken, Task<IReadOnlyList<RawBatteryReport>>> Observing(string name) => async (steps, ct) =>
        {
            await BusyAsync(name, ct);
            return steps.Select(s => new RawBatteryReport(s.Id, "test", 1, Busy, s.Timeout, "", "not a real step")).ToList();
        };

        private async Task BusyAsync(string name, CancellationToken cancellationToken)
        {
            var start = _clock.Elapsed;
            await Task.Delay(Busy, cancellationToken);
            _spans[name] = (start, _clock.Elapsed);
        }
    }
}
