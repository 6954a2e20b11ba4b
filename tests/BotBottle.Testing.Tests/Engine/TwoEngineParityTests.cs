using BotBottle.Testing.Checks;
using BotBottle.Testing.Conformance.Reports;
using BotBottle.Testing.Conformance.Run;
using BotBottle.Testing.Conformance.Spec;
using BotBottle.Testing.Docker;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Engine;

/// <summary>Two engine generations in one run: the machine's own engine and the docker-in-docker one of another generation.</summary>
[Trait("Category", "Docker")]
public sealed class TwoEngineParityTests
{
    [Fact]
    public async Task The_whole_spec_passes_on_both_engine_generations_and_each_column_names_its_engine_and_api()
    {
        var second = TestEngines.RequireSecondEngine();
        var ct = TestContext.Current.CancellationToken;

        var report = await ConformanceRunner.RunAsync(ConformanceSpec.BotBottle, new ConformanceOptions
        {
            AgentImage = TestImages.Agent,
            BundleImage = TestImages.Bundle,
            Backends = [new DockerBackend(), new DockerBackend(new DockerBackendOptions { Endpoint = second })],
        }, cancellationToken: ct);
        var matrix = new ParityMatrix(report);
        TestContext.Current.TestOutputHelper?.WriteLine(matrix.ToText());

        Assert.Equal(2, report.Runs.Count);
        Assert.All(report.Runs, run => Assert.Matches(@"^docker(@\S+)? \(Engine \d+\.\d+\.\d+, API 1\.\d+\)$", run.Label));
        Assert.NotEqual(report.Runs[0].Label, report.Runs[1].Label);
        Assert.True(report.Conforms, string.Join("\n", report.Runs.SelectMany(r => r.Results.Where(x => x.Verdict != Verdict.Passed).Select(x => $"{r.Label}: {x.Explain()}"))));
        Assert.Empty(matrix.Disagreements);
    }
}
