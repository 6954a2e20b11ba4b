using BotBottle.Testing.Docker;
using BotBottle.Testing.Tests.Support;
using CliWrap;
using CliWrap.Buffered;

namespace BotBottle.Testing.Tests.Benchmarks;

/// <summary>
/// The benchmarks still run: every row once, in process, one iteration without warm-up, no
/// thresholds. The numbers come from a full run (README, "Performance"); this only keeps the benchmarks working.
/// </summary>
[Trait("Category", "Benchmarks")]
public sealed class BenchmarkSmokeTests
{
    [Fact]
    public async Task Every_benchmark_runs_once_against_its_peer()
    {
        await BackendGate.RequireAsync(new DockerBackend());
        var dll = Path.Combine(RepositoryLayout.Root, "tests", "BotBottle.Testing.Benchmarks", "bin", RepositoryLayout.Configuration, "net10.0", "BotBottle.Testing.Benchmarks.dll");
        Assert.True(File.Exists(dll), "build the solution first: " + dll);
        var work = Directory.CreateTempSubdirectory("bbt-bench-");
        try
        {
            var run = await Cli.Wrap(RepositoryLayout.DotnetHost).WithArguments([dll, "--filter", "*"])
                .WithEnvironmentVariables(e => e.Set("BOTBOTTLE_BENCHMARK_SMOKE", "1"))
                .WithWorkingDirectory(work.FullName).WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(TestContext.Current.CancellationToken);

            var output = run.StandardOutput + run.StandardError;
            Assert.True(run.ExitCode == 0, output[^Math.Min(output.Length, 4000)..]);
            foreach (var row in (string[])["launch → first exec: harness", "teardown: harness dispose", "exec: harness", "exec: raw engine API", "exec: Testcontainers ExecAsync", "exec: harness, one engine exec per call", "catalogue: every check", "N bottles: harness"])
            {
                Assert.Contains(row, output, StringComparison.Ordinal);
            }

            Assert.Contains("Ratio", output, StringComparison.Ordinal);
            Assert.DoesNotContain("Benchmarks with issues", output, StringComparison.Ordinal);

            // The peers clean up after themselves too: no CLI bottle and no Testcontainers container is left.
            var left = await Cli.Wrap("docker").WithArguments(["ps", "-a", "--format", "{{.Names}} {{.Label \"dev.botbottle.bottle\"}}"])
                .ExecuteBufferedAsync(TestContext.Current.CancellationToken);
            Assert.DoesNotContain("bbt-bench-", left.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
