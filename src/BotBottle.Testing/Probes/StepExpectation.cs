namespace BotBottle.Testing.Probes;

/// <summary>The outcomes a step accepts, and how a correctly isolated bottle answers in words.</summary>
/// <param name="Accepted">Outcomes that count as a pass.</param>
/// <param name="Answer">What a correct bottle answers, for failure messages.</param>
public sealed record StepExpectation(IReadOnlySet<StepOutcome> Accepted, string Answer)
{
    /// <summary>Must connect.</summary>
    public static StepExpectation Connected { get; } = Of("the connection is established", StepOutcome.Connected);

    /// <summary>Must be refused: the address is reachable and nothing listens there.</summary>
    public static StepExpectation Refused { get; } = Of("the connection is refused (reachable address, nothing listening)", StepOutcome.Refused);

    /// <summary>Must not connect, however it is stopped.</summary>
    public static StepExpectation Blocked { get; } = Of("the connection is refused, unroutable or times out", StepOutcome.Refused, StepOutcome.Unreachable, StepOutcome.TimedOut, StepOutcome.Denied);

    /// <summary>Must not even reach the host: a refusal would mean packets got there.</summary>
    public static StepExpectation NotRouted { get; } = Of("no route to it, or silence (a refusal would mean packets reach it)", StepOutcome.Unreachable, StepOutcome.TimedOut, StepOutcome.Denied);

    /// <summary>The proxy must forward it.</summary>
    public static StepExpectation ProxyAllowed { get; } = Of("the proxy forwards it and the origin answers", StepOutcome.ProxyAllowed);

    /// <summary>The proxy itself must deny it.</summary>
    public static StepExpectation ProxyDenied { get; } = Of("the proxy answers 403/407 itself", StepOutcome.ProxyDenied);

    /// <summary>The name must not resolve.</summary>
    public static StepExpectation DoesNotResolve { get; } = Of("the name does not resolve", StepOutcome.DnsFailed, StepOutcome.TimedOut);

    /// <summary>The name must resolve.</summary>
    public static StepExpectation Resolves { get; } = Of("the name resolves", StepOutcome.Resolved);

    /// <summary>The thing looked for must be absent.</summary>
    public static StepExpectation Absent { get; } = Of("nothing is found", StepOutcome.Absent);

    /// <summary>The thing looked for must be found.</summary>
    public static StepExpectation Present { get; } = Of("it is found", StepOutcome.Present);

    /// <summary>The attempt must be denied.</summary>
    public static StepExpectation Denied { get; } = Of("every attempt is denied", StepOutcome.Denied);

    /// <summary>The attempt must be permitted.</summary>
    public static StepExpectation Permitted { get; } = Of("the attempt succeeds", StepOutcome.Permitted);

    /// <summary>Builds an expectation.</summary>
    public static StepExpectation Of(string answer, params StepOutcome[] accepted) => new(new HashSet<StepOutcome>(accepted), answer);

    /// <summary>Whether <paramref name="outcome"/> passes.</summary>
    public bool Accepts(StepOutcome outcome) => Accepted.Contains(outcome);

    /// <summary>"Refused|Unreachable|TimedOut".</summary>
    public string AcceptedText => string.Join('|', Accepted.OrderBy(o => o));
}
