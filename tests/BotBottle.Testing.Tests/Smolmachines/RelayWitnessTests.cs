using System.Net;
using System.Net.Sockets;
using System.Text;
using BotBottle.Testing.Probes;
using BotBottle.Testing.Smolmachines;
using BotBottle.Testing.Tests.Support;
using BotBottle.Testing.Witness;
using Microsoft.Extensions.Logging.Abstractions;

namespace BotBottle.Testing.Tests.Smolmachines;

/// <summary>
/// The smolmachines wire witness: every connection through the machine's host relay, and smolvm's own record of the
/// machine's network. A relay connection to the bundle's proxy is expected; a relay dial anywhere else, or a record
/// that shows a network, is a finding; a record that cannot be read leaves the report incomplete.
/// </summary>
public sealed class RelayWitnessTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _folder = Directory.CreateTempSubdirectory("bbt-witness-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    [Trait("Category", "EmulatedSmolvm")]
    public async Task The_emulated_reference_bottle_lists_its_relay_connections_as_expected_and_shows_only_bundle_traffic()
    {
        using var smolvm = new EmulatedSmolvm();
        var backend = smolvm.Backend();
        await BackendGate.RequireAsync(backend);
        await using var bottle = new BottleBuilder().WithBackend(backend).Build();
        await bottle.StartAsync(Ct);
        var witness = Assert.IsAssignableFrom<WireWitness>(bottle.Witness);
        var before = (await witness.ReadAsync(Ct)).Expected.Count;

        // The agent asks the proxy for a name it does not allow: a denial, nothing dialled past the bundle.
        var asked = await bottle.ExecAsync($"curl -s -o /dev/null -w '%{{http_code}}' -x {bottle.Bundle.ProxyUrl} http://not-allowed.botbottle.invalid/", cancellationToken: Ct);
        Assert.Equal("403", asked.Stdout);
        var report = await witness.ReadAsync(Ct).ShouldShowOnlyBundleTraffic();
        TestContext.Current.TestOutputHelper?.WriteLine(report.Describe());

        // The preflight and the readiness checks went through the relay before the curl: all of it was recorded from the launch on.
        Assert.True(before >= 2, report.Describe());
        Assert.True(report.Expected.Count > before, report.Describe());
        Assert.Equal(report.Frames, report.Flows.Count);
        Assert.All(report.Flows, f => Assert.Equal((WireWitness.FlowKind.Expected, "relay tcp", "the bundle's proxy", (int?)bottle.Bundle.ProxyPort), (f.Kind, f.Protocol, f.Destination, f.Port)));
        var curl = report.Expected[^1];
        Assert.True(curl.BytesSent > 0 && curl.BytesReceived > 0, curl.ToString());
        Assert.Contains("bytes sent", curl.ToString(), StringComparison.Ordinal);
        Assert.Null(report.Problem);
    }

    [Theory]
    [Trait("Category", "EmulatedSmolvm")]
    [InlineData(new[] { "--net" }, "network true")]
    [InlineData(new[] { "--allow-cidr", "10.0.0.0/8" }, "network true")]
    [InlineData(new[] { "-p", "18080:80" }, "1 published port")]
    public async Task A_machine_whose_record_shows_a_network_fails_the_witness_naming_it(string[] weakened, string shown)
    {
        using var smolvm = new EmulatedSmolvm();
        var backend = smolvm.Backend();
        await BackendGate.RequireAsync(backend);
        var cli = await backend.GetCliAsync(Ct);
        var version = await cli.GetVersionAsync(Ct);
        Assert.Equal(0, (await smolvm.RunAsync(["machine", "create", "--name", "isolated"])).ExitCode);
        Assert.Equal(0, (await smolvm.RunAsync(["machine", "create", "--name", "weakened", .. weakened])).ExitCode);

        // The control: a machine created as the harness creates it (no network flag) shows nothing.
        (await Witness(new RelayLog(), cli, version, "isolated").ReadAsync(Ct)).ShouldShowOnlyBundleTraffic();

        var report = await Witness(new RelayLog(), cli, version, "weakened").ReadAsync(Ct);
        Assert.False(report.ShowsOnlyBundleTraffic);
        Assert.Null(report.Problem);
        var finding = Assert.Single(report.Findings, f => f.Destination.StartsWith(shown, StringComparison.Ordinal));
        Assert.Equal(("smolvm record", "machine weakened"), (finding.Protocol, finding.Source));
        var thrown = Assert.Throws<IsolationAssertionException>(() => report.ShouldShowOnlyBundleTraffic());
        Assert.Contains(shown, thrown.Message, StringComparison.Ordinal);

        // The emulator records such a machine but never boots it: no guest of it reaches any network.
        var start = await smolvm.RunAsync(["machine", "start", "--name", "weakened"]);
        Assert.Equal(1, start.ExitCode);
        Assert.Contains("the emulator does not emulate guest networking", start.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("echo '[]'", "does not list machine 'm1'")]
    [InlineData("echo '[{\"name\":\"m1\",\"state\":\"running\"}]'", "does not say whether it has a network")]
    [InlineData("echo 'No machines found'", "did not print an array of machines")]
    [InlineData("echo 'Error: database is locked' >&2; exit 1", "database is locked")]
    public async Task A_record_that_cannot_be_read_leaves_the_report_incomplete_never_a_pass(string answer, string problem)
    {
        var report = await Witness(new RelayLog(), FakeSmolvm(answer), SmolvmVersion.Parse("smolvm 1.9.3"), "m1").ReadAsync(Ct);

        Assert.False(report.ShowsOnlyBundleTraffic);
        Assert.Contains(problem, report.Problem, StringComparison.Ordinal);
        Assert.Throws<IsolationAssertionException>(() => report.ShouldShowOnlyBundleTraffic());
    }

    [Fact]
    public async Task The_relay_dials_only_the_bundle_proxy_whatever_the_guest_asks_and_any_other_dial_is_a_finding()
    {
        // The test's own stand-in for the bundle's proxy, on this host's loopback: it answers every request with a denial.
        using var proxy = new TcpListener(IPAddress.Loopback, 0);
        proxy.Start();
        var proxyEnd = (IPEndPoint)proxy.LocalEndpoint;
        var reply = "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"u8.ToArray();
        var answering = Task.Run(async () =>
        {
            using var upstream = await proxy.AcceptSocketAsync(Ct);
            var buffer = new byte[1024];
            var read = 0;
            while (!Encoding.ASCII.GetString(buffer, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                read += await upstream.ReceiveAsync(buffer.AsMemory(read), Ct);
            }

            await upstream.SendAsync(reply, Ct);
            upstream.Shutdown(SocketShutdown.Send);
            return read;
        });
        await using var bridge = ProxyBridge.Start(proxyEnd.Port, null, NullLogger.Instance);

        // The guest asks the relay for another destination: the relay has no way to be asked, it carries bytes to the one endpoint.
        var request = "CONNECT 192.0.2.7:22 HTTP/1.1\r\nHost: 192.0.2.7:22\r\n\r\n"u8.ToArray();
        using (var guest = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            await guest.ConnectAsync(new UnixDomainSocketEndPoint(bridge.SocketPath), Ct);
            await guest.SendAsync(request, Ct);
            guest.Shutdown(SocketShutdown.Send);
            var received = 0;
            var buffer = new byte[1024];
            for (int n; (n = await guest.ReceiveAsync(buffer, Ct)) > 0;)
            {
                received += n;
            }

            Assert.Equal(reply.Length, received);
        }

        Assert.Equal(request.Length, await answering);
        var record = await WaitForBytesAsync(bridge.Log, reply.Length);
        Assert.Equal(proxyEnd, record.Dialled);
        Assert.Equal(request.Length, record.BytesSent);

        var listed = FakeSmolvm("echo '[{\"name\":\"m1\",\"network\":false,\"ports\":0}]'");
        var version = SmolvmVersion.Parse("smolvm 1.9.3");
        var report = await new RelayWitness(bridge.Log, bridge.Target, 3128, listed, version, "m1").ReadAsync(Ct).ShouldShowOnlyBundleTraffic();
        var flow = Assert.Single(report.Expected);
        Assert.Equal(((long?)request.Length, (long?)reply.Length, (int?)3128), (flow.BytesSent, flow.BytesReceived, flow.Port));

        // A record of a dial anywhere but the bundle's proxy (which the bridge cannot make) is a finding naming it.
        var elsewhere = new RelayLog();
        elsewhere.Open(new IPEndPoint(IPAddress.Parse("192.0.2.7"), 22)).Sent(10);
        var weakened = await new RelayWitness(elsewhere, bridge.Target, 3128, listed, version, "m1").ReadAsync(Ct);
        var finding = Assert.Single(weakened.Findings);
        Assert.Equal(("192.0.2.7", (int?)22), (finding.Destination, finding.Port));
        Assert.False(weakened.ShowsOnlyBundleTraffic);
    }

    private static RelayWitness Witness(RelayLog log, SmolvmCli cli, SmolvmVersion version, string machine) =>
        new(log, new IPEndPoint(IPAddress.Loopback, 9), 3128, cli, version, machine);

    /// <summary>A smolvm that answers every call with <paramref name="script"/> (for records the emulator never prints).</summary>
    private SmolvmCli FakeSmolvm(string script)
    {
        var path = Path.Combine(_folder, "smolvm-" + Guid.NewGuid().ToString("N")[..8]);
        File.WriteAllText(path, "#!/bin/sh\n" + script + "\n");
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        return new SmolvmCli(path, new Dictionary<string, string?>(), NullLogger.Instance);
    }

    /// <summary>The relay's record once the reply's bytes are counted (the relay counts as it forwards, beside the guest's read).</summary>
    private static async Task<RelayRecord> WaitForBytesAsync(RelayLog log, int received)
    {
        for (var i = 0; i < 100; i++)
        {
            if (log.Read() is [var only] && only.BytesReceived == received)
            {
                return only;
            }

            await Task.Delay(20, Ct);
        }

        return Assert.Single(log.Read());
    }
}
