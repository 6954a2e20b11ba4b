using BenchmarkDotNet.Attributes;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Docker;
using Docker.DotNet;

namespace BotBottle.Testing.Benchmarks;

/// <summary>Launch → first exec answered: the harness next to the same steps with the docker CLI, and with raw engine-API calls (the floor).</summary>
[BottleJob(warmupCount: 1, iterationCount: 7, oneInvocationPerIteration: true)]
public class LaunchBenchmarks
{
    private readonly DockerBackend _backend = new(new DockerBackendOptions { SweepOrphans = false });
    private readonly DockerClient _raw = RawClient.Create();
    private IBottle? _bottle;
    private CliBottle? _cli;
    private RawBottle? _floor;

    [Benchmark(Baseline = true, Description = "launch → first exec: docker CLI")]
    public async Task CliLaunch() => _cli = await CliBottle.LaunchAsync();

    [Benchmark(Description = "launch → first exec: raw engine API (floor)")]
    public async Task RawLaunch() => _floor = await RawBottle.LaunchAsync(_raw);

    [Benchmark(Description = "launch → first exec: harness")]
    public async Task HarnessLaunch()
    {
        _bottle = new BottleBuilder().WithBackend(_backend).Build();
        await _bottle.StartAsync();
        await _bottle.ExecAsync("true");
    }

    // BenchmarkDotNet 0.15 runs iteration setup and cleanup synchronously only (async support comes with 0.16).
    [IterationCleanup]
    public void Cleanup() => Task.Run(async () =>
    {
        if (_bottle is not null)
        {
            await _bottle.DisposeAsync();
        }

        if (_cli is not null)
        {
            await _cli.RemoveAsync();
        }

        if (_floor is not null)
        {
            await _floor.RemoveAsync();
        }

        (_bottle, _cli, _floor) = (null, null, null);
    }).GetAwaiter().GetResult();
}

/// <summary>
/// Teardown of a launched bottle: the harness's dispose next to <c>docker rm -f</c> + <c>docker network rm</c>, and the
/// raw engine-API removals (both containers killed at once, then the network removed while they are: the floor).
/// </summary>
[BottleJob(warmupCount: 1, iterationCount: 7, oneInvocationPerIteration: true)]
public class TeardownBenchmarks
{
    private readonly DockerBackend _backend = new(new DockerBackendOptions { SweepOrphans = false });
    private readonly DockerClient _raw = RawClient.Create();
    private IBottle? _bottle;
    private CliBottle? _cli;
    private RawBottle? _floor;

    [IterationSetup(Target = nameof(CliTeardown))]
    public void LaunchCli() => _cli = Task.Run(CliBottle.LaunchAsync).GetAwaiter().GetResult();

    [IterationSetup(Target = nameof(HarnessTeardown))]
    public void LaunchHarness() => Task.Run(async () =>
    {
        _bottle = new BottleBuilder().WithBackend(_backend).Build();
        await _bottle.StartAsync();
    }).Wait();

    [IterationSetup(Target = nameof(RawTeardown))]
    public void LaunchRaw() => _floor = Task.Run(() => RawBottle.LaunchAsync(_raw)).GetAwaiter().GetResult();

    [Benchmark(Baseline = true, Description = "teardown: docker rm -f + network rm")]
    public Task CliTeardown() => _cli!.RemoveAsync();

    [Benchmark(Description = "teardown: raw engine API (floor)")]
    public Task RawTeardown() => _floor!.RemoveAsync();

    [Benchmark(Description = "teardown: harness dispose")]
    public async Task HarnessTeardown() => await _bottle!.DisposeAsync();
}
