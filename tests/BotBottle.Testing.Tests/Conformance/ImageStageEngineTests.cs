using BotBottle.Testing.Checks;
using BotBottle.Testing.Conformance.Checks;
using BotBottle.Testing.Conformance.Run;
using BotBottle.Testing.Conformance.Spec;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Conformance;

/// <summary>The image stage inspects the image on the engine the backend names, never silently on the default one.</summary>
[Trait("Category", "Docker")]
public sealed class ImageStageEngineTests
{
    [Fact]
    public async Task Image_checks_run_on_the_engine_the_docker_backend_names()
    {
        await BackendGate.RequireAsync(new DockerBackend());
        var nowhere = new Uri("unix:///tmp/bbt-no-engine-" + Guid.NewGuid().ToString("N")[..8] + ".sock");

        var report = await ConformanceRunner.RunAsync(ConformanceSpec.BotBottle.WithoutProbes(),
            new ConformanceOptions { Backends = [new DockerBackend(new DockerBackendOptions { Endpoint = nowhere })] },
            cancellationToken: TestContext.Current.CancellationToken);

        var image = report.Runs.Single().Results.Where(r => r.Stage == CheckStage.Image).ToList();
        Assert.NotEmpty(image);
        Assert.All(image, r => Assert.NotEqual(Verdict.Passed, r.Verdict));
        Assert.Contains(image, r => r.Message.Contains(nowhere.AbsolutePath, StringComparison.Ordinal));
    }
}
