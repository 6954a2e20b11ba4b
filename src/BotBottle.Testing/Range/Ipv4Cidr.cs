using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace BotBottle.Testing.Range;

/// <summary>An IPv4 subnet in CIDR form (<c>10.8.0.0/24</c>): its network address as a number and its prefix length.</summary>
internal readonly record struct Ipv4Cidr(uint Network, int Prefix)
{
    /// <summary>The mask of the prefix.</summary>
    public uint Mask => Prefix == 0 ? 0u : uint.MaxValue << (32 - Prefix);

    /// <summary>The subnet's last address (its broadcast).</summary>
    public uint Last => Network | ~Mask;

    /// <summary>The subnet <paramref name="cidr"/>, or null where it is not IPv4 CIDR.</summary>
    public static Ipv4Cidr? TryParse(string? cidr)
    {
        var parts = (cidr ?? "").Split('/');
        if (parts.Length != 2 || !IPAddress.TryParse(parts[0], out var address) || address.AddressFamily != AddressFamily.InterNetwork
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > 32)
        {
            return null;
        }

        var subnet = new Ipv4Cidr(Number(address), prefix);
        return subnet with { Network = subnet.Network & subnet.Mask };
    }

    /// <summary>The subnet <paramref name="cidr"/>; throws where it is not IPv4 CIDR.</summary>
    public static Ipv4Cidr Parse(string cidr) => TryParse(cidr) ?? throw new FormatException($"'{cidr}' is not an IPv4 subnet in CIDR form");

    /// <summary>Whether the two subnets share an address.</summary>
    public bool Overlaps(Ipv4Cidr other) => Network <= other.Last && other.Network <= Last;

    /// <summary>The dotted form of an address held as a number.</summary>
    public static string Format(uint value) => new IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]).ToString();

    private static uint Number(IPAddress address) => address.GetAddressBytes() is [var a, var b, var c, var d] ? (uint)(a << 24 | b << 16 | c << 8 | d) : 0u;
}
