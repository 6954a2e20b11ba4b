using BotBottle.Testing.Docker;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Dns;

public sealed class DnsExposureTests
{
    [Theory]
    [InlineData("20.10.24+dfsg1", true)]
    [InlineData("23.0.10", true)]
    [InlineData("23.0.11", false)]
    [InlineData("24.0.9", true)]
    [InlineData("25.0.4", true)]
    [InlineData("25.0.5", false)]
    [InlineData("26.0.0", false)]
    [InlineData("28.5.2+dfsg3", false)]
    [InlineData("29.0.1", false)]
    public void Engines_before_the_fix_are_affected(string version, bool affected) =>
        Assert.Equal(affected, DnsExposure.IsAffected(version));

    [Fact]
    public void Only_loopback_name_servers_count()
    {
        const string ResolvConf = "# comment\nnameserver 127.0.0.53\nnameserver 10.0.0.2\nnameserver ::1\noptions edns0 trust-ad\nsearch lan\n";
        Assert.Equal(["127.0.0.53", "::1"], DnsExposure.LoopbackServers(ResolvConf));
        Assert.Empty(DnsExposure.LoopbackServers("nameserver 192.168.1.1\n"));
    }

    [Fact]
    public async Task The_prerequisite_report_names_the_affected_engine_its_loopback_resolver_and_the_mitigation()
    {
        var endpoint = TestEngines.RequireCveEngine();
        var report = await new DockerBackend(new DockerBackendOptions { Endpoint = endpoint }).CheckPrerequisitesAsync(TestContext.Current.CancellationToken);

        Assert.True(report.IsSatisfied, report.Reason);
        var note = Assert.Single(report.Notes, n => n.Contains("CVE-2024-29018", StringComparison.Ordinal));
        Assert.Contains("CVE-2024-29018", note, StringComparison.Ordinal);
        Assert.Contains("Docker Engine 20.10.24", note, StringComparison.Ordinal);
        Assert.Contains("on loopback (127.0.0.53)", note, StringComparison.Ordinal);
        Assert.Contains("bundle's resolver", note, StringComparison.Ordinal);
    }
}
