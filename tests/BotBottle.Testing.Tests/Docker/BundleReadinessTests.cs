using BotBottle.Testing.Bundles;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Docker;

/// <summary>When the followed output of a bundle ends the readiness wait without a poll.</summary>
public sealed class BundleReadinessTests
{
    [Theory]
    [InlineData("bundle ready: daemons=proxy,egress,supervise,dns ports= 3128 8080 8081 53", 3128, true)]
    [InlineData("bundle ready: daemons=proxy ports= 3129", 3129, true)]
    [InlineData("bundle ready: daemons=supervise ports= 8081", 3128, false)]
    [InlineData("bundle ready: daemons=proxy ports= 31280", 3128, false)]
    [InlineData("bundle starting: ports= 3128", 3128, false)]
    [InlineData("echo bundle ready: ports= 3128", 3128, false)]
    public void Only_the_ready_line_that_names_the_proxy_port_ends_the_wait(string line, int proxyPort, bool ready) =>
        Assert.Equal(ready, BundleHost.SaysReady(line, proxyPort));

    [Fact]
    [Trait("Category", "Docker")]
    public async Task A_bundle_that_exits_as_it_starts_is_reported_as_exited_with_its_logs_not_as_having_no_address()
    {
        var ct = TestContext.Current.CancellationToken;
        await BackendGate.RequireAsync(new DockerBackend());
        await using var bundle = await ScratchContainer.StartAsync(
            await EngineProvider.For().GetAsync(ct), ReferenceImages.Bundle, ["/bin/sh", "-c", "echo 'init failed: no config' >&2; exit 3"], onBottleNetwork: true, "bundle");
        await bundle.Engine.Client.Containers.WaitContainerAsync(bundle.Container.Id, ct);

        // What a launch meets when the bundle dies between its start and the read of its address.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new RunningBundle(bundle.Container, bundle.Network!.Name, 3128).ReadEndpointAsync(ct));

        Assert.Equal("bundle exited with 3 before it could listen on port 3128: init failed: no config", error.Message);
    }
}
