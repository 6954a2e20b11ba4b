using BotBottle.Testing.Docker;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Docker;

public sealed class DockerEngineTests
{
    [Theory]
    [InlineData("1.41", "1.12", "1.41")]
    [InlineData("1.47", "1.24", "1.47")]
    [InlineData("1.52", "1.44", "1.51")]
    [InlineData("1.60", "1.55", "1.55")]
    public void The_api_version_is_the_highest_both_sides_speak(string engineMax, string engineMin, string expected) =>
        Assert.Equal(Version.Parse(expected), DockerEngine.Negotiate(Version.Parse(engineMax), Version.Parse(engineMin)));

    [Fact]
    public async Task An_unreachable_engine_is_reported_with_its_endpoint()
    {
        var reason = await DockerEngine.CheckReachableAsync(new Uri("unix:///nonexistent/docker.sock"), TestContext.Current.CancellationToken);

        Assert.NotNull(reason);
        Assert.StartsWith("docker engine unreachable at unix:///nonexistent/docker.sock", reason, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Docker")]
    public async Task The_local_engine_is_reached_without_DOCKER_API_VERSION()
    {
        await BackendGate.RequireAsync(new DockerBackend());
        var engine = await DockerEngineProvider.Default.GetAsync(TestContext.Current.CancellationToken);

        Assert.True(engine.ApiVersion >= DockerEngine.ClientMinimum);
        Assert.NotEmpty(await engine.Client.Networks.ListNetworksAsync(new global::Docker.DotNet.Models.NetworksListParameters(), TestContext.Current.CancellationToken));
    }
}
