using BotBottle.Testing.Probes;
using BotBottle.Testing.Tests.Support;
using BotBottle.Testing.Witness;
using BotBottle.Testing.Witness.Docker;
using BotBottle.Testing.Processes;

namespace BotBottle.Testing.Tests.Witness;

/// <summary>
/// The docker wire witness on a real engine: it records what the agent sends from outside the agent, names every frame the
/// bottle contract does not allow, and goes with the bottle.
/// </summary>
[Trait("Category", "Docker")]
public sealed class WireWitnessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Opens and closes one TCP connection from the agent (bash's /dev/tcp), as <paramref name="user"/>.</summary>
    private static Task<BottleExecResult> ConnectAsync(IBottle bottle, string address, int port, string user = GuestUsers.Agent) =>
        bottle.ExecAsync(["bash", "-c", "exec 3<>/dev/tcp/$0/$1 && exec 3>&-", address, port.ToString(System.Globalization.CultureInfo.InvariantCulture)], user, Ct);

    [Fact]
    public async Task The_reference_bottles_witness_shows_its_proxy_traffic_and_nothing_else()
    {
        var backend = new DockerBackend();
        await BackendGate.RequireAsync(backend);
        await using var bottle = await backend.LaunchAsync(TestImages.Spec, Ct);
        Assert.Equal(0, (await ConnectAsync(bottle, bottle.Bundle.Address, bottle.Bundle.ProxyPort)).ExitCode);

        var report = await bottle.Witness!.ReadAsync(Ct);
        TestContext.Current.TestOutputHelper?.WriteLine(report.Describe());

        // The positive control: the connection just made is on the wire, so a dead capture cannot pass.
        Assert.True(report.Expected.Any(f => f.Protocol == "IPv4 tcp" && f.Destination == bottle.Bundle.Address && f.Port == bottle.Bundle.ProxyPort && f.Frames >= 3), report.Describe());
        Assert.Empty(report.Findings);
        Assert.Null(report.Problem);
        report.ShouldShowOnlyBundleTraffic();
    }

    /// <summary>
    /// Root sends one raw IPv6 frame (UDP from fe80::1 to fd00::bb:1, port 9) over an AF_PACKET socket, written by hand:
    /// the frame no socket of the kernel's own would send, which only CAP_NET_RAW allows.
    /// </summary>
    private const string RawIpv6Frame = """
        open my $f, '<', '/sys/class/net/eth0/ifindex' or die "ifindex: $!"; my $if = <$f>; chomp $if;
        open $f, '<', '/sys/class/net/eth0/address' or die "address: $!"; my $mac = <$f>; chomp $mac;
        my $src = pack('H12', join('', split /:/, $mac));
        socket(my $s, 17, 3, 0) or die "socket: $!";
        my $ip6 = pack('NnCC', 0x60000000, 8, 17, 64) . pack('n8', 0xfe80, 0, 0, 0, 0, 0, 0, 1) . pack('n8', 0xfd00, 0, 0, 0, 0, 0, 0xbb, 1);
        my $frame = ("\xff" x 6) . $src . pack('n', 0x86dd) . $ip6 . pack('nnnn', 40000, 9, 8, 0);
        defined(send($s, $frame, 0, pack('SnISCCa8', 17, 0x86dd, $if, 0, 0, 6, "\xff" x 6))) or die "send: $!";
        print "sent\n";
        """;

    [Fact]
    public async Task A_raw_ipv6_frame_that_root_sends_from_an_over_privileged_agent_is_named_and_fails_the_witness()
    {
        var backend = new DockerBackend();
        await BackendGate.RequireAsync(backend);
        IBottle bottle;
        using (AgentHardening.GrantForTest("NET_RAW"))
        {
            bottle = await backend.LaunchAsync(TestImages.Spec, Ct);
        }

        await using (bottle)
        {
            var sent = await bottle.ExecAsync(["perl", "-e", RawIpv6Frame], GuestUsers.Root, Ct);
            Assert.True(sent.ExitCode == 0, sent.Stderr);

            var report = await bottle.Witness!.ReadAsync(Ct);
            TestContext.Current.TestOutputHelper?.WriteLine(report.Describe());

            var frame = Assert.Single(report.Findings, f => f.Destination == "fd00::bb:1");
            Assert.Equal("IPv6 udp", frame.Protocol);
            Assert.Equal(9, frame.Port);
            Assert.Equal("fe80::1", frame.Source);
            var failure = Assert.Throws<IsolationAssertionException>(() => report.ShouldShowOnlyBundleTraffic());
            Assert.Contains("fd00::bb:1", failure.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Without_the_granted_capability_roots_raw_frame_is_refused_so_the_seam_is_what_makes_it_possible()
    {
        var backend = new DockerBackend();
        await BackendGate.RequireAsync(backend);
        await using var bottle = await backend.LaunchAsync(TestImages.Spec, Ct);

        var sent = await bottle.ExecAsync(["perl", "-e", RawIpv6Frame], GuestUsers.Root, Ct);

        Assert.NotEqual(0, sent.ExitCode);
        Assert.Contains("socket: Operation not permitted", sent.Stderr, StringComparison.Ordinal);
        (await bottle.Witness!.ReadAsync(Ct)).ShouldShowOnlyBundleTraffic();
    }

    [Fact]
    public async Task A_direct_connection_to_a_decoy_the_test_attached_is_a_finding_unless_named_as_a_probe_destination()
    {
        var backend = new DockerBackend();
        var engine = await EngineAsync(backend);
        await using var bottle = await backend.LaunchAsync(TestImages.Spec, Ct);
        var decoyNetwork = await EngineNetwork.CreateAsync(engine, new NetworkRequest(bottle.Name + "-decoy-net", bottle.Name, "decoy"), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        EngineContainer? decoy = null;
        try
        {
            decoy = await EngineContainer.CreateAsync(engine, new ContainerRequest(bottle.Name + "-decoy", ReferenceImageNames.Prober, bottle.Name, "decoy")
            {
                Entrypoint = ["nc", "-lk", "-p", "8080"],
                Network = decoyNetwork.Name,
            });
            await decoy.StartAsync(Ct);
            await decoy.ConnectAsync(bottle.Bundle.NetworkName, null, Ct);
            var address = (await decoy.EndpointOnAsync(bottle.Bundle.NetworkName, Ct))!.IPAddress;

            var connected = await ConnectAsync(bottle, address, 8080);
            Assert.True(connected.ExitCode == 0, connected.Stderr);

            var report = await bottle.Witness!.ReadAsync(Ct);
            TestContext.Current.TestOutputHelper?.WriteLine(report.Describe());
            var finding = Assert.Single(report.Findings, f => f.Destination == address);
            Assert.Equal(("IPv4 tcp", 8080, bottle.AgentAddress), (finding.Protocol, finding.Port, finding.Source));
            Assert.Contains(address + " port 8080", Assert.Throws<IsolationAssertionException>(() => report.ShouldShowOnlyBundleTraffic()).Message, StringComparison.Ordinal);

            var named = await bottle.Witness.ReadAsync([new WireWitness.Destination(address, 8080)], Ct);
            Assert.Contains(named.ProbeAttempts, f => f.Destination == address && f.Port == 8080);
            Assert.DoesNotContain(named.Findings, f => f.Destination == address);
        }
        finally
        {
            if (decoy is not null)
            {
                await decoy.RemoveAsync(CancellationToken.None);
            }

            await decoyNetwork.RemoveAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task The_witness_goes_with_its_bottle()
    {
        var backend = new DockerBackend();
        var engine = await EngineAsync(backend);
        var bottle = await backend.LaunchAsync(TestImages.Spec, Ct);
        var witness = Assert.IsType<BridgeWitness>(bottle.Witness);
        var inspect = await engine.Client.Containers.InspectContainerAsync(witness.ContainerId, Ct);
        var host = inspect.HostConfig!;
        Assert.Equal("host", host.NetworkMode);
        Assert.Equal(["ALL"], host.CapDrop);
        Assert.Equal(["NET_ADMIN", "NET_RAW", "SETGID", "SETUID"], host.CapAdd.Order(StringComparer.Ordinal));
        Assert.Empty(host.MaskedPaths ?? []);
        Assert.Contains("no-new-privileges", host.SecurityOpt);
        Assert.Equal(bottle.Name, inspect.Config!.Labels[ResourceLabels.Bottle]);

        await bottle.DisposeAsync();

        await Assert.ThrowsAsync<global::Docker.DotNet.DockerContainerNotFoundException>(() => engine.Client.Containers.InspectContainerAsync(witness.ContainerId, Ct));
        var left = await EngineSweeper.ListAsync(engine.Client, BottleNames.SessionId, Ct);
        Assert.DoesNotContain(left, r => r.Contains(bottle.Name, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("start agent")]
    [InlineData("wait for bundle")]
    public async Task A_launch_that_fails_after_the_witness_started_leaves_no_witness(string step)
    {
        var backend = new DockerBackend();
        var engine = await EngineAsync(backend);
        var spec = TestImages.Spec with { Name = "bbt-" + BottleNames.SessionId + "-nowitness-" + step.Replace(' ', '-') };

        BottleLaunchException error;
        using (LaunchFaults.Inject(step, new InvalidOperationException("not today")))
        {
            error = await Assert.ThrowsAsync<BottleLaunchException>(() => backend.LaunchAsync(spec, Ct));
        }

        Assert.Equal(step, error.Step);
        var left = await EngineSweeper.ListAsync(engine.Client, BottleNames.SessionId, Ct);
        Assert.DoesNotContain(left, r => r.Contains(spec.Name!, StringComparison.Ordinal));
    }

    private static async Task<DockerEngine> EngineAsync(DockerBackend backend)
    {
        await BackendGate.RequireAsync(backend);
        return await EngineProvider.For().GetAsync(Ct);
    }
}
