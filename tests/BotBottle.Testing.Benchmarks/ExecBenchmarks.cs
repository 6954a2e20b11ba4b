using BenchmarkDotNet.Attributes;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Docker;
using BotBottle.Testing.Engine;
using CliWrap.Buffered;
using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Images;
using BotBottle.Testing.Processes;

namespace BotBottle.Testing.Benchmarks;

/// <summary>
/// One exec round trip (<c>true</c> as node, the harness's runuser line) on a running bottle: the harness next to
/// <c>docker exec</c> (baseline), a raw engine-API exec (create, start, read, inspect) and Testcontainers'
/// <c>ExecAsync</c> on a container it started itself (API 1.41 where the engine needs it; the reaper off); the harness
/// both through its exec channel (the default) and with one engine exec per call.
/// </summary>
[BottleJob(warmupCount: 3, iterationCount: 15)]
public class ExecBenchmarks
{
    private IBottle _bottle = null!;
    private IBottle _perCall = null!;
    private DockerClient _raw = null!;
    private string _agentId = null!;
    private IContainer _testcontainer = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _bottle = new BottleBuilder().WithBackend(new DockerBackend(new DockerBackendOptions { SweepOrphans = false })).Build();
        _perCall = new BottleBuilder().WithBackend(new DockerBackend(new DockerBackendOptions { SweepOrphans = false, ExecChannel = false })).Build();
        await Task.WhenAll(_bottle.StartAsync(), _perCall.StartAsync());
        var engine = await EngineProvider.For().GetAsync(CancellationToken.None);
        _raw = RawClient.Create();
        _agentId = (await _raw.Containers.InspectContainerAsync(_bottle.Name + "-agent")).ID;
        TestcontainersSettings.ResourceReaperEnabled = false;
        _testcontainer = new ContainerBuilder(Images.Agent)
            .WithDockerEndpoint(engine.TestcontainersEndpoint)
            .WithEntrypoint("/bin/sh", "-c", "while :; do sleep 3600; done")
            .WithLabel(ResourceLabels.For("bbt-bench-testcontainers", "peer"))
            .WithImagePullPolicy(PullPolicy.Never)
            .WithCleanUp(false)
            .Build();
        await _testcontainer.StartAsync();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _bottle.DisposeAsync();
        await _perCall.DisposeAsync();
        await _testcontainer.DisposeAsync();

        // Without its reaper, Testcontainers only stops the container it started: remove it.
        await _raw.Containers.RemoveContainerAsync(_testcontainer.Id, new ContainerRemoveParameters { Force = true });
        _raw.Dispose();
    }

    [Benchmark(Baseline = true, Description = "exec: docker exec")]
    public Task<BufferedCommandResult> DockerCli() => CliBottle.Docker(["exec", "-u", "0", _bottle.Name + "-agent", .. CliBottle.Argv]);

    [Benchmark(Description = "exec: raw engine API")]
    public Task<long?> RawEngineApi() => RawClient.ExecAsync(_raw, _agentId);

    [Benchmark(Description = "exec: Testcontainers ExecAsync")]
    public Task<DotNet.Testcontainers.Containers.ExecResult> Testcontainers() => _testcontainer.ExecAsync([.. CliBottle.Argv]);

    [Benchmark(Description = "exec: harness, one engine exec per call")]
    public Task<Processes.BottleExecResult> HarnessPerCall() => _perCall.ExecAsync("true");

    [Benchmark(Description = "exec: harness (exec channel)")]
    public Task<Processes.BottleExecResult> Harness() => _bottle.ExecAsync("true");
}
