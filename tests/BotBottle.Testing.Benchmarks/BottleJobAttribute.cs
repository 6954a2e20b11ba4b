using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace BotBottle.Testing.Benchmarks;

/// <summary>
/// The job of a benchmark class, run in process (no generated project to build, nothing to restore: this machine
/// has no public registry). With BOTBOTTLE_BENCHMARK_SMOKE=1 every class runs once, one iteration, no warm-up:
/// what CI does to keep the benchmarks working, without reading anything into the numbers.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class BottleJobAttribute(int warmupCount, int iterationCount, bool oneInvocationPerIteration = false)
    : JobConfigBaseAttribute(Create(warmupCount, iterationCount, oneInvocationPerIteration))
{
    /// <summary>Set to 1 for the smoke run.</summary>
    public const string SmokeVariable = "BOTBOTTLE_BENCHMARK_SMOKE";

    private static Job Create(int warmupCount, int iterationCount, bool oneInvocationPerIteration)
    {
        var smoke = Environment.GetEnvironmentVariable(SmokeVariable) == "1";
        var job = Job.Default.WithLaunchCount(1).WithWarmupCount(smoke ? 0 : warmupCount).WithIterationCount(smoke ? 1 : iterationCount)
            .WithToolchain(InProcessEmitToolchain.Instance);
        return oneInvocationPerIteration || smoke ? job.WithInvocationCount(1).WithUnrollFactor(1) : job;
    }
}
