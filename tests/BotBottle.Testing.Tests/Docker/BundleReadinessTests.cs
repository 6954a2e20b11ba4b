using BotBottle.Testing.Bundles;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Docker;

/// <summary>When the followed output of a bundle (or an agent) ends the readiness wait without a poll.</summary>
public sealed class BundleReadinessTests
{
    [Theory]
    [InlineData("bbt-bundle-ready {\"version\":1,\"ports\":[3128,8080,8081,53]}", 3128, true)]
    [InlineData("bbt-bundle-ready {\"version\":1,\"ports\":[3129]}", 3129, true)]
    [InlineData("bbt-bundle-ready {\"version\":1,\"ports\":[8081]}", 3128, false)]
    [InlineData("bbt-bundle-ready {\"version\":1,\"ports\":[31280]}", 3128, false)]
    [InlineData("bbt-bundle-ready {\"version\":2,\"ports\":[3128]}", 3128, false)]
    [InlineData("bbt-bundle-ready {\"version\":1,\"ports\":[3128", 3128, false)]
    [InlineData("bundle ready: daemons=proxy ports= 3128", 3128, false)]
    [InlineData("echo bbt-bundle-ready {\"version\":1,\"ports\":[3128]}", 3128, false)]
    public void Only_a_version_1_ready_report_that_names_the_proxy_port_ends_the_wait(string line, int proxyPort, bool ready) =>
        Assert.Equal(ready, BundleHost.SaysReady(line, proxyPort));

    [Fact]
    [Trait("Category", "Docker")]
    public async Task A_bundle_that_exits_as_it_starts_is_reported_as_exited_with_its_logs_not_as_having_no_address()
    {
        var ct = TestContext.Current.CancellationToken;
        await BackendGate.RequireAsync(new DockerBackend());
        await using var bundle = await ScratchContainer.StartAsync(
            await EngineProvider.For().GetAsync(ct), TestImages.Bundle, ["/bin/sh", "-c", "echo 'init failed: no config' >&2; exit 3"], onBottleNetwork: true, "bundle");
        await bundle.Engine.Client.Containers.WaitContainerAsync(bundle.Container.Id, ct);

        // What a launch meets when the bundle dies between its start and the read of its address.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new RunningBundle(bundle.Container, bundle.Network!.Name, 3128, null).ReadEndpointAsync(ct));

        Assert.Equal("bundle exited with 3 before it could listen on port 3128: init failed: no config", error.Message);
    }

    [Fact]
    [Trait("Category", "Docker")]
    public async Task A_launched_bottle_s_bundle_and_agent_report_readiness_in_lines_the_harness_reads()
    {
        var ct = TestContext.Current.CancellationToken;
        var backend = new DockerBackend();
        await BackendGate.RequireAsync(backend);
        await using var bottle = await backend.LaunchAsync(TestImages.Spec, ct);

        var logs = await bottle.GetLogsAsync(ct);

        Assert.Contains(logs.Bundle.Split('\n'), line => BundleHost.SaysReady(line, 3128));
        Assert.Contains(logs.Agent.Split('\n'), line => DockerAgentLauncher.OwnerFrom(line) == (1000, 1000));
    }

    [Theory]
    [InlineData("bbt-home-owned {\"version\":1,\"status\":0,\"uid\":1000,\"gid\":1001}", true)]
    [InlineData("bbt-home-owned {\"version\":1,\"status\":1}", false)]
    [InlineData("bbt-home-owned {\"version\":2,\"status\":0,\"uid\":1000,\"gid\":1001}", false)]
    [InlineData("bbt-home-owned 0", false)]
    public void Only_a_successful_version_1_home_report_spares_the_chown_exec(string line, bool owned) =>
        Assert.Equal(owned ? (1000, 1001) : null, DockerAgentLauncher.OwnerFrom(line));
}
