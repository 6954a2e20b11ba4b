using BotBottle.Testing.Range;
using BotBottle.Testing.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace BotBottle.Testing.Tests.Probes;

/// <summary>
/// One network at a time can hold the metadata subnet on an engine, and a probe range holds it for as long as it lives
/// (a fixture's whole class): ranges of one process take turns in order, a range of another process is waited for and
/// named, and a network that is not a range's fails the range at once instead of after a wait it cannot end.
/// </summary>
public sealed class MetadataSubnetTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void The_holders_are_the_networks_with_an_IPv4_subnet_that_overlaps_it()
    {
        NetworkDetails Network(string name, params string[] subnets) =>
            new(name, name, "br-" + name, [.. subnets.Select(s => new NetworkSubnet(s, null))], new Dictionary<string, NetworkMember>());

        var holders = MetadataSubnet.Holders(
        [
            Network("all-link-local", "169.254.0.0/16"),
            Network("next-door", "169.254.170.0/24"),
            Network("upper-half", "fd00::/64", "169.254.169.128/25"),
            Network("exact", "169.254.169.0/24"),
            Network("v6-only", "fe80::/64"),
            Network("just-below", "169.254.168.0/24"),
        ]);

        Assert.Equal(["all-link-local", "upper-half", "exact"], holders.Select(h => h.Name));
    }

    [Theory]
    [InlineData("range-metadata", "botbottle-1-range-ab-metadata", true)]
    [InlineData("range-network", "botbottle-1-range-ab-metadata", true)]
    [InlineData("range-network", "botbottle-1-range-ab-outside", false)]
    [InlineData("users-own", "botbottle-1-range-ab-metadata", false)]
    public void A_holder_is_waited_for_only_when_it_is_a_probe_range_s_metadata_network(string role, string name, bool range)
    {
        var labels = new Dictionary<string, string> { [ResourceLabels.Harness] = ResourceLabels.HarnessName, [ResourceLabels.Role] = role };
        var network = new NetworkDetails(name, name, "br-x", [new("169.254.169.0/24", null)], new Dictionary<string, NetworkMember>()) { Labels = labels };

        Assert.Equal(range, MetadataSubnet.IsRange(network));
        // The control: the same network without the harness's label is somebody else's.
        Assert.False(MetadataSubnet.IsRange(network with { Labels = new Dictionary<string, string> { [ResourceLabels.Role] = role } }));
    }

    [Fact]
    public async Task Ranges_of_one_process_take_turns_in_the_order_they_asked_however_long_they_wait()
    {
        var engine = "test://" + Guid.NewGuid();
        var logger = new RecordingLogger();
        var report = TimeSpan.FromMilliseconds(40);
        var first = await MetadataSubnet.TurnAsync(engine, "first", TimeSpan.FromMinutes(1), logger, Ct, report);
        var waiters = new List<(string Name, Task<SemaphoreSlim> Turn)>();
        foreach (var name in (string[])["second", "third", "fourth"])
        {
            waiters.Add((name, MetadataSubnet.TurnAsync(engine, name, TimeSpan.FromMinutes(1), logger, Ct, report)));
            await Task.Delay(70, Ct);
        }

        // Held across many report intervals: a waiter that asked again after each would lose its place.
        await Task.Delay(500, Ct);
        Assert.DoesNotContain(waiters, w => w.Turn.IsCompleted);
        Assert.Contains(logger.Lines, l => l == "probe range fourth waits its turn for the metadata subnet 169.254.169.0/24 behind another range of this process");

        var order = new List<string>();
        first.Release();
        for (var i = 0; i < waiters.Count; i++)
        {
            var next = await Task.WhenAny(waiters.Where(w => !order.Contains(w.Name)).Select(w => w.Turn)).WaitAsync(TimeSpan.FromSeconds(10), Ct);
            order.Add(waiters.Single(w => w.Turn == next).Name);
            await Task.Delay(100, Ct);
            Assert.Equal(i + 1, waiters.Count(w => w.Turn.IsCompleted));
            (await next).Release();
        }

        Assert.Equal(["second", "third", "fourth"], order);

        // The control: a turn that is never given back ends the wait, saying why.
        var stuck = await MetadataSubnet.TurnAsync(engine, "holder", TimeSpan.FromMinutes(1), logger, Ct);
        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => MetadataSubnet.TurnAsync(engine, "fifth", TimeSpan.FromMilliseconds(200), logger, Ct, report));
        Assert.Contains("another probe range of this process", timeout.Message, StringComparison.Ordinal);
        stuck.Release();
    }

    [Fact]
    [Trait("Category", "Docker")]
    public async Task A_range_of_another_process_is_waited_for_and_named_and_the_subnet_is_taken_when_it_goes()
    {
        await UsingASubnetAsync(MetadataSubnet.Role, async (engine, cidr, holder) =>
        {
            var logger = new RecordingLogger();
            var taker = BottleNames.NewBottleName() + "-taker";
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var waiting = MetadataSubnet.CreateWhenFreeAsync(engine, "waiter", cidr, ct => CreateAsync(engine, taker, cidr, MetadataSubnet.Role), TimeSpan.FromMinutes(2), logger, stop.Token);
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2), Ct);
                Assert.False(waiting.IsCompleted, waiting.Exception?.ToString());
                Assert.Contains(logger.Lines, l => l.Contains($"waits for the metadata subnet {cidr}, held by network {holder.Name} (session {BottleNames.SessionId}", StringComparison.Ordinal));

                await holder.RemoveAsync(Ct);
                await waiting.WaitAsync(TimeSpan.FromSeconds(30), Ct);
                var taken = await EngineNetwork.InspectAsync(engine, taker, Ct);
                Assert.Equal([cidr], taken.Subnets.Select(s => s.Subnet));
            }
            finally
            {
                await stop.CancelAsync();
                await Task.WhenAny(waiting);
                await EngineNetwork.RemoveAsync(engine.Client, taker, CancellationToken.None);
            }
        });
    }

    [Fact]
    [Trait("Category", "Docker")]
    public async Task A_range_that_does_not_let_go_within_the_patience_fails_the_wait_naming_it()
    {
        await UsingASubnetAsync(MetadataSubnet.Role, async (engine, cidr, holder) =>
        {
            var timeout = await Assert.ThrowsAsync<TimeoutException>(() =>
                MetadataSubnet.CreateWhenFreeAsync(engine, "waiter", cidr, ct => CreateAsync(engine, BottleNames.NewBottleName() + "-taker", cidr, MetadataSubnet.Role), TimeSpan.FromSeconds(1), NullLogger.Instance, Ct));

            Assert.Contains($"{cidr} stayed taken for 00:00:01: network {holder.Name}", timeout.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    [Trait("Category", "Docker")]
    public async Task A_network_that_is_not_a_probe_range_s_fails_the_range_at_once_naming_it()
    {
        await UsingASubnetAsync("users-own", async (engine, cidr, holder) =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                MetadataSubnet.CreateWhenFreeAsync(engine, "waiter", cidr, ct => CreateAsync(engine, BottleNames.NewBottleName() + "-taker", cidr, MetadataSubnet.Role), TimeSpan.FromMinutes(2), NullLogger.Instance, Ct));

            Assert.Contains($"{cidr} is held by network '{holder.Name}', which is not a BotBottle probe range", refused.Message, StringComparison.Ordinal);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"refused after {clock.Elapsed}");
        });
    }

    [Fact]
    [Trait("Category", "Docker")]
    public async Task A_container_left_on_a_range_s_metadata_network_does_not_keep_the_subnet_from_the_next_range()
    {
        await BackendGate.RequireAsync(new DockerBackend());
        var engine = await EngineProvider.For().GetAsync(Ct);

        // A bottle kept for debugging stays on the range's networks after the range is disposed.
        await using var kept = await ScratchContainer.StartAsync(engine, TestImages.Bundle, ["/bin/sh", "-c", "sleep 300"], onBottleNetwork: true, "kept");
        var range = await ProbeRange.CreateAsync(TestImages.Bundle, cancellationToken: Ct);
        try
        {
            await kept.Container.ConnectAsync(range.MetadataNetwork, null, Ct);
        }
        finally
        {
            await range.DisposeAsync();
        }

        Assert.DoesNotContain(await EngineNetwork.ListAsync(engine, Ct), n => n.Name == range.MetadataNetwork);
        Assert.True((await kept.Container.InspectAsync(Ct)).Running, "the kept container is let go of, not removed");
    }

    /// <summary>
    /// Runs <paramref name="test"/> with a network of this test in <paramref name="role"/> holding a link-local /24 of
    /// its own (never the metadata subnet itself, which other ranges of this and other processes take meanwhile).
    /// </summary>
    private static async Task UsingASubnetAsync(string role, Func<DockerEngine, string, EngineNetwork, Task> test)
    {
        await BackendGate.RequireAsync(new DockerBackend());
        var engine = await EngineProvider.For().GetAsync(Ct);
        var cidr = $"169.254.{System.Security.Cryptography.RandomNumberGenerator.GetInt32(100, 160)}.0/24";
        var holder = await CreateAsync(engine, BottleNames.NewBottleName() + "-holder", cidr, role);
        try
        {
            await test(engine, cidr, holder);
        }
        finally
        {
            await holder.RemoveAsync(CancellationToken.None);
        }
    }

    private static Task<EngineNetwork> CreateAsync(DockerEngine engine, string name, string cidr, string role) =>
        EngineNetwork.CreateAsync(engine, new NetworkRequest(name, name, role) { Subnets = [new(cidr)] }, NullLogger.Instance);
}
