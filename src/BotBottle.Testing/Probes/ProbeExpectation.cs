namespace BotBottle.Testing.Probes;

/// <summary>The outcomes a step accepts, and how a correctly isolated bottle answers in words.</summary>
/// <param name="Accepted">Outcomes that count as a pass.</param>
/// <param name="Answer">What a correct bottle answers, for failure messages.</param>
public sealed record ProbeExpectation(IReadOnlySet<ProbeOutcome> Accepted, string Answer)
{
    /// <summary>Must connect.</summary>
    public static ProbeExpectation Connected { get; } = Of("the connection is established", ProbeOutcome.Connected);

    /// <summary>Must be refused: the address is reachable and nothing listens there.</summary>
    public static ProbeExpectation Refused { get; } = Of("the connection is refused (reachable address, nothing listening)", ProbeOutcome.Refused);

    /// <summary>Must not connect, however it is stopped.</summary>
    public static ProbeExpectation Blocked { get; } = Of("the connection is refused, unroutable or times out", ProbeOutcome.Refused, ProbeOutcome.Unreachable, ProbeOutcome.TimedOut, ProbeOutcome.Denied);

    /// <summary>Must not even reach the host: a refusal would mean packets got there.</summary>
    public static ProbeExpectation NotRouted { get; } = Of("no route to it, or silence (a refusal would mean packets reach it)", ProbeOutcome.Unreachable, ProbeOutcome.TimedOut, ProbeOutcome.Denied);

    /// <summary>The proxy must forward it.</summary>
    public static ProbeExpectation ProxyAllowed { get; } = Of("the proxy forwards it and the origin answers", ProbeOutcome.ProxyAllowed);

    /// <summary>The proxy itself must deny it.</summary>
    public static ProbeExpectation ProxyDenied { get; } = Of("the proxy answers 403/407 itself", ProbeOutcome.ProxyDenied);

    /// <summary>The name must not resolve.</summary>
    public static ProbeExpectation DoesNotResolve { get; } = Of("the name does not resolve", ProbeOutcome.DnsFailed, ProbeOutcome.TimedOut);

    /// <summary>The name must resolve.</summary>
    public static ProbeExpectation Resolves { get; } = Of("the name resolves", ProbeOutcome.Resolved);

    /// <summary>The thing looked for must be absent.</summary>
    public static ProbeExpectation Absent { get; } = Of("nothing is found", ProbeOutcome.Absent);

    /// <summary>The thing looked for must be found.</summary>
    public static ProbeExpectation Present { get; } = Of("it is found", ProbeOutcome.Present);

    /// <summary>The attempt must be denied.</summary>
    public static ProbeExpectation Denied { get; } = Of("every attempt is denied", ProbeOutcome.Denied);

    /// <summary>The attempt must be permitted.</summary>
    public static ProbeExpectation Permitted { get; } = Of("the attempt succeeds", ProbeOutcome.Permitted);

    /// <summary>Builds an expectation.</summary>
    public static ProbeExpectation Of(string answer, params ProbeOutcome[] accepted) => new(new HashSet<ProbeOutcome>(accepted), answer);

    /// <summary>Whether <paramref name="outcome"/> passes.</summary>
    public bool Accepts(ProbeOutcome outcome) => Accepted.Contains(outcome);

    /// <summary>"Refused|Unreachable|TimedOut".</summary>
    public string AcceptedText => string.Join('|', Accepted.OrderBy(o => o));
}
