using BotBottle.Testing.Tests.Support;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Images;
using Microsoft.Extensions.Logging.Abstractions;

namespace BotBottle.Testing.Tests.Interop;

/// <summary>A service container built with Testcontainers, placed behind a bottle's bundle as an allow-listed upstream.</summary>
[Trait("Category", "Docker")]
public sealed class TestcontainersUpstreamTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 180_000)]
    public async Task The_agent_reaches_a_Testcontainers_service_through_the_proxy_and_never_directly()
    {
        var backend = new DockerBackend();
        await BackendGate.RequireAsync(backend);

        // The user's own Testcontainers container (any IContainer: a database module works the same way), on the engine
        // the harness negotiated with. Cleaned up by its own disposal; labelled so a leak would show in the sweeper's list.
        await using var api = new ContainerBuilder(TestImages.Bundle)
            .WithDockerEndpoint(await backend.GetTestcontainersEndpointAsync(Ct))
            .WithCleanUp(false)
            .WithImagePullPolicy(PullPolicy.Never)
            .WithLabel(ResourceLabels.For("bbt-" + BottleNames.SessionId + "-upstream-test", "user-service").Where(l => l.Key.StartsWith("dev.botbottle.", StringComparison.Ordinal)).ToDictionary())
            .WithEntrypoint("/bin/sh", "-c", "mkdir -p /srv && echo upstream-ok > /srv/index.html && exec busybox httpd -f -p 8080 -h /srv")
            .WithWaitStrategy(Wait.ForUnixContainer().UntilCommandIsCompleted("/bin/sh", "-c", "grep -q ':1F90 ' /proc/net/tcp /proc/net/tcp6"))
            .Build();
        try
        {
            await api.StartAsync(Ct);
            await CheckAsync(backend, api);
        }
        finally
        {
            // Without Testcontainers' reaper session (no Ryuk image here), its disposal stops short of removing the container.
            await EngineContainer.RemoveAsync((await EngineProvider.For().GetAsync(CancellationToken.None)).Client, api.Id, CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_Testcontainers_container_with_the_reaper_labels_and_no_Ryuk_is_the_harness_reapers_and_sweeps_to_remove()
    {
        var backend = new DockerBackend();
        await BackendGate.RequireAsync(backend);
        var name = "bbt-" + BottleNames.SessionId + "-interop-" + Guid.NewGuid().ToString("N")[..6];
        var engine = await EngineProvider.For().GetAsync(Ct);
        await using var mine = new ContainerBuilder(TestImages.Bundle)
            .WithDockerEndpoint(await backend.GetTestcontainersEndpointAsync(Ct))
            .WithCleanUp(false)
            .WithImagePullPolicy(PullPolicy.Never)
            .WithLabel(backend.ReaperLabels("my-api"))
            .WithName(name)
            .WithEntrypoint("sleep", "600")
            .Build();

        // The same labels on a container whose creator is dead: what the sweep sees after a killed test host.
        var orphanLabels = backend.ReaperLabels("my-api").ToDictionary();
        orphanLabels[ResourceLabels.Pid] = int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var orphan = new ContainerBuilder(TestImages.Bundle)
            .WithDockerEndpoint(await backend.GetTestcontainersEndpointAsync(Ct))
            .WithCleanUp(false)
            .WithImagePullPolicy(PullPolicy.Never)
            .WithLabel(orphanLabels)
            .WithName(name + "-orphan")
            .WithEntrypoint("sleep", "600")
            .Build();
        try
        {
            await mine.StartAsync(Ct);
            await orphan.StartAsync(Ct);

            // The reaper removes by this session's label: the container is in its list.
            Assert.Contains("container " + name, await EngineSweeper.ListAsync(engine.Client, BottleNames.SessionId, Ct));
            await EngineSweeper.RemoveOrphansAsync(engine.Client, NullLogger.Instance, Ct);
            var left = await EngineSweeper.ListAsync(engine.Client, BottleNames.SessionId, Ct);
            Assert.Contains("container " + name, left);
            Assert.DoesNotContain("container " + name + "-orphan", left);
        }
        finally
        {
            await EngineContainer.RemoveAsync(engine.Client, mine.Id, CancellationToken.None);
            await EngineContainer.RemoveAsync(engine.Client, name + "-orphan", CancellationToken.None);
        }
    }

    [Fact]
    public void Reaper_labels_are_the_harness_own_and_nothing_of_Testcontainers()
    {
        var labels = new DockerBackend().ReaperLabels("my-api");

        Assert.Equal((BottleNames.SessionId, "my-api", "interop"), (labels[ResourceLabels.Session], labels[ResourceLabels.Bottle], labels[ResourceLabels.Role]));
        Assert.DoesNotContain(labels.Keys, k => k.StartsWith("org.testcontainers", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_upstream_container_that_was_never_started_fails_the_launch_naming_it_and_leaks_no_network()
    {
        var backend = new DockerBackend();
        await BackendGate.RequireAsync(backend);
        await using var never = new ContainerBuilder(TestImages.Bundle)
            .WithDockerEndpoint(await backend.GetTestcontainersEndpointAsync(Ct))
            .WithCleanUp(false)
            .WithImagePullPolicy(PullPolicy.Never)
            .Build();
        var bottle = new BottleBuilder().WithBackend(backend).WithUpstream(never, "never.upstream.test", 8080).Build();

        var error = await Assert.ThrowsAsync<BottleLaunchException>(() => bottle.StartAsync(Ct));

        Assert.Contains("never.upstream.test", error.Message, StringComparison.Ordinal);
        Assert.Contains("not been started", error.Message, StringComparison.Ordinal);
        var engine = await EngineProvider.For().GetAsync(Ct);
        Assert.DoesNotContain(await EngineSweeper.ListAsync(engine.Client, BottleNames.SessionId, Ct), r => r.Contains(bottle.Name, StringComparison.Ordinal));
        await bottle.DisposeAsync();
    }

    private static async Task CheckAsync(DockerBackend backend, IContainer api)
    {

        await using var bottle = new BottleBuilder().WithBackend(backend).WithUpstream(api, "api.upstream.test", 8080).Build();
        await bottle.StartAsync(Ct);

        var viaProxy = await bottle.ExecAsync("curl -s --max-time 10 http://api.upstream.test:8080/", cancellationToken: Ct);
        var byName = await bottle.ExecAsync("curl -s --noproxy '*' --max-time 5 http://api.upstream.test:8080/; echo \"rc=$?\"", cancellationToken: Ct);
        var address = await AddressOnUpstreamAsync(api, bottle.Name + "-upstream");
        var byAddress = await bottle.ExecAsync(Guest.GuestScripts.TcpDial(address, 8080), cancellationToken: Ct);

        Assert.Equal("upstream-ok\n", viaProxy.Stdout);
        Assert.Contains("rc=6", byName.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("connected", byAddress.Stdout, StringComparison.Ordinal);

        await bottle.DisposeAsync();
        var engine = await EngineProvider.For().GetAsync(Ct);
        var stillThere = await engine.Client.Containers.InspectContainerAsync(api.Id, Ct);
        Assert.True(stillThere.State!.Running, "the user's container outlives the bottle");
        Assert.DoesNotContain(stillThere.NetworkSettings!.Networks!.Keys, n => n.StartsWith(bottle.Name, StringComparison.Ordinal));
    }

    private static async Task<string> AddressOnUpstreamAsync(IContainer container, string network)
    {
        var engine = await EngineProvider.For().GetAsync(Ct);
        var inspect = await engine.Client.Containers.InspectContainerAsync(container.Id, Ct);
        return inspect.NetworkSettings!.Networks![network].IPAddress;
    }
}
