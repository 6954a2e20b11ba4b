using System.Net;
using BotBottle.Testing.Bundles;
using Docker.DotNet;

namespace BotBottle.Testing.Tests.Docker;

/// <summary>The subnet a docker bottle's network gets: in the pool, the bundle's address fixed and out of the engine's reach.</summary>
public sealed class BottleSubnetTests
{
    [Fact]
    public void Every_block_lies_in_198_18_0_0_15_and_keeps_the_bundle_address_out_of_the_range_the_engine_allocates_from()
    {
        foreach (var index in new[] { 0, 1, 1000, BottleSubnet.Blocks - 1 })
        {
            var subnet = BottleSubnet.OfBlock(index);
            var (first, prefix) = Parse(subnet.Request.Subnet);
            var (rangeFirst, rangePrefix) = Parse(subnet.Request.DynamicRange!);
            var bundle = ToUInt(IPAddress.Parse(subnet.BundleAddress));

            Assert.Equal(26, prefix);
            Assert.Equal(198u << 24 | 18u << 16, first & 0xFFFE_0000u);
            Assert.Equal(0u, first & 63u);
            Assert.Equal(first + 2, bundle);
            Assert.Equal((27, first + 32), (rangePrefix, rangeFirst));
            Assert.True(bundle < rangeFirst);
        }

        Assert.Equal("198.18.0.0/26", BottleSubnet.OfBlock(0).Request.Subnet);
        Assert.Equal("198.19.255.192/26", BottleSubnet.OfBlock(BottleSubnet.Blocks - 1).Request.Subnet);
    }

    [Fact]
    public void Random_picks_spread_over_the_pool()
    {
        var picks = Enumerable.Range(0, 64).Select(_ => BottleSubnet.Pick().Request.Subnet).ToHashSet();

        Assert.True(picks.Count > 50, $"64 picks gave only {picks.Count} different subnets");
    }

    [Theory]
    [InlineData("Pool overlaps with other one on this address space", true)]
    [InlineData("invalid pool request: Pool overlaps with other one on this address space", true)]
    [InlineData("network with name x already exists", false)]
    public void A_taken_subnet_is_recognised_from_the_engine_s_refusal(string body, bool taken) =>
        Assert.Equal(taken, EngineNetwork.IsSubnetTaken(new DockerApiException(HttpStatusCode.Forbidden, $"{{\"message\":\"{body}\"}}")));

    private static (uint First, int Prefix) Parse(string cidr)
    {
        var parts = cidr.Split('/');
        return (ToUInt(IPAddress.Parse(parts[0])), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static uint ToUInt(IPAddress address)
    {
        var b = address.GetAddressBytes();
        return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
    }
}
