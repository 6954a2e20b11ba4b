using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using BotBottle.Testing.Engine;

namespace BotBottle.Testing.Bundles;

/// <summary>
/// The IPv4 subnet of a docker bottle's network, chosen by the harness instead of the engine so the bundle's address
/// is fixed before the bundle starts: the agent, whose only resolver is that address (CVE-2024-29018), can then be
/// created and started beside the bundle instead of after it.
/// <para>
/// A random /26 of 198.18.0.0/15 (reserved for benchmarking networks, RFC 2544, so rarely a LAN's or a docker
/// network's). The bridge has no host address (inhibit_ipv4) and the network is internal, so the host gets no route
/// to it and a LAN that uses the same addresses is not shadowed. The engine refuses a subnet another of its networks
/// overlaps; the caller then picks another (<see cref="EngineNetwork.IsSubnetTaken"/>). The bundle gets the block's second address;
/// every other member is allocated from the upper half, so nothing can take the bundle's address first.
/// </para>
/// </summary>
internal sealed record BottleSubnet
{
    private const uint PoolBase = 198u << 24 | 18u << 16;
    private const int PoolPrefix = 15;
    private const int Prefix = 26;
    private const int BundleHost = 2;

    /// <summary>How many subnets a launch tries before it lets the engine choose (and starts the agent after the bundle).</summary>
    public const int Attempts = 8;

    private BottleSubnet(uint first) => First = first;

    /// <summary>The block's first address.</summary>
    private uint First { get; }

    /// <summary>How many blocks the pool has.</summary>
    public const int Blocks = 1 << (Prefix - PoolPrefix);

    private static readonly AsyncLocal<Queue<BottleSubnet>?> Planned = new();

    /// <summary>A random block of the pool (or the next one a test planned in its own async flow).</summary>
    public static BottleSubnet Pick() =>
        Planned.Value is { Count: > 0 } planned ? planned.Dequeue() : OfBlock(RandomNumberGenerator.GetInt32(Blocks));

    /// <summary>Block <paramref name="index"/> of the pool (0 to <see cref="Blocks"/> - 1).</summary>
    public static BottleSubnet OfBlock(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Blocks);
        return new BottleSubnet(PoolBase + ((uint)index << (32 - Prefix)));
    }

    /// <summary>The test seam: <see cref="Pick"/> returns these, in order, in the caller's async flow, until the scope is disposed.</summary>
    internal static IDisposable PickInOrder(params BottleSubnet[] subnets)
    {
        Planned.Value = new Queue<BottleSubnet>(subnets);
        return new Scope();
    }

    private sealed class Scope : IDisposable
    {
        public void Dispose() => Planned.Value = null;
    }

    /// <summary>The address the bundle is given.</summary>
    public string BundleAddress => Format(First + BundleHost);

    /// <summary>The network's IPAM request: the block, with dynamic allocation confined to its upper half.</summary>
    public SubnetRequest Request => new(Format(First) + "/" + Prefix.ToString(CultureInfo.InvariantCulture),
        Format(First + (1u << (32 - Prefix - 1))) + "/" + (Prefix + 1).ToString(CultureInfo.InvariantCulture));

    private static string Format(uint address) => new IPAddress([(byte)(address >> 24), (byte)(address >> 16), (byte)(address >> 8), (byte)address]).ToString();
}
