using BotBottle.Testing.Bottles;
using BotBottle.Testing.Guest;

namespace BotBottle.Testing.Probes;

/// <summary>
/// Where a probe runs: the agent (as the agent user), the bundle (as root), or another bottle's
/// side. Steps with the same vantage share one exec round trip.
/// </summary>
public sealed class ProbeVantage
{
    private readonly Func<string, CancellationToken, Task<BottleExecResult>> _exec;

    /// <summary>Creates a vantage from a name and a way to run a script there.</summary>
    public ProbeVantage(string name, Func<string, CancellationToken, Task<BottleExecResult>> exec, bool isSubject = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        IsSubject = isSubject;
        _exec = exec ?? throw new ArgumentNullException(nameof(exec));
    }

    /// <summary>
    /// Whether this is the agent under test: a forced <see cref="ProbeTool"/> applies here only, so
    /// controls elsewhere keep using whatever their side ships.
    /// </summary>
    public bool IsSubject { get; }

    /// <summary>The vantage's name in reports ("agent", "bundle", "neighbour agent").</summary>
    public string Name { get; }

    /// <summary>The bottle's agent under test, as the agent user (<c>node</c>).</summary>
    public static ProbeVantage Agent(IBottle bottle) => AgentOf(bottle, "agent", isSubject: true);

    /// <summary>A bottle's agent as the agent user, named <paramref name="name"/> (e.g. a neighbouring bottle's, for controls).</summary>
    public static ProbeVantage AgentOf(IBottle bottle, string name, bool isSubject = false)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        return new(name, (script, ct) => bottle.ExecAsync(script, GuestUsers.Agent, ct), isSubject);
    }

    /// <summary>The bottle's bundle, as root.</summary>
    public static ProbeVantage Bundle(IBottle bottle, string name = "bundle")
    {
        ArgumentNullException.ThrowIfNull(bottle);
        return new(name, bottle.ExecInBundleAsync);
    }

    /// <summary>Runs a battery script here.</summary>
    public Task<BottleExecResult> RunAsync(string script, CancellationToken cancellationToken) => _exec(script, cancellationToken);

    /// <inheritdoc />
    public override string ToString() => Name;
}
