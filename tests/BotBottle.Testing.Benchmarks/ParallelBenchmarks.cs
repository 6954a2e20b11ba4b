using BenchmarkDotNet.Attributes;
using BotBottle.Testing.Docker;

namespace BotBottle.Testing.Benchmarks;

/// <summary>
/// N bottles at once, each launched, exec'd once and torn down: the harness next to the docker CLI at the same N, and
/// next to raw engine-API calls (the floor: what the engine itself needs for N bottles on this machine).
/// </summary>
[BottleJob(warmupCount: 1, iterationCount: 5, oneInvocationPerIteration: true)]
public class ParallelBenchmarks
{
    private readonly DockerBackend _backend = new(new DockerBackendOptions { SweepOrphans = false });
    private readonly global::Docker.DotNet.DockerClient _raw = RawClient.Create();

    [Params(1, 4, 8)]
    public int Bottles { get; set; }

    [Benchmark(Baseline = true, Description = "N bottles: docker CLI")]
    public Task Cli() => Task.WhenAll(Enumerable.Range(0, Bottles).Select(async _ =>
    {
        var bottle = await CliBottle.LaunchAsync();
        await bottle.RemoveAsync();
    }));

    [Benchmark(Description = "N bottles: raw engine API (floor)")]
    public Task Raw() => Task.WhenAll(Enumerable.Range(0, Bottles).Select(async _ =>
    {
        var bottle = await RawBottle.LaunchAsync(_raw);
        await bottle.RemoveAsync();
    }));

    [Benchmark(Description = "N bottles: harness")]
    public Task Harness() => Task.WhenAll(Enumerable.Range(0, Bottles).Select(async _ =>
    {
        await using var bottle = new BottleBuilder().WithBackend(_backend).Build();
        await bottle.StartAsync();
        await bottle.ExecAsync("true");
    }));
}
