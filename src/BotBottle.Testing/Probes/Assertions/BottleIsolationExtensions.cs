using BotBottle.Testing.Bottles;

namespace BotBottle.Testing.Probes;

/// <summary>Probing a bottle: <c>await bottle.Probe(Probe.Tcp("127.0.0.1", 9)).ShouldBeRefused();</c></summary>
public static class BottleIsolationExtensions
{
    /// <summary>Starts an assertion about <paramref name="action"/> run in the bottle's agent.</summary>
    public static IsolationAssertion Probe(this IBottle bottle, StepAction action)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        ArgumentNullException.ThrowIfNull(action);
        return new IsolationAssertion(bottle, action);
    }

    /// <summary>Runs <paramref name="checks"/> in one battery (one exec round trip per vantage).</summary>
    public static Task<IsolationReport> RunChecksAsync(this IBottle bottle, IEnumerable<IsolationCheck> checks, NetworkTool tool = NetworkTool.Auto, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bottle);
        return IsolationBattery.RunAsync(checks, tool, cancellationToken);
    }

    /// <summary>
    /// Throws <see cref="IsolationAssertionException"/> naming every finding of the wire witness (destination, protocol,
    /// port, time), or saying why its capture is incomplete: a report passes only when the capture ran throughout and
    /// nothing but the bundle's proxy, its resolver, ARP, neighbour discovery and probe attempts crossed the wire.
    /// </summary>
    public static Witness.WireWitness.Report ShouldShowOnlyBundleTraffic(this Witness.WireWitness.Report report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (!report.ShowsOnlyBundleTraffic)
        {
            throw new IsolationAssertionException($"the wire witness saw traffic besides the bundle's: {report.Describe()}");
        }

        return report;
    }

    /// <summary>Awaits the report and asserts it shows only bundle traffic.</summary>
    public static async Task<Witness.WireWitness.Report> ShouldShowOnlyBundleTraffic(this Task<Witness.WireWitness.Report> report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return (await report.ConfigureAwait(false)).ShouldShowOnlyBundleTraffic();
    }

    /// <summary>Throws <see cref="IsolationAssertionException"/> listing every check that did not pass, with its evidence.</summary>
    public static IsolationReport ShouldAllPass(this IsolationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (!report.AllPassed)
        {
            var problems = report.Problems.ToList();
            throw new IsolationAssertionException(
                $"{problems.Count} of {report.Results.Count} isolation checks did not pass:\n" +
                string.Concat(problems.Select(p => p.Describe())) + IsolationAssertion.Tools(report));
        }

        return report;
    }

    /// <summary>Awaits the report and asserts every check passed.</summary>
    public static async Task<IsolationReport> ShouldAllPass(this Task<IsolationReport> report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return (await report.ConfigureAwait(false)).ShouldAllPass();
    }
}
