using Docker.DotNet.Models;
using BotBottle.Testing.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace BotBottle.Testing.Tests.Docker;

/// <summary>Launch and teardown of docker bottles: nothing labelled is left behind, whatever happens.</summary>
[Trait("Category", "Docker")]
public sealed class DockerLifecycleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<DockerEngine> EngineAsync(DockerBackend backend)
    {
        await BackendGate.RequireAsync(backend);
        return await EngineProvider.For().GetAsync(Ct);
    }

    [Fact]
    public async Task Disposing_a_bottle_removes_every_labelled_resource_and_twice_is_harmless()
    {
        var backend = new DockerBackend();
        var engine = await EngineAsync(backend);
        var bottle = await backend.LaunchAsync(TestImages.Spec, Ct);
        var mine = await EngineSweeper.ListAsync(engine.Client, BottleNames.SessionId, Ct);
        Assert.Contains(mine, r => r.Contains(bottle.Name + "-agent", StringComparison.Ordinal));
        Assert.Contains(mine, r => r.Contains(bottle.Name + "-bundle", StringComparison.Ordinal));
        Assert.Contains(mine, r => r == "network " + bottle.Name + "-net");

        await bottle.DisposeAsync();
        await bottle.DisposeAsync();

        var left = await EngineSweeper.ListAsync(engine.Client, BottleNames.SessionId, Ct);
        Assert.DoesNotContain(left, r => r.Contains(bottle.Name, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_launch_that_fails_halfway_leaves_nothing_behind_and_names_the_step()
    {
        var backend = new DockerBackend();
        var engine = await EngineAsync(backend);
        var spec = TestImages.Spec with { Name = "bbt-" + BottleNames.SessionId + "-halfway" };

        BottleLaunchException error;
        using (LaunchFaults.Inject("create agent", new InvalidOperationException("no agent today")))
        {
            error = await Assert.ThrowsAsync<BottleLaunchException>(() => backend.LaunchAsync(spec, Ct));
        }

        Assert.Equal("create agent", error.Step);
        Assert.Contains("no agent today", error.Message, StringComparison.Ordinal);
        var left = await EngineSweeper.ListAsync(engine.Client, BottleNames.SessionId, Ct);
        Assert.DoesNotContain(left, r => r.Contains(spec.Name!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bundle_that_never_listens_fails_the_launch_with_its_logs()
    {
        var backend = new DockerBackend();
        var engine = await EngineAsync(backend);
        var spec = TestImages.Spec with
        {
            Bundle = new BundleSpec(TestImages.Bundle) { Env = new Dictionary<string, string> { ["BUNDLE_DAEMONS"] = "supervise" } },
            Name = "bbt-" + BottleNames.SessionId + "-noproxy",
        };
        var quick = new DockerBackend(new DockerBackendOptions { BundleReadyTimeout = TimeSpan.FromSeconds(3) });

        var error = await Assert.ThrowsAsync<BottleLaunchException>(() => quick.LaunchAsync(spec, Ct));

        Assert.Equal("wait for bundle", error.Step);
        Assert.Contains("did not listen on port 3128", error.Message, StringComparison.Ordinal);
        Assert.Contains("bundle ready: daemons=supervise", error.Message, StringComparison.Ordinal);
        var left = await EngineSweeper.ListAsync(engine.Client, BottleNames.SessionId, Ct);
        Assert.DoesNotContain(left, r => r.Contains(spec.Name!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cancelled_launch_still_cleans_up()
    {
        var backend = new DockerBackend();
        var engine = await EngineAsync(backend);
        var spec = TestImages.Spec with { Name = "bbt-" + BottleNames.SessionId + "-cancelled" };
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var launch = backend.LaunchAsync(spec, cancel.Token);

        // Cancel once the launch has created something (its bundle container), so the unwinding has work to do.
        var mine = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{ResourceLabels.Bottle}={spec.Name}"] = true } };
        while (!launch.IsCompleted && (await engine.Client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = mine }, Ct)).Count == 0)
        {
            await Task.Delay(20, Ct);
        }

        Assert.False(launch.IsCompleted, "the launch ended before anything could be cancelled");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => launch);
        var left = await EngineSweeper.ListAsync(engine.Client, BottleNames.SessionId, Ct);
        Assert.DoesNotContain(left, r => r.Contains(spec.Name!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Resources_of_a_dead_test_host_are_swept()
    {
        var backend = new DockerBackend();
        var engine = await EngineAsync(backend);
        var labels = ResourceLabels.For("bbt-deadbeef-orphan", "network");
        labels[ResourceLabels.Pid] = int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture);
        labels[ResourceLabels.Session] = "deadbeef";
        await engine.Client.Networks.CreateNetworkAsync(new global::Docker.DotNet.Models.NetworksCreateParameters { Name = "bbt-deadbeef-orphan-net", Internal = true, Labels = labels }, Ct);

        var removed = await EngineSweeper.RemoveOrphansAsync(engine.Client, NullLogger.Instance, Ct);

        Assert.True(removed >= 1);
        Assert.Empty(await EngineSweeper.ListAsync(engine.Client, "deadbeef", Ct));
    }
}
