using BotBottle.Testing.Probes;
using BotBottle.Testing.Sessions;
using BotBottle.Testing.Xunit;

namespace BotBottle.Testing.Tests.Probes;

/// <summary>
/// The sample users copy: one bottle (plus a probe range and a neighbouring bottle) per class, the
/// whole catalogue run once in one battery, every check reported as its own test case with its
/// controls and evidence.
/// </summary>
public abstract class IsolationCatalogueTests<TFixture>(TFixture fixture) : BottleTestClass<TFixture>(fixture)
    where TFixture : BottleFixture
{
    [Theory]
    [MemberData(nameof(CatalogueIds.All), MemberType = typeof(CatalogueIds))]
    public async Task Check_passes_with_its_controls(string id)
    {
        var report = await Fixture.IsolationReportAsync();
        if (id == "ipv6-egress-blocked" && Fixture.Session.Targets?.DecoyIpv6Address is null)
        {
            Assert.Skip("the probe range has no IPv6: " + Fixture.Session.Targets?.Ipv6Problem);
        }

        if (id == "neighbour-agent-unreachable" && Fixture.Session.Neighbour?.AgentAddress is null)
        {
            Assert.Skip($"the neighbouring {Fixture.Session.Options.Bottle.Backend.Name} agent has no address other containers can name");
        }

        if (id == "raw-ipv6-to-host-refused" && Fixture.Session.Bottle?.Witness?.HostLinkMac is null)
        {
            Assert.Skip($"the {Fixture.Session.Options.Bottle.Backend.Name} agent has no link to the engine host to send raw IPv6 on");
        }

        if (id == "agent-container-hardened" && Vantage.Facts(Fixture.Session.Bottle!).SubjectReported)
        {
            Assert.Skip($"the {Fixture.Session.Options.Bottle.Backend.Name} agent's settings are not read from outside it");
        }

        // Every backend has a wire witness (smolmachines: its host relay and smolvm's record), so wire-witness is never skipped.
        var result = report[id];
        TestContext.Current.TestOutputHelper?.WriteLine(result.Describe());
        Assert.True(result.Passed, result.Describe());
        Assert.NotEmpty(result.Controls);
    }

    [Fact]
    public async Task The_whole_catalogue_runs_in_one_battery_and_passes()
    {
        var report = await Fixture.IsolationReportAsync().ShouldAllPass();
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        var expected = IsolationCatalogue.CheckIds.Where(id => id != "ipv6-egress-blocked" || Fixture.Session.Targets?.DecoyIpv6Address is not null)
            .Where(id => id != "neighbour-agent-unreachable" || Fixture.Session.Neighbour?.AgentAddress is not null)
            .Where(id => id != "raw-ipv6-to-host-refused" || Fixture.Session.Bottle?.Witness?.HostLinkMac is not null)
            .Where(id => id != "agent-container-hardened" || !Vantage.Facts(Fixture.Session.Bottle!).SubjectReported);

        Assert.Equal(expected, report.Results.Select(r => r.Check.Id));
        Assert.All(report.Results, r => Assert.NotEmpty(r.Controls));

        // Every step has its own limit and they all run at once: the battery takes about one limit, not their sum.
        var slowest = report.Results.SelectMany(r => r.Controls.Append(r.Probe)).Max(o => o.Step.Timeout);
        Assert.True(report.Elapsed < slowest + TimeSpan.FromSeconds(6), $"battery took {report.Elapsed}, slowest step limit {slowest}");
    }
}

public static class CatalogueIds
{
    public static TheoryData<string> All { get; } = new(
        "loopback-refused", "bypass-egress-port", "bypass-supervise-port", "proxy-reachable", "proxy-allows-allowlisted",
        "proxy-denies-unlisted", "connect-port-denied", "direct-egress-blocked", "outside-names-do-not-resolve",
        "host-services-unreachable", "metadata-unreachable", "ipv6-egress-blocked", "neighbour-bundle-unreachable",
        "neighbour-agent-unreachable", "agent-not-root", "no-engine-socket", "placeholder-secrets-only", "dns-stays-in-the-bottle", "plain-http-port-denied", "rebinding-to-loopback-refused",
        "rebinding-to-link-local-refused", "allowlist-is-literal", "raw-ipv6-to-host-refused", "host-addresses-unreachable", "agent-container-hardened", "wire-witness");
}

public sealed class CatalogueIdsTests
{
    [Fact]
    public void The_theory_runs_exactly_the_catalogue_in_its_order()
    {
        // The published order (each check's code is declared on its catalogue entry: CatalogueTableTests).
        Assert.Equal(CatalogueIds.All.Select(row => row.Data), IsolationCatalogue.CheckIds);
    }
}

[BottleBackend("docker")]
[IsolationTest]
public sealed class DockerIsolationCatalogueTests(DockerIsolationFixture fixture)
    : IsolationCatalogueTests<DockerIsolationFixture>(fixture), IClassFixture<DockerIsolationFixture>;

[BottleBackend("smolmachines")]
[IsolationTest]
public sealed class SmolmachinesIsolationCatalogueTests(SmolmachinesIsolationFixture fixture)
    : IsolationCatalogueTests<SmolmachinesIsolationFixture>(fixture), IClassFixture<SmolmachinesIsolationFixture>;

[BottleBackend("smolmachines")]
[IsolationTest]
public sealed class EmulatedSmolmachinesIsolationCatalogueTests(EmulatedSmolmachinesIsolationFixture fixture)
    : IsolationCatalogueTests<EmulatedSmolmachinesIsolationFixture>(fixture), IClassFixture<EmulatedSmolmachinesIsolationFixture>;

/// <summary>The isolation catalogue on the emulated current smolvm (a container as its guest, no network at all).</summary>
public sealed class EmulatedSmolmachinesIsolationFixture : BottleFixture
{
    private readonly Support.EmulatedSmolvm _smolvm = new();

    protected override BottleSessionOptions Configure(BottleSessionOptions options) =>
        base.Configure(options) with { Bottle = options.Bottle.WithBackend(_smolvm.Backend()), WithProbeRange = true, WithNeighbour = true };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _smolvm.Dispose();
    }
}
