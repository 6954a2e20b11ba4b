using BotBottle.Testing.MSBuild.Tasks;
using BotBottle.Testing.Tests.Support;
using CliWrap;
using CliWrap.Buffered;

namespace BotBottle.Testing.Tests.MSBuild;

/// <summary>
/// Ctrl+C in a build: the real RunBottleProbes task running the real CLI against docker is cancelled while
/// its bottle exists; the task returns false with BBT0006 and nothing labelled with the CLI's pid remains.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class TaskCancellationTests
{
    private static async Task<IReadOnlyList<string>> LabelledAsync(string kind, int pid)
    {
        var listed = await Cli.Wrap("docker").WithArguments([kind, "ls", "-q", "--filter", $"label={ResourceLabels.Pid}={pid}", .. kind == "container" ? new[] { "-a" } : []])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        return listed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task A_cancelled_task_tears_its_bottle_down_and_leaves_no_labelled_resource()
    {
        BackendGate.Require(await new DockerBackend().CheckPrerequisitesAsync(TestContext.Current.CancellationToken));
        Assert.True(File.Exists(RepositoryLayout.CliDll), "build the solution first: " + RepositoryLayout.CliDll);
        var reports = Directory.CreateTempSubdirectory("bbt-cancel-");
        var engine = new RecordingBuildEngine();
        var task = new RunBottleProbes { BuildEngine = engine, CliPath = RepositoryLayout.CliDll, Backends = "docker", ReportDirectory = reports.FullName };
        var running = Task.Run(task.Execute, TestContext.Current.CancellationToken);

        int? pid = null;
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline && !running.IsCompleted)
        {
            pid ??= task.CliProcessId;
            if (pid is { } p && (await LabelledAsync("container", p)).Count > 0)
            {
                break;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.False(running.IsCompleted, "the probes finished before the test could cancel them:\n" + engine.Log);
        Assert.NotNull(pid);
        task.Cancel();
        var succeeded = await running;

        Assert.False(succeeded);
        Assert.Contains(engine.Errors, e => e.Code == "BBT0006");
        Assert.Empty(await LabelledAsync("container", pid.Value));
        Assert.Empty(await LabelledAsync("network", pid.Value));
        reports.Delete(recursive: true);
    }
}
