using BotBottle.Testing.Processes;
using BotBottle.Testing.Facts;
using BotBottle.Testing.Observers;
using BotBottle.Testing.Probes;

namespace BotBottle.Testing.Tests.Probes;

/// <summary>
/// An observer that could not finish (a refused freeze, a timeout) leaves only the steps that read it undecided: a
/// token in the engine's record of the container still fails the secret scan, an added capability still fails the
/// hardening review, and no escalation step is decided from what the observer did not see.
/// </summary>
public sealed class AgentFactStepsTests
{
    private const string Problem = "the engine refused to freeze bbt-x-agent (500: unable to freeze, 6 tries)";

    private static readonly Vantage Outside = new("agent (outside)", (_, _) => throw new NotSupportedException("decided from facts"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_observer_that_did_not_finish_leaves_the_engine_s_record_decided_and_the_escalation_steps_errors()
    {
        var reports = await ObserveAsync(Facts(complete: false));

        Assert.Equal(0, reports["secrets"].ExitCode);
        Assert.Contains("present: DEPLOY_NOTE", reports["secrets"].Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("ghp_", reports["secrets"].Stdout, StringComparison.Ordinal);
        Assert.Equal(0, reports["hardening"].ExitCode);
        Assert.Contains("present: capability NET_ADMIN is added back", reports["hardening"].Stdout, StringComparison.Ordinal);
        Assert.Equal(0, reports["sockets"].ExitCode);
        Assert.Contains("present: mount /var/run/docker.sock", reports["sockets"].Stdout, StringComparison.Ordinal);
        foreach (var id in new[] { "escalate", "escalation-control" })
        {
            Assert.Equal(1, reports[id].ExitCode);
            Assert.Equal(Problem, reports[id].Stderr);
            Assert.Equal("", reports[id].Stdout);
        }
    }

    [Fact]
    public async Task Control_the_same_facts_from_a_finished_observer_decide_the_escalation_steps()
    {
        var reports = await ObserveAsync(Facts(complete: true));

        Assert.Equal(0, reports["escalate"].ExitCode);
        Assert.EndsWith("permitted", reports["escalate"].Stdout, StringComparison.Ordinal);
        Assert.Contains("escalated: a root process runs in the agent: pid 7 (tamper-root)", reports["escalate"].Stdout, StringComparison.Ordinal);
        Assert.Equal(0, reports["escalation-control"].ExitCode);
        Assert.EndsWith("permitted", reports["escalation-control"].Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Facts_that_could_not_be_read_make_every_step_an_error()
    {
        var reports = await ObserveAsync(null);

        Assert.All(reports.Values, r => Assert.Equal(1, r.ExitCode));
        Assert.All(reports.Values, r => Assert.StartsWith("the facts could not be read: ", r.Stderr, StringComparison.Ordinal));
    }

    private static async Task<Dictionary<string, RawBatteryReport>> ObserveAsync(AgentFacts? facts)
    {
        IsolationStep[] steps =
        [
            new("secrets", Outside, new BotBottle.Testing.Probes.SecretScan([]), StepExpectation.Absent),
            new("hardening", Outside, new HardeningReview(), StepExpectation.Absent),
            new("sockets", Outside, new SocketScan(SocketScan.EngineSockets), StepExpectation.Absent),
            new("escalate", Outside, new EscalationAttempt(), StepExpectation.Denied),
            new("escalation-control", Outside, new EscalationAttempt(Control: true), StepExpectation.Permitted),
        ];
        var reports = await AgentFactSteps.ObserveAsync(new FixedObserver(facts), [], steps, Ct);
        return reports.ToDictionary(r => r.Id);
    }

    private static AgentFacts Facts(bool complete)
    {
        // What a finished observer adds; an unfinished one has none of it.
        var seen = complete;
        return new AgentFacts(
            "test facts",
            seen ? "docker-init, uid 0" : null,
            seen ? 1000 : null,
            NoNewPrivileges: true,
            Privileged: false,
            CapabilitiesAdded: ["CHOWN", "NET_ADMIN"],
            CapabilitiesDropped: ["ALL"],
            Mounts: ["/var/run/docker.sock → /var/run/docker.sock"],
            Environment: [new EnvEntry(BotBottle.Testing.Facts.SecretScan.ImageEnv, "DEPLOY_NOTE", "ghp_Zq7XbWm2VtR9kLp4NsYd8HcFgJ3eUa6QoT1i")],
            SetuidFiles: [],
            RootListeners: [],
            RootProcesses: seen ? ["pid 7 (tamper-root), uids 0,0,0,0, capabilities 0000000000000000"] : [],
            RootReach: [],
            EngineExecs: [],
            Hardening: new AgentContainerLimits(512, 1 << 30, 1_000_000_000, ["CHOWN"]),
            Complete: complete,
            Problem: complete ? null : Problem);
    }

    private sealed class FixedObserver(AgentFacts? facts) : IAgentObserver
    {
        public string ProberName => "no prober";

        public Task<BottleExecResult> ProbeAsync(string script, CancellationToken cancellationToken) => throw new NotSupportedException("no prober in this test");

        public Task<AgentFacts> ReadFactsAsync(CancellationToken cancellationToken) =>
            facts is null ? throw new InvalidOperationException("the engine is gone") : Task.FromResult(facts);
    }
}
