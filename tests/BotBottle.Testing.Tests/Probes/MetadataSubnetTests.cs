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
    public async Task Ranges_of_one_process_take_turns_in_the_order_they_asked()
    {
        var engine = "test://" + Guid.NewGuid();
        var first = await MetadataSubnet.TurnAsync(engine, "first", TimeSpan.FromMinutes(1), NullLogger.Instance, Ct);
        var second = MetadataSubnet.TurnAsync(engine, "second", TimeSpan.FromMinutes(1), NullLogger.Instance, Ct);
        var third = MetadataSubnet.TurnAsync(engine, "third", TimeSpan.FromMinutes(1), NullLogger.Instance, Ct);
        await Task.Delay(200, Ct);
        Assert.False(second.IsCompleted || third.IsCompleted);

        first.Release();
        (await second).Release();
        await third.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        // The control: a turn that is never given back ends the wait, saying why.
        var stuck = await Assert.ThrowsAsync<TimeoutException>(() => MetadataSubnet.TurnAsync(engine, "fourth", TimeSpan.FromMilliseconds(200), NullLogger.Instance, Ct));
        Assert.Contains("another probe range of this process", stuck.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Docker")]
    public async Task A_range_of_another_process_is_waited_for_and_named_and_the_subnet_is_taken_when_it_goes()
    {
        await UsingTheSubnetAsync(MetadataSubnet.Role, async (engine, holder) =>
        {
            var logger = new RecordingLogger();
            var taker = BottleNames.NewBottleName() + "-metadata";
            var waiting = MetadataSubnet.CreateWhenFreeAsync(engine, "waiter", ct => CreateAsync(engine, taker, MetadataSubnet.Role), TimeSpan.FromMinutes(2), logger, Ct);
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2), Ct);
                Assert.False(waiting.IsCompleted, waiting.Exception?.ToString());
                Assert.Contains(logger.Lines, l => l.Contains("held by network " + holder.Name + " (session " + BottleNames.SessionId, StringComparison.Ordinal));

                await holder.RemoveAsync(Ct);
                await waiting.WaitAsync(TimeSpan.FromSeconds(30), Ct);
                var taken = await EngineNetwork.InspectAsync(engine, taker, Ct);
                Assert.Equal([MetadataSubnet.Cidr], taken.Subnets.Select(s => s.Subnet));
            }
            finally
            {
                await EngineNetwork.RemoveAsync(engine.Client, taker, CancellationToken.None);
            }
        });
    }

    [Fact]
    [Trait("Category", "Docker")]
    public async Task A_range_that_does_not_let_go_within_the_patience_fails_the_wait_naming_it()
    {
        await UsingTheSubnetAsync(MetadataSubnet.Role, async (engine, holder) =>
        {
            var timeout = await Assert.ThrowsAsync<TimeoutException>(() =>
                MetadataSubnet.CreateWhenFreeAsync(engine, "waiter", ct => CreateAsync(engine, BottleNames.NewBottleName() + "-metadata", MetadataSubnet.Role), TimeSpan.FromSeconds(1), NullLogger.Instance, Ct));

            Assert.Contains("stayed taken for 00:00:01: network " + holder.Name, timeout.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    [Trait("Category", "Docker")]
    public async Task A_network_that_is_not_a_probe_range_s_fails_the_range_at_once_naming_it()
    {
        await UsingTheSubnetAsync("users-own", async (engine, holder) =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                MetadataSubnet.CreateWhenFreeAsync(engine, "waiter", ct => CreateAsync(engine, BottleNames.NewBottleName() + "-metadata", MetadataSubnet.Role), TimeSpan.FromMinutes(2), NullLogger.Instance, Ct));

            Assert.Contains($"held by network '{holder.Name}', which is not a BotBottle probe range", refused.Message, StringComparison.Ordinal);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"refused after {clock.Elapsed}");
        });
    }

    /// <summary>
    /// Runs <paramref name="test"/> with this process's turn and a network of this test holding the subnet in
    /// <paramref name="role"/> (taken the way a range takes it, so another process's range is waited for first).
    /// </summary>
    private static async Task UsingTheSubnetAsync(string role, Func<DockerEngine, EngineNetwork, Task> test)
    {
        await BackendGate.RequireAsync(new DockerBackend());
        var engine = await EngineProvider.For().GetAsync(Ct);
        var turn = await MetadataSubnet.TurnAsync(engine.Endpoint.Uri.ToString(), "test", MetadataSubnet.Patience, NullLogger.Instance, Ct);
        var name = BottleNames.NewBottleName() + "-holder";
        EngineNetwork? holder = null;
        try
        {
            await MetadataSubnet.CreateWhenFreeAsync(engine, "test", async ct => holder = await CreateAsync(engine, name, role), MetadataSubnet.Patience, NullLogger.Instance, Ct);
            await test(engine, holder!);
        }
        finally
        {
            await EngineNetwork.RemoveAsync(engine.Client, name, CancellationToken.None);
            turn.Release();
        }
    }

    private static Task<EngineNetwork> CreateAsync(DockerEngine engine, string name, string role) =>
        EngineNetwork.CreateAsync(engine, new NetworkRequest(name, name, role) { Subnets = [new(MetadataSubnet.Cidr)] }, NullLogger.Instance);
}
