using BotBottle.Testing.Bottles;

namespace BotBottle.Testing.Probes;

/// <summary>
/// A probe about to be asserted: immutable, so one can be reused; every <c>Should…</c> runs the probe
/// and its controls in one battery and throws <see cref="IsolationAssertionException"/> with the
/// evidence when the bottle does not answer as a correctly isolated bottle would.
/// </summary>
public sealed record IsolationAssertion
{
    // One vantage object per side, so the probe and all its controls there share one exec.
    private readonly Vantage _agent;
    private readonly Vantage _bundle;

    internal IsolationAssertion(IBottle bottle, StepAction action)
    {
        Bottle = bottle;
        Action = action;
        _agent = Vantage.Agent(bottle);
        _bundle = Vantage.Bundle(bottle);
        Vantage = _agent;
    }

    /// <summary>The bottle under test.</summary>
    public IBottle Bottle { get; }

    /// <summary>What the probe does.</summary>
    public StepAction Action { get; }

    /// <summary>Where it runs (the agent by default).</summary>
    public Vantage Vantage { get; init; }

    /// <summary>Controls run in the same battery.</summary>
    public IReadOnlyList<IsolationStep> Controls { get; init; } = [];

    /// <summary>The in-guest tool.</summary>
    public NetworkTool Tool { get; init; } = NetworkTool.Auto;

    /// <summary>
    /// The limit of a step a correct bottle answers with silence (a timeout passes there); steps
    /// that must get an answer get at least <see cref="AnswerTimeout"/>.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The least limit of a step that must get an answer (it ends as soon as the answer comes).</summary>
    public TimeSpan AnswerTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Runs the probe from the bundle (as root) instead of the agent.</summary>
    public IsolationAssertion FromBundle() => this with { Vantage = _bundle };

    /// <summary>Runs the probe from <paramref name="vantage"/>.</summary>
    public IsolationAssertion From(Vantage vantage) => this with { Vantage = vantage ?? throw new ArgumentNullException(nameof(vantage)) };

    /// <summary>Adds a control run from the agent.</summary>
    public IsolationAssertion WithControl(StepAction action, StepExpectation expected) => WithControl(action, expected, _agent);

    /// <summary>Adds a control run from the bundle (as root).</summary>
    public IsolationAssertion WithBundleControl(StepAction action, StepExpectation expected) => WithControl(action, expected, _bundle);

    /// <summary>Adds a control run from <paramref name="vantage"/>.</summary>
    public IsolationAssertion WithControl(StepAction action, StepExpectation expected, Vantage vantage) =>
        this with { Controls = [.. Controls, new IsolationStep($"control-{Controls.Count + 1}", vantage, action, expected) { Timeout = LimitFor(expected) }] };

    /// <summary>Uses one in-guest tool only.</summary>
    public IsolationAssertion Using(NetworkTool tool) => this with { Tool = tool };

    /// <summary>Sets the probe's limit.</summary>
    public IsolationAssertion WithTimeout(TimeSpan timeout) => this with { Timeout = timeout };

    /// <summary>Asserts the probe connects.</summary>
    public Task<IsolationResult> ShouldConnect(CancellationToken cancellationToken = default) => Should(StepExpectation.Connected, cancellationToken);

    /// <summary>Asserts the probe is refused (reachable, nothing listening).</summary>
    public Task<IsolationResult> ShouldBeRefused(CancellationToken cancellationToken = default) => Should(StepExpectation.Refused, cancellationToken);

    /// <summary>Asserts the probe does not connect (refused, unroutable or silent).</summary>
    public Task<IsolationResult> ShouldBeBlocked(CancellationToken cancellationToken = default) => Should(StepExpectation.Blocked, cancellationToken);

    /// <summary>Asserts the target is not even routed to (no refusal comes back).</summary>
    public Task<IsolationResult> ShouldNotBeRouted(CancellationToken cancellationToken = default) => Should(StepExpectation.NotRouted, cancellationToken);

    /// <summary>Asserts the proxy forwards the request.</summary>
    public Task<IsolationResult> ShouldBeAllowedByProxy(CancellationToken cancellationToken = default) => Should(StepExpectation.ProxyAllowed, cancellationToken);

    /// <summary>Asserts the proxy itself denies the request.</summary>
    public Task<IsolationResult> ShouldBeDeniedByProxy(CancellationToken cancellationToken = default) => Should(StepExpectation.ProxyDenied, cancellationToken);

    /// <summary>Asserts the name resolves.</summary>
    public Task<IsolationResult> ShouldResolve(CancellationToken cancellationToken = default) => Should(StepExpectation.Resolves, cancellationToken);

    /// <summary>Asserts the name does not resolve.</summary>
    public Task<IsolationResult> ShouldNotResolve(CancellationToken cancellationToken = default) => Should(StepExpectation.DoesNotResolve, cancellationToken);

    /// <summary>Asserts what the probe looks for is absent.</summary>
    public Task<IsolationResult> ShouldBeAbsent(CancellationToken cancellationToken = default) => Should(StepExpectation.Absent, cancellationToken);

    /// <summary>Asserts the attempt is denied.</summary>
    public Task<IsolationResult> ShouldBeDenied(CancellationToken cancellationToken = default) => Should(StepExpectation.Denied, cancellationToken);

    /// <summary>Runs the probe with its controls and asserts <paramref name="expected"/>.</summary>
    public async Task<IsolationResult> Should(StepExpectation expected, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var probe = new IsolationStep("probe", Vantage, Action, expected) { Timeout = LimitFor(expected) };
        var check = new IsolationCheck(Action.Describe(), $"{Vantage.Name}: {Action.Describe()} — {expected.Answer}", probe, Controls);
        var report = await IsolationBattery.RunAsync([check], Tool, cancellationToken).ConfigureAwait(false);
        var result = report.Results[0];
        if (!result.Passed)
        {
            throw new IsolationAssertionException(result.Describe() + Tools(report));
        }

        return result;
    }

    private TimeSpan LimitFor(StepExpectation expected) =>
        expected.Accepts(StepOutcome.TimedOut) || Timeout > AnswerTimeout ? Timeout : AnswerTimeout;

    internal static string Tools(IsolationReport report) =>
        string.Concat(report.Tools.Select(t => $"  tools at {t.Key}: {t.Value}\n"));
}
