using BotBottle.Testing.Guest;
using BotBottle.Testing.Launch;
using BotBottle.Testing.Range;
using BotBottle.Testing.Tests.Support;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace BotBottle.Testing.Tests.Docker;

/// <summary>
/// The first isolation checks, each with a positive control so it cannot pass by accident. Every
/// address dialled belongs to a container, network or listener this test run created.
/// </summary>
[Trait("Category", "Isolation")]
public sealed class DockerIsolationTests(ReferenceBottleFixture fixture) : IClassFixture<ReferenceBottleFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Dial(string host, int port) => GuestScripts.TcpDial(host, port);

    [Fact]
    public async Task Loopback_is_refused_inside_the_agent()
    {
        var result = await fixture.Bottle.ExecAsync(Dial("127.0.0.1", 9), cancellationToken: Ct);

        Assert.Contains("Connection refused", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_egress_port_is_refused_on_the_bundle_address_while_the_proxy_port_accepts()
    {
        var bottle = fixture.Bottle;
        var egressOnBundleLoopback = await bottle.ExecInBundleAsync("grep -q '0100007F:238B 00000000:0000 0A' /proc/net/tcp && ! grep -q '00000000:238B 00000000:0000 0A' /proc/net/tcp && echo listening", Ct);
        var proxy = await bottle.ExecAsync(Dial(bottle.Bundle.Address, bottle.Bundle.ProxyPort), cancellationToken: Ct);
        var egress = await bottle.ExecAsync(Dial(bottle.Bundle.Address, 9099), cancellationToken: Ct);

        Assert.Equal("listening\n", egressOnBundleLoopback.Stdout);
        Assert.Contains("connected", proxy.Stdout, StringComparison.Ordinal);
        Assert.Contains("Connection refused", egress.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_listener_on_all_interfaces_is_unreachable_from_the_agent_but_reachable_from_a_plain_internal_network()
    {
        var bottle = fixture.Bottle;
        var engine = await EngineProvider.For().GetAsync(Ct);
        await using var teardown = new TeardownStack(NullLogger.Instance);
        var port = await EngineHostService.StartAsync(engine, teardown, TestImages.Bundle, bottle.Name + "-hostsvc", bottle.Name, Ct);

        // Positive control: a plain --internal network (made by this test) still reaches the host via its gateway.
        var controlNet = await engine.Client.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = bottle.Name + "-control", Internal = true, Labels = ResourceLabels.For(bottle.Name, "control") }, Ct);
        try
        {
            var controlGateway = await GatewayOfAsync(engine, controlNet.ID);
            var control = await RunOnceAsync(engine, controlNet.ID, bottle.Name, Dial(controlGateway, port));
            Assert.Contains("connected", control, StringComparison.Ordinal);
        }
        finally
        {
            await EngineNetwork.RemoveAsync(engine.Client, controlNet.ID, CancellationToken.None);
        }

        var bottleGateway = await GatewayOfAsync(engine, bottle.Bundle.NetworkName);
        var fromAgent = await bottle.ExecAsync(Dial(bottleGateway, port), cancellationToken: Ct);

        Assert.DoesNotContain("connected", fromAgent.Stdout, StringComparison.Ordinal);
        Assert.Matches("rc=(1|124)", fromAgent.Stdout);
    }

    private static async Task<string> GatewayOfAsync(DockerEngine engine, string network)
    {
        var inspect = await EngineNetwork.InspectAsync(engine, network, Ct);
        return ProbeRange.BottleGateway(inspect.Subnets) ?? throw new InvalidOperationException($"{network} has no IPv4 subnet");
    }

    private static async Task<string> RunOnceAsync(DockerEngine engine, string network, string bottle, string script)
    {
        var created = await engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = TestImages.Agent,
            Entrypoint = ["/bin/sh", "-c", "while :; do sleep 3600; done"],
            Labels = ResourceLabels.For(bottle, "control"),
            HostConfig = new HostConfig { NetworkMode = network, Init = true },
        }, Ct);
        try
        {
            await engine.Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), Ct);
            var result = await EngineExec.RunAsync(engine.Client, created.ID, ["/bin/bash", "-c", script], "0", [], Ct);
            return result.Stdout;
        }
        finally
        {
            await EngineContainer.RemoveAsync(engine.Client, created.ID, CancellationToken.None);
        }
    }
}
