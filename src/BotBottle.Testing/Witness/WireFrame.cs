using System.Net;

namespace BotBottle.Testing.Witness;

/// <summary>One captured Ethernet frame, decoded as far as the witness reads: link addresses, and the IP packet when there is one.</summary>
internal sealed record WireFrame(int Index, DateTimeOffset Time, string SourceMac, string DestinationMac, ushort EtherType, int Length, WirePacket? Packet)
{
    public const ushort Ipv4 = 0x0800;
    public const ushort Arp = 0x0806;
    public const ushort Ipv6 = 0x86DD;

    public bool IsArp => EtherType == Arp;

    /// <summary>The protocol as reports name it: <c>tcp</c>, <c>udp</c>, <c>icmp</c>, <c>icmpv6</c>, <c>ip proto 47</c>, <c>arp</c>, <c>ethertype 0x88cc</c>.</summary>
    public string Protocol => Packet?.Protocol ?? (IsArp ? "arp" : $"ethertype 0x{EtherType:x4}");
}

/// <summary>The IP packet of a frame: addresses, the transport protocol and, where it has them, ports or the ICMP type.</summary>
internal sealed record WirePacket(bool IsIpv6, IPAddress Source, IPAddress Destination, int ProtocolNumber, int? SourcePort, int? DestinationPort, int? IcmpType)
{
    public const int Icmp = 1;
    public const int Tcp = 6;
    public const int Udp = 17;
    public const int Icmpv6 = 58;

    public string Protocol => ProtocolNumber switch
    {
        Tcp => "tcp",
        Udp => "udp",
        Icmp => "icmp",
        Icmpv6 => "icmpv6",
        _ => $"ip proto {ProtocolNumber}",
    };

    public string Family => IsIpv6 ? "IPv6" : "IPv4";
}
