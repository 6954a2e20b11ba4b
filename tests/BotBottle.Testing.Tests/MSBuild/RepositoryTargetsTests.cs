using System.Xml.Linq;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.MSBuild;

/// <summary>
/// The repository's own use of its targets (eng/msbuild/bottle-checks.proj): the tasks come from the
/// solution's build output and run in a task host, so nothing holds the task DLL; BottleConformance runs the
/// built-in spec against the reference image for real.
/// </summary>
public sealed class RepositoryTargetsTests
{
    [Fact]
    public async Task BottleConformance_runs_in_a_task_host_from_the_repository_build_and_passes_on_the_reference_image()
    {
        BackendGate.Require(await new DockerBackend().CheckPrerequisitesAsync(TestContext.Current.CancellationToken));
        var reports = Directory.CreateTempSubdirectory("bbt-repo-targets-");
        try
        {
            var run = await DotnetRun.RunAsync(reports.FullName,
                ["msbuild", Path.Combine(RepositoryLayout.Root, "eng", "msbuild", "bottle-checks.proj"), "-t:BottleConformance", "-v:d",
                 "-p:BotBottleConfiguration=" + RepositoryLayout.Configuration, "-p:BottleConformanceIncludeProbes=false",
                 "-p:BottleReportDirectory=" + reports.FullName + "/"],
                "repo-conformance", TestContext.Current.CancellationToken);

            DotnetRun.KeepBinlogWhenFailing(run, () =>
            {
                Assert.Equal(0, run.ExitCode);
                Assert.Contains("Launching task \"RunBottleConformance\"", run.Output, StringComparison.Ordinal);
                Assert.Contains("in an external task host", run.Output, StringComparison.Ordinal);
                var cases = XDocument.Load(Path.Combine(reports.FullName, "conformance.junit.xml")).Descendants("testcase").ToList();
                Assert.Contains(cases, c => c.Attribute("name")?.Value == "command.runuser-returns");
                Assert.All(cases, c => Assert.Null(c.Element("failure")));
                Assert.True(File.Exists(Path.Combine(reports.FullName, "conformance.md")));
            });
        }
        finally
        {
            reports.Delete(recursive: true);
        }
    }
}
