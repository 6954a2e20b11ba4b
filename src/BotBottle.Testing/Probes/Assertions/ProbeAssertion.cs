using BotBottle.Testing.Bottles;

namespace BotBottle.Testing.Probes;

/// <summary>
/// A probe about to be asserted: immutable, so one can be reused; every <c>Should…</c> runs the probe
/// and its controls in one battery and throws <see cref="IsolationAssertionException"/> with the
/// evidence when the bottle does not answer as a correctly isolated bottle would.
/// </summary>
public sealed record ProbeAssertion
{
    // One vantage object per side, so the probe and all its controls there share one exec.
    private readonly ProbeVantage _agent;
    private readonly ProbeVantage _bundle;

    internal ProbeAssertion(IBottle bottle, ProbeAction action)
    {
        Bottle = bottle;
        Action = action;
        _agent = ProbeVantage.Agent(bottle);
        _bundle = ProbeVantage.Bundle(bottle);
        Vantage = _agent;
    }

    /// <summary>The bottle under test.</summary>
    public IBottle Bottle { get; }

    /// <summary>What the probe does.</summary>
    public ProbeAction Action { get; }

    /// <summary>Where it runs (the agent by default).</summary>
    public ProbeVantage Vantage { get; init; }

    /// <summary>Controls run in the same battery.</summary>
    public IReadOnlyList<ProbeStep> Controls { get; init; } = [];

    /// <summary>The in-guest tool.</summary>
    public ProbeTool Tool { get; init; } = ProbeTool.Auto;

    /// <summary>
    /// The limit of a step a correct bottle answers with silence (a timeout passes there); steps
    /// that must get an answer get at least <see cref="AnswerTimeout"/>.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The least limit of a step that must get an answer (it ends as soon as the answer comes).</summary>
    public TimeSpan AnswerTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Runs the probe from the bundle (as root) instead of the agent.</summary>
    public ProbeAssertion FromBundle() => this with { Vantage = _bundle };

    /// <summary>Runs the probe from <paramref name="vantage"/>.</summary>
    public ProbeAssertion From(ProbeVantage vantage) => this with { Vantage = vantage ?? throw new ArgumentNullException(nameof(vantage)) };

    /// <summary>Adds a control run from the agent.</summary>
    public ProbeAssertion WithControl(ProbeAction action, ProbeExpectation expected) => WithControl(action, expected, _agent);

    /// <summary>Adds a control run from the bundle (as root).</summary>
    public ProbeAssertion WithBundleControl(ProbeAction action, ProbeExpectation expected) => WithControl(action, expected, _bundle);

    /// <summary>Adds a control run from <paramref name="vantage"/>.</summary>
    public ProbeAssertion WithControl(ProbeAction action, ProbeExpectation expected, ProbeVantage vantage) =>
        this with { Controls = [.. Controls, new ProbeStep($"control-{Controls.Count + 1}", vantage, action, expected) { Timeout = LimitFor(expected) }] };

    /// <summary>Uses one in-guest tool only.</summary>
    public ProbeAssertion Using(ProbeTool tool) => this with { Tool = tool };

    /// <summary>Sets the probe's limit.</summary>
    public ProbeAssertion WithTimeout(TimeSpan timeout) => this with { Timeout = timeout };

    /// <summary>Asserts the probe connects.</summary>
    public Task<ProbeResult> ShouldConnect(CancellationToken cancellationToken = default) => Should(ProbeExpectation.Connected, cancellationToken);

    /// <summary>Asserts the probe is refused (reachable, nothing listening).</summary>
    public Task<ProbeResult> ShouldBeRefused(CancellationToken cancellationToken = default) => Should(ProbeExpectation.Refused, cancellationToken);

    /// <summary>Asserts the probe does not connect (refused, unroutable or silent).</summary>
    public Task<ProbeResult> ShouldBeBlocked(CancellationToken cancellationToken = default) => Should(ProbeExpectation.Blocked, cancellationToken);

    /// <summary>Asserts the target is not even routed to (no refusal comes back).</summary>
    public Task<ProbeResult> ShouldNotBeRouted(CancellationToken cancellationToken = default) => Should(ProbeExpectation.NotRouted, cancellationToken);

    /// <summary>Asserts the proxy forwards the request.</summary>
    public Task<ProbeResult> ShouldBeAllowedByProxy(CancellationToken cancellationToken = default) => Should(ProbeExpectation.ProxyAllowed, cancellationToken);

    /// <summary>Asserts the proxy itself denies the request.</summary>
    public Task<ProbeResult> ShouldBeDeniedByProxy(CancellationToken cancellationToken = default) => Should(ProbeExpectation.ProxyDenied, cancellationToken);

    /// <summary>Asserts the name resolves.</summary>
    public Task<ProbeResult> ShouldResolve(CancellationToken cancellationToken = default) => Should(ProbeExpectation.Resolves, cancellationToken);

    /// <summary>Asserts the name does not resolve.</summary>
    public Task<ProbeResult> ShouldNotResolve(CancellationToken cancellationToken = default) => Should(ProbeExpectation.DoesNotResolve, cancellationToken);

    /// <summary>Asserts what the probe looks for is absent.</summary>
    public Task<ProbeResult> ShouldBeAbsent(CancellationToken cancellationToken = default) => Should(ProbeExpectation.Absent, cancellationToken);

    /// <summary>Asserts the attempt is denied.</summary>
    public Task<ProbeResult> ShouldBeDenied(CancellationToken cancellationToken = default) => Should(ProbeExpectation.Denied, cancellationToken);

    /// <summary>Runs the probe with its controls and asserts <paramref name="expected"/>.</summary>
    public async Task<ProbeResult> Should(ProbeExpectation expected, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var probe = new ProbeStep("probe", Vantage, Action, expected) { Timeout = LimitFor(expected) };
        var check = new IsolationCheck(Action.Describe(), $"{Vantage.Name}: {Action.Describe()} — {expected.Answer}", probe, Controls);
        var report = await ProbeBattery.RunAsync([check], Tool, cancellationToken).ConfigureAwait(false);
        var result = report.Results[0];
        if (!result.Passed)
        {
            throw new IsolationAssertionException(result.Describe() + Tools(report));
        }

        return result;
    }

    private TimeSpan LimitFor(ProbeExpectation expected) =>
        expected.Accepts(ProbeOutcome.TimedOut) || Timeout > AnswerTimeout ? Timeout : AnswerTimeout;

    internal static string Tools(ProbeReport report) =>
        string.Concat(report.Tools.Select(t => $"  tools at {t.Key}: {t.Value}\n"));
}
