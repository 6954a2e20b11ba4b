using BotBottle.Testing.Bundles;

namespace BotBottle.Testing.Tests.Docker;

/// <summary>When the followed output of a bundle ends the readiness wait without a poll.</summary>
public sealed class BundleReadinessTests
{
    [Theory]
    [InlineData("bundle ready: daemons=proxy,egress,supervise,dns ports= 3128 8080 8081 53", 3128, true)]
    [InlineData("bundle ready: daemons=proxy ports= 3129", 3129, true)]
    [InlineData("bundle ready: daemons=supervise ports= 8081", 3128, false)]
    [InlineData("bundle ready: daemons=proxy ports= 31280", 3128, false)]
    [InlineData("bundle starting: ports= 3128", 3128, false)]
    [InlineData("echo bundle ready: ports= 3128", 3128, false)]
    public void Only_the_ready_line_that_names_the_proxy_port_ends_the_wait(string line, int proxyPort, bool ready) =>
        Assert.Equal(ready, BundleHost.SaysReady(line, proxyPort));
}
