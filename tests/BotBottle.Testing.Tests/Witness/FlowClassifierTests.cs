using System.Buffers.Binary;
using System.Net;
using BotBottle.Testing.Witness;

namespace BotBottle.Testing.Tests.Witness;

/// <summary>The classification of a capture, on frames written by hand: what is context, expected, a probe attempt or a finding.</summary>
public sealed class FlowClassifierTests
{
    private const string AgentMac = "02:42:0a:00:00:02";
    private const string BundleMac = "02:42:0a:00:00:03";
    private const string BridgeMac = "02:42:aa:bb:cc:dd";
    private static readonly WireContext Context = new(BundleMac, IPAddress.Parse("10.0.0.3"), 3128, BridgeMac, IPAddress.Parse("10.0.0.2"));

    [Fact]
    public void A_connection_to_the_proxy_and_its_replies_are_one_expected_flow_and_the_bundles_replies_are_context()
    {
        var report = Classify(
            Ipv4(AgentMac, "10.0.0.2", "10.0.0.3", 6, 40000, 3128),
            Ipv4(BundleMac, "10.0.0.3", "10.0.0.2", 6, 3128, 40000),
            Ipv4(AgentMac, "10.0.0.2", "10.0.0.3", 17, 40001, 53));

        Assert.Equal(1, report.ContextFrames);
        Assert.Equal(["the bundle's proxy", "the bundle's resolver"], report.Flows.Select(f => f.Reason));
        Assert.All(report.Flows, f => Assert.Equal(WireWitness.FlowKind.Expected, f.Kind));
        Assert.True(report.ShowsOnlyBundleTraffic);
    }

    [Fact]
    public void A_frame_that_only_carries_the_bundles_mac_is_a_finding_not_context()
    {
        var report = Classify(Ipv4(BundleMac, "10.0.0.3", "192.0.2.7", 6, 40000, 443));

        var finding = Assert.Single(report.Findings);
        Assert.Equal(("192.0.2.7", 443, "IPv4 tcp"), (finding.Destination, finding.Port, finding.Protocol));
        Assert.False(report.ShowsOnlyBundleTraffic);
    }

    [Fact]
    public void Neighbour_discovery_from_a_link_local_source_is_expected_and_any_other_ipv6_is_a_finding()
    {
        var report = Classify(
            Ipv6(AgentMac, "fe80::2", "ff02::1:ff00:3", 58, icmpType: 135),
            Ipv6(AgentMac, "fd00::2", "ff02::1:ff00:3", 58, icmpType: 135),
            Ipv6(AgentMac, "fe80::2", "ff02::1", 58, icmpType: 128));

        Assert.Equal([WireWitness.FlowKind.Expected, WireWitness.FlowKind.Finding, WireWitness.FlowKind.Finding], report.Flows.Select(f => f.Kind));
    }

    [Fact]
    public void A_probe_destination_is_a_probe_attempt_on_its_port_only()
    {
        var report = Classify(
            [new WireWitness.Destination("10.9.0.5", 22)],
            Ipv4(AgentMac, "10.0.0.2", "10.9.0.5", 6, 40000, 22),
            Ipv4(AgentMac, "10.0.0.2", "10.9.0.5", 6, 40001, 23));

        Assert.Equal([WireWitness.FlowKind.ProbeAttempt, WireWitness.FlowKind.Finding], report.Flows.Select(f => f.Kind));
    }

    [Fact]
    public void A_frame_that_is_not_ip_is_a_finding_and_a_record_cut_short_ends_the_read()
    {
        var lldp = Frame(AgentMac, "01:80:c2:00:00:0e", 0x88CC, new byte[10]);
        var pcap = Pcap(lldp, Ipv4(AgentMac, "10.0.0.2", "10.0.0.3", 6, 40000, 3128));
        var report = WireWitness.Compose(FlowClassifier.Classify(new WitnessCapture("br-test", pcap[..^5], Context, null)), []);

        var finding = Assert.Single(report.Flows);
        Assert.Equal(("ethertype 0x88cc", "01:80:c2:00:00:0e", WireWitness.FlowKind.Finding), (finding.Protocol, finding.Destination, finding.Kind));
        Assert.Equal(1, report.Frames);
    }

    [Fact]
    public void A_capture_that_stopped_or_cannot_be_read_never_shows_only_bundle_traffic()
    {
        Assert.False(WireWitness.Compose(FlowClassifier.Classify(new WitnessCapture("br-test", Pcap(), Context, "the capture stopped")), []).ShowsOnlyBundleTraffic);
        var unreadable = WireWitness.Compose(FlowClassifier.Classify(new WitnessCapture("br-test", [1, 2, 3], Context, null)), []);
        Assert.False(unreadable.ShowsOnlyBundleTraffic);
        Assert.Contains("could not be read", unreadable.Problem, StringComparison.Ordinal);
        Assert.True(WireWitness.Compose(FlowClassifier.Classify(new WitnessCapture("br-test", Pcap(), Context, null)), []).ShowsOnlyBundleTraffic);
    }

    private static WireWitness.Report Classify(params byte[][] frames) => Classify([], frames);

    private static WireWitness.Report Classify(IReadOnlyList<WireWitness.Destination> probes, params byte[][] frames) =>
        WireWitness.Compose(FlowClassifier.Classify(new WitnessCapture("br-test", Pcap(frames), Context, null)), probes);

    private static byte[] Pcap(params byte[][] frames)
    {
        var output = new List<byte>();
        var header = new byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xA1B2C3D4);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), 256);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), 1);
        output.AddRange(header);
        var second = 1_800_000_000u;
        foreach (var frame in frames)
        {
            var record = new byte[16];
            BinaryPrimitives.WriteUInt32LittleEndian(record, second++);
            BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(8), (uint)frame.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(12), (uint)frame.Length);
            output.AddRange(record);
            output.AddRange(frame);
        }

        return [.. output];
    }

    private static byte[] Frame(string source, string destination, ushort etherType, byte[] payload)
    {
        static byte[] Mac(string mac) => Convert.FromHexString(mac.Replace(":", "", StringComparison.Ordinal));
        var type = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(type, etherType);
        return [.. Mac(destination), .. Mac(source), .. type, .. payload];
    }

    private static byte[] Ipv4(string mac, string source, string destination, byte protocol, ushort sourcePort, ushort destinationPort)
    {
        var ip = new byte[20 + 8];
        ip[0] = 0x45;
        ip[9] = protocol;
        IPAddress.Parse(source).GetAddressBytes().CopyTo(ip, 12);
        IPAddress.Parse(destination).GetAddressBytes().CopyTo(ip, 16);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(20), sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(22), destinationPort);
        return Frame(mac, "02:42:0a:00:00:ff", 0x0800, ip);
    }

    private static byte[] Ipv6(string mac, string source, string destination, byte protocol, byte icmpType)
    {
        var ip = new byte[40 + 8];
        ip[0] = 0x60;
        ip[6] = protocol;
        IPAddress.Parse(source).GetAddressBytes().CopyTo(ip, 8);
        IPAddress.Parse(destination).GetAddressBytes().CopyTo(ip, 24);
        ip[40] = icmpType;
        return Frame(mac, "33:33:00:00:00:01", 0x86DD, ip);
    }
}
