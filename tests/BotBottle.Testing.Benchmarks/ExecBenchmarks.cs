using BenchmarkDotNet.Attributes;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Docker;
using BotBottle.Testing.Guest;
using CliWrap;
using CliWrap.Buffered;

namespace BotBottle.Testing.Benchmarks;

/// <summary>One exec round trip through the engine API, next to the same exec through the docker CLI.</summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 10)]
public class ExecBenchmarks
{
    private IBottle _bottle = null!;

    [GlobalSetup]
    public async Task SetupAsync() =>
        _bottle = await new DockerBackend().LaunchAsync(new BottleSpec(Images.Agent, new BundleSpec(Images.Bundle)));

    [GlobalCleanup]
    public async Task CleanupAsync() => await _bottle.DisposeAsync();

    [Benchmark(Baseline = true)]
    public Task<ExecResult> ExecViaEngineApi() => _bottle.ExecAsync("true");

    [Benchmark]
    public Task<BufferedCommandResult> ExecViaDockerCli() =>
        Cli.Wrap("docker").WithArguments(["exec", "-u", "0", _bottle.Name + "-agent", .. GuestCommand.ForScript(GuestUsers.Agent, "true")]).ExecuteBufferedAsync();
}

/// <summary>A whole bottle life (launch, one exec, teardown), next to the same steps with the docker CLI.</summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class LifecycleBenchmarks
{
    [Benchmark(Baseline = true)]
    public async Task LaunchExecDispose()
    {
        var bottle = await new DockerBackend(new DockerBackendOptions { SweepOrphans = false }).LaunchAsync(new BottleSpec(Images.Agent, new BundleSpec(Images.Bundle)));
        await bottle.ExecAsync("true");
        await bottle.DisposeAsync();
    }

    [Benchmark]
    public async Task DockerCliRunExecRemove()
    {
        var name = "bbt-bench-" + Guid.NewGuid().ToString("N")[..8];
        const string label = "dev.botbottle.harness=BotBottle.Testing";
        try
        {
            await Docker("network", "create", "--internal", "--label", label, "-o", "com.docker.network.bridge.inhibit_ipv4=true", name + "-net");
            await Docker("run", "-d", "--init", "--label", label, "--name", name + "-bundle", "--network", name + "-net", Images.Bundle);
            await Docker("run", "-d", "--init", "--label", label, "-u", "0", "--name", name + "-agent", "--network", name + "-net", "--entrypoint", "/bin/sh", Images.Agent, "-c", "while :; do sleep 3600; done");
            await Docker("exec", "-u", "0", name + "-agent", "runuser", "-u", "node", "--", "/bin/sh", "-c", "true");
        }
        finally
        {
            await Docker("rm", "-f", name + "-agent", name + "-bundle");
            await Docker("network", "rm", name + "-net");
        }
    }

    // Buffered: the docker CLI dies of SIGPIPE (141) when nobody reads what it prints.
    private static Task<BufferedCommandResult> Docker(params string[] args) =>
        Cli.Wrap("docker").WithArguments(args).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
}

internal static class Images
{
    public const string Agent = "botbottle/agent:reference";
    public const string Bundle = "botbottle/bundle:reference";
}
