using System.Net;
using System.Net.Sockets;

namespace BotBottle.Testing.Witness;

/// <summary>
/// Classifies a capture's frames. Frames the bundle or the bridge send as they do (the bundle's replies to the agent,
/// their ARP, the kernel's neighbour discovery and multicast reports from link-local sources) are context; a frame
/// that only carries their MAC is not, so a forged source cannot hide a frame. Every other frame joins a flow
/// (both directions of one protocol between two endpoints), classified by its first frame: to the bundle's proxy port
/// or resolver, ARP and the kernel's own IPv6 neighbour discovery are expected; everything else is a finding (which
/// <see cref="WireWitness.Compose"/> lists as a probe attempt when a probe named its destination).
/// </summary>
internal static class FlowClassifier
{
    /// <summary>ICMPv6 router and neighbour solicitation and advertisement, and redirect (133-137): the kernel's neighbour discovery.</summary>
    private static readonly HashSet<int> NeighbourDiscovery = [133, 134, 135, 136, 137];

    /// <summary>Multicast listener query and reports (130-132, 143): what a host side of a bridge (and a kernel joining its groups) sends.</summary>
    private static readonly HashSet<int> MulticastListener = [130, 131, 132, 143];

    public static WitnessRead Classify(WitnessCapture capture)
    {
        ArgumentNullException.ThrowIfNull(capture);
        IReadOnlyList<WireFrame> frames;
        var problem = capture.Problem;
        try
        {
            frames = PcapReader.Read(capture.Pcap);
        }
        catch (FormatException e)
        {
            frames = [];
            problem = (problem is null ? "" : problem + "; ") + "the capture could not be read: " + e.Message;
        }

        var context = capture.Context;
        var flows = new Dictionary<string, FlowBuilder>(StringComparer.Ordinal);
        var order = new List<FlowBuilder>();
        var contextFrames = 0;
        foreach (var frame in frames)
        {
            if (IsContext(frame, context))
            {
                contextFrames++;
                continue;
            }

            var key = Key(frame);
            if (!flows.TryGetValue(key, out var flow))
            {
                flow = Start(frame, context);
                flows[key] = flow;
                order.Add(flow);
            }

            flow.Frames++;
        }

        return new WitnessRead(capture.Interface, frames.Count, contextFrames, [.. order.Select(f => f.Build())], problem);
    }

    /// <summary>A frame the bundle or the bridge sent as they do, not one that merely carries their MAC.</summary>
    private static bool IsContext(WireFrame frame, WireContext context)
    {
        var fromBundle = string.Equals(frame.SourceMac, context.BundleMac, StringComparison.OrdinalIgnoreCase);
        var fromBridge = string.Equals(frame.SourceMac, context.BridgeMac, StringComparison.OrdinalIgnoreCase);
        if (!fromBundle && !fromBridge)
        {
            return false;
        }

        if (frame.IsArp || IsLinkLocalIcmpv6(frame, MulticastListener) || IsLinkLocalIcmpv6(frame, NeighbourDiscovery))
        {
            return true;
        }

        if (fromBridge)
        {
            // The host side's IGMP reports (0.0.0.0 → 224.0.0.22); with no IPv4 address on the bridge it sends nothing else.
            return frame.Packet is { IsIpv6: false, ProtocolNumber: 2 } igmp && igmp.Source.Equals(IPAddress.Any) && IsLinkLocalMulticast(igmp.Destination);
        }

        return frame.Packet is { IsIpv6: false } reply && reply.Source.Equals(context.BundleAddress) && context.AgentAddress is { } agent && reply.Destination.Equals(agent);
    }

    private static bool IsLinkLocalIcmpv6(WireFrame frame, HashSet<int> types) =>
        frame.Packet is { IsIpv6: true, ProtocolNumber: WirePacket.Icmpv6, IcmpType: { } type } p
        && types.Contains(type) && (p.Source.IsIPv6LinkLocal || p.Source.Equals(IPAddress.IPv6Any));

    private static bool IsLinkLocalMulticast(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork && address.GetAddressBytes() is [224, 0, 0, _];

    private static string Key(WireFrame frame)
    {
        if (frame.Packet is not { } p)
        {
            return $"{frame.Protocol}|{frame.SourceMac}|{frame.DestinationMac}";
        }

        var a = $"{p.Source}:{p.SourcePort}";
        var b = $"{p.Destination}:{p.DestinationPort}";
        var (low, high) = string.CompareOrdinal(a, b) <= 0 ? (a, b) : (b, a);
        return $"{p.Family}|{p.ProtocolNumber}|{low}|{high}";
    }

    private static FlowBuilder Start(WireFrame frame, WireContext context)
    {
        if (frame.Packet is not { } p)
        {
            return frame.IsArp
                ? new FlowBuilder(frame, WireWitness.FlowKind.Expected, "ARP", frame.SourceMac, frame.DestinationMac, null, "address resolution")
                : new FlowBuilder(frame, WireWitness.FlowKind.Finding, frame.Protocol, frame.SourceMac, frame.DestinationMac, null, "not IP");
        }

        var protocol = $"{p.Family} {p.Protocol}" + (p.IcmpType is { } icmp ? " " + icmp.ToString(System.Globalization.CultureInfo.InvariantCulture) : "");
        FlowBuilder Flow(WireWitness.FlowKind kind, string reason) =>
            new(frame, kind, protocol, p.Source.ToString(), p.Destination.ToString(), p.DestinationPort, reason);

        if (p.IsIpv6 && IsLinkLocalIcmpv6(frame, NeighbourDiscovery))
        {
            return Flow(WireWitness.FlowKind.Expected, "the kernel's neighbour discovery");
        }

        if (!p.IsIpv6 && p.Destination.Equals(context.BundleAddress) && p.ProtocolNumber is WirePacket.Tcp or WirePacket.Udp)
        {
            if (p.DestinationPort == context.ProxyPort)
            {
                return Flow(WireWitness.FlowKind.Expected, "the bundle's proxy");
            }

            if (p.DestinationPort == WireContext.ResolverPort)
            {
                return Flow(WireWitness.FlowKind.Expected, "the bundle's resolver");
            }
        }

        return Flow(WireWitness.FlowKind.Finding, p.IsIpv6
            ? "IPv6 other than the kernel's neighbour discovery"
            : p.Destination.Equals(context.BundleAddress) ? "the bundle, not its proxy port or resolver" : "not the bundle");
    }

    private sealed class FlowBuilder(WireFrame first, WireWitness.FlowKind kind, string protocol, string source, string destination, int? port, string reason)
    {
        public int Frames { get; set; }

        public WireWitness.Flow Build() => new(kind, protocol, source, destination, port, first.Time, Frames, reason);
    }
}
