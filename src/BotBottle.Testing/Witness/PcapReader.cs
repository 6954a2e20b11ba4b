using System.Buffers.Binary;
using System.Net;

namespace BotBottle.Testing.Witness;

/// <summary>
/// Reads a classic pcap file (the format <c>tcpdump -w</c> writes: a global header, then one header per record) of
/// Ethernet frames and decodes each: Ethernet, ARP, IPv4, IPv6 (through its extension headers), TCP, UDP, ICMP and
/// ICMPv6. A record cut short at the end of the file (the capture was still writing) ends the read; a malformed
/// packet is kept as a frame without the layers it could not decode, so nothing captured is dropped silently.
/// </summary>
internal static class PcapReader
{
    private const int GlobalHeaderLength = 24;
    private const int RecordHeaderLength = 16;
    private const uint LinkTypeEthernet = 1;

    /// <summary>The frames of <paramref name="pcap"/>.</summary>
    /// <exception cref="FormatException">Not a pcap file, or not one of Ethernet frames.</exception>
    public static IReadOnlyList<WireFrame> Read(ReadOnlySpan<byte> pcap)
    {
        if (pcap.Length < GlobalHeaderLength)
        {
            throw new FormatException($"not a pcap file: {pcap.Length} bytes, shorter than its header");
        }

        var magic = BinaryPrimitives.ReadUInt32LittleEndian(pcap);
        var (littleEndian, nanoseconds) = magic switch
        {
            0xA1B2C3D4 => (true, false),
            0xA1B23C4D => (true, true),
            0xD4C3B2A1 => (false, false),
            0x4D3CB2A1 => (false, true),
            _ => throw new FormatException($"not a pcap file: magic 0x{magic:x8}"),
        };
        uint U32(ReadOnlySpan<byte> s) => littleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(s) : BinaryPrimitives.ReadUInt32BigEndian(s);
        var linkType = U32(pcap[20..]) & 0x0FFFFFFF;
        if (linkType != LinkTypeEthernet)
        {
            throw new FormatException($"the capture's link type is {linkType}, not Ethernet (1)");
        }

        var frames = new List<WireFrame>();
        var offset = GlobalHeaderLength;
        while (pcap.Length - offset >= RecordHeaderLength)
        {
            var header = pcap.Slice(offset, RecordHeaderLength);
            var seconds = U32(header);
            var fraction = U32(header[4..]);
            var included = U32(header[8..]);
            var original = U32(header[12..]);
            if (included > (uint)(pcap.Length - offset - RecordHeaderLength))
            {
                break;
            }

            var time = DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(nanoseconds ? fraction / 100 : fraction * 10L);
            frames.Add(Decode(frames.Count, time, (int)original, pcap.Slice(offset + RecordHeaderLength, (int)included)));
            offset += RecordHeaderLength + (int)included;
        }

        return frames;
    }

    /// <summary>Decodes one Ethernet frame (<paramref name="data"/> may be cut at the snap length).</summary>
    public static WireFrame Decode(int index, DateTimeOffset time, int length, ReadOnlySpan<byte> data)
    {
        if (data.Length < 14)
        {
            return new WireFrame(index, time, "", "", 0, length, null);
        }

        var destination = Mac(data[..6]);
        var source = Mac(data[6..12]);
        var etherType = BinaryPrimitives.ReadUInt16BigEndian(data[12..]);
        var payload = data[14..];
        var packet = etherType switch
        {
            WireFrame.Ipv4 => Ipv4(payload),
            WireFrame.Ipv6 => Ipv6(payload),
            _ => null,
        };
        return new WireFrame(index, time, source, destination, etherType, length, packet);
    }

    private static WirePacket? Ipv4(ReadOnlySpan<byte> ip)
    {
        if (ip.Length < 20 || ip[0] >> 4 != 4)
        {
            return null;
        }

        var headerLength = (ip[0] & 0x0F) * 4;
        var protocol = ip[9];
        var fragmentOffset = BinaryPrimitives.ReadUInt16BigEndian(ip[6..]) & 0x1FFF;
        var source = new IPAddress(ip.Slice(12, 4));
        var destination = new IPAddress(ip.Slice(16, 4));
        var transport = headerLength >= 20 && ip.Length >= headerLength && fragmentOffset == 0 ? ip[headerLength..] : [];
        return Transport(false, source, destination, protocol, transport);
    }

    private static WirePacket? Ipv6(ReadOnlySpan<byte> ip)
    {
        if (ip.Length < 40 || ip[0] >> 4 != 6)
        {
            return null;
        }

        var source = new IPAddress(ip.Slice(8, 16));
        var destination = new IPAddress(ip.Slice(24, 16));
        int next = ip[6];
        var rest = ip[40..];

        // Hop-by-hop, routing, destination options, fragment, authentication: walk to the upper layer.
        while (next is 0 or 43 or 60 or 44 or 51 && rest.Length >= 8)
        {
            var length = next switch
            {
                44 => 8,
                51 => (rest[1] + 2) * 4,
                _ => (rest[1] + 1) * 8,
            };
            var later = next == 44 && (BinaryPrimitives.ReadUInt16BigEndian(rest[2..]) & 0xFFF8) != 0;
            next = rest[0];
            rest = later || length > rest.Length ? [] : rest[length..];
        }

        return Transport(true, source, destination, next, rest);
    }

    private static WirePacket Transport(bool ipv6, IPAddress source, IPAddress destination, int protocol, ReadOnlySpan<byte> transport)
    {
        int? sourcePort = null, destinationPort = null, icmpType = null;
        if (protocol is WirePacket.Tcp or WirePacket.Udp && transport.Length >= 4)
        {
            sourcePort = BinaryPrimitives.ReadUInt16BigEndian(transport);
            destinationPort = BinaryPrimitives.ReadUInt16BigEndian(transport[2..]);
        }
        else if (protocol is WirePacket.Icmp or WirePacket.Icmpv6 && transport.Length >= 1)
        {
            icmpType = transport[0];
        }

        return new WirePacket(ipv6, source, destination, protocol, sourcePort, destinationPort, icmpType);
    }

    private static string Mac(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant() is var hex
        ? string.Join(':', Enumerable.Range(0, 6).Select(i => hex.Substring(i * 2, 2)))
        : "";
}
