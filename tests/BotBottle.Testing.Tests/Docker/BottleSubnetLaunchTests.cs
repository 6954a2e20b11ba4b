using System.Security.Cryptography;
using BotBottle.Testing.Bundles;
using BotBottle.Testing.Tests.Support;
using Docker.DotNet.Models;

namespace BotBottle.Testing.Tests.Docker;

/// <summary>
/// The bottle network's subnet is the harness's, so the bundle's address is known before the bundle starts and the
/// agent (whose only resolver it is) starts beside the bundle; a subnet the engine says is taken is passed over, and
/// when every one tried is, the engine chooses and the agent starts after the bundle, as before.
/// </summary>
[Trait("Category", "Docker")]
public sealed class BottleSubnetLaunchTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_agent_is_created_while_the_bundle_starts_and_resolves_only_through_the_bundle_s_fixed_address()
    {
        var (engine, backend) = await EngineAsync();
        await using var bottle = await backend.LaunchAsync(TestImages.Spec, Ct);
        var (bundle, agent) = await InspectAsync(engine, bottle);

        Assert.StartsWith("198.1", bottle.Bundle.Address, StringComparison.Ordinal);
        Assert.Equal(bottle.Bundle.Address, bundle.NetworkSettings!.Networks[bottle.Bundle.NetworkName].IPAddress);
        Assert.Equal([bottle.Bundle.Address], agent.HostConfig!.DNS);
        // Created beside the bundle's start, not after its readiness: the requests are in flight at once (the witness's
        // create beside them), so on a busy engine the create can land up to a couple of hundred milliseconds after the
        // start (94 ms seen on the docker-in-docker engine); after readiness it would come only once the bundle's init
        // had installed its outbound policy and started its daemons.
        Assert.True(agent.Created.ToUniversalTime() < StartedAt(bundle) + TimeSpan.FromMilliseconds(250), $"agent created {agent.Created.ToUniversalTime():O}, bundle started {StartedAt(bundle):O}");
        Assert.Equal(0, (await bottle.ExecAsync("true", cancellationToken: Ct)).ExitCode);
    }

    [Fact]
    public async Task A_subnet_the_engine_says_is_taken_is_passed_over_for_the_next()
    {
        var (engine, backend) = await EngineAsync();
        var (taken, next) = TwoBlocks();
        await using var occupied = await OccupyAsync(engine, taken);

        using (BottleSubnet.PickInOrder(taken, next))
        {
            await using var bottle = await backend.LaunchAsync(TestImages.Spec, Ct);

            Assert.Equal(next.BundleAddress, bottle.Bundle.Address);
        }
    }

    [Fact]
    public async Task When_every_subnet_tried_is_taken_the_engine_chooses_and_the_agent_starts_after_the_bundle()
    {
        var (engine, backend) = await EngineAsync();
        var (taken, _) = TwoBlocks();
        await using var occupied = await OccupyAsync(engine, taken);

        using (BottleSubnet.PickInOrder(Enumerable.Repeat(taken, BottleSubnet.Attempts).ToArray()))
        {
            await using var bottle = await backend.LaunchAsync(TestImages.Spec, Ct);
            var (bundle, agent) = await InspectAsync(engine, bottle);

            Assert.DoesNotContain(bottle.Bundle.Address, taken.Request.Subnet, StringComparison.Ordinal);
            Assert.Equal([bottle.Bundle.Address], agent.HostConfig!.DNS);
            Assert.True(agent.Created.ToUniversalTime() > StartedAt(bundle), $"agent created {agent.Created.ToUniversalTime():O}, bundle started {StartedAt(bundle):O}");
            Assert.Equal(0, (await bottle.ExecAsync("true", cancellationToken: Ct)).ExitCode);
        }
    }

    private static async Task<(DockerEngine Engine, DockerBackend Backend)> EngineAsync()
    {
        var backend = new DockerBackend();
        await BackendGate.RequireAsync(backend);
        return (await EngineProvider.For().GetAsync(Ct), backend);
    }

    /// <summary>Two neighbouring blocks at a random place in the pool (so parallel tests do not meet).</summary>
    private static (BottleSubnet Taken, BottleSubnet Next) TwoBlocks()
    {
        var index = RandomNumberGenerator.GetInt32(BottleSubnet.Blocks - 1);
        return (BottleSubnet.OfBlock(index), BottleSubnet.OfBlock(index + 1));
    }

    /// <summary>A labelled network of this test on <paramref name="subnet"/>, so the engine refuses it to the launch.</summary>
    private static async Task<IAsyncDisposable> OccupyAsync(DockerEngine engine, BottleSubnet subnet)
    {
        var name = BottleNames.NewBottleName();
        var network = await EngineNetwork.CreateAsync(engine, new NetworkRequest(name + "-occupied", name, "occupied") { Subnets = [subnet.Request] }, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        return new Removal(network);
    }

    private static async Task<(ContainerInspectResponse Bundle, ContainerInspectResponse Agent)> InspectAsync(DockerEngine engine, IBottle bottle) =>
        (await engine.Client.Containers.InspectContainerAsync(bottle.Name + "-bundle", Ct), await engine.Client.Containers.InspectContainerAsync(bottle.Name + "-agent", Ct));

    private static DateTime StartedAt(ContainerInspectResponse container) =>
        DateTime.Parse(container.State!.StartedAt, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);

    private sealed class Removal(EngineNetwork network) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => new(network.RemoveAsync(CancellationToken.None));
    }
}
