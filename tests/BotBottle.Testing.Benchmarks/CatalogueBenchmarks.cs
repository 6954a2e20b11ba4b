using BenchmarkDotNet.Attributes;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Docker;
using BotBottle.Testing.Probes;
using BotBottle.Testing.Range;

namespace BotBottle.Testing.Benchmarks;

/// <summary>
/// The whole isolation catalogue (without the neighbour checks) on one bottle, next to what bounds it from below: one
/// step that stays silent for the whole silence limit, alone (the baseline: in a correct docker bottle several probes
/// are answered by nothing, or only by the kernel's neighbour timeout of about 3 s, so the catalogue, which runs every
/// step at once, can take no less), and a single refused probe (one battery's fixed cost).
/// </summary>
[BottleJob(warmupCount: 1, iterationCount: 7)]
public class CatalogueBenchmarks
{
    private ProbeRange _range = null!;
    private IBottle _bottle = null!;
    private IReadOnlyList<IsolationCheck> _catalogue = null!;
    private IsolationCheck _silent = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _range = await ProbeRange.CreateAsync(Images.Bundle);
        _bottle = await new DockerBackend(new DockerBackendOptions { SweepOrphans = false }).LaunchAsync(_range.Wire(ReferenceSpec()));
        _catalogue = IsolationCatalogue.Build(_bottle, await _range.TargetsForAsync(_bottle)).Where(c => !IsolationCatalogue.NeedsNeighbour(c.Id)).ToList();
        var report = await _bottle.RunChecksAsync(_catalogue);
        report.ShouldAllPass();
        var slowest = report.Results.SelectMany(r => r.Controls.Append(r.Probe)).MaxBy(o => o.Duration)!;
        Console.WriteLine($"// slowest step of the catalogue: {slowest.Step.Id} {slowest.Outcome} in {slowest.Duration.TotalMilliseconds:0} ms of the catalogue's {report.Elapsed.TotalMilliseconds:0} ms");

        // The agent's dial replaced by a sleep: a step that nothing answers, under the catalogue's own limit.
        var silent = new Vantage("agent", (script, ct) => _bottle.ExecAsync(script.Replace("bbt_tcp_bash() {", "bbt_tcp_bash() { exec sleep 30; }\nbbt_real_tcp_bash() {", StringComparison.Ordinal), cancellationToken: ct), isSubject: true);
        var step = new IsolationStep("silent", silent, Probe.Tcp("127.0.0.1", 9), StepExpectation.Of("times out", StepOutcome.TimedOut)) { Timeout = new CatalogueOptions().StepTimeout };
        _silent = new IsolationCheck("silent", "one step nothing answers", step, []);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _bottle.DisposeAsync();
        await _range.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "catalogue: one silent step alone (the limit)")]
    public Task<IsolationReport> SilentStep() => _bottle.RunChecksAsync([_silent], NetworkTool.Bash);

    [Benchmark(Description = "catalogue: one refused probe")]
    public Task OneProbe() => _bottle.Probe(Probe.Tcp("127.0.0.1", 9)).ShouldBeRefused();

    [Benchmark(Description = "catalogue: every check")]
    public Task<IsolationReport> Catalogue() => _bottle.RunChecksAsync(_catalogue);

    private static BottleSpec ReferenceSpec() => new(Images.Agent, new BundleSpec(Images.Bundle));
}
