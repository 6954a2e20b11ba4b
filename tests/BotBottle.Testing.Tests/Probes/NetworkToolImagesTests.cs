using BotBottle.Testing.Probes;
using BotBottle.Testing.Xunit;

namespace BotBottle.Testing.Tests.Probes;

/// <summary>
/// The battery works from whatever network tool an agent image ships, detected in the guest. On docker the catalogue's
/// network steps run in the harness's prober; where a backend has none (smolmachines), and for subject-reported steps,
/// they run with the image's own tools: these tests run the docker catalogue's network steps that way.
/// </summary>
[BottleBackend("docker")]
[IsolationTest]
public sealed class NetworkToolImagesTests(ToolImagesFixture fixture) : IClassFixture<ToolImagesFixture>
{
    public static TheoryData<string, string, string> ToolSets { get; } = new()
    {
        { "reference", "bash", "bash=bash nc=nc(openbsd) curl=curl" },
        { "busybox-only", "nc", "bash=no nc=busybox nc(plain) curl=no" },
        { "curl-only", "curl", "bash=no nc=no curl=curl" },
    };

    [Theory]
    [MemberData(nameof(ToolSets))]
    public async Task The_catalogue_passes_on_an_image_using_the_tool_it_ships(string image, string tcpTool, string toolLine)
    {
        var (bottle, targets) = await fixture.GetAsync(image);
        var report = await bottle.RunChecksAsync(WithTheImagesTools(bottle, targets), cancellationToken: TestContext.Current.CancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());

        report.ShouldAllPass();
        Assert.StartsWith(toolLine, report.Tools["agent"], StringComparison.Ordinal);
        Assert.Equal(tcpTool, report["loopback-refused"].Probe.Tool);
        Assert.Equal(tcpTool == "bash" ? "curl" : tcpTool, report["proxy-denies-unlisted"].Probe.Tool);
    }

    [Fact]
    public async Task Forcing_a_tool_the_image_lacks_is_an_error_that_names_the_missing_tool_not_a_pass()
    {
        var (bottle, targets) = await fixture.GetAsync("busybox-only");
        var report = await bottle.RunChecksAsync(WithTheImagesTools(bottle, targets), NetworkTool.Curl, TestContext.Current.CancellationToken);

        var loopback = report["loopback-refused"];
        Assert.Equal(StepOutcome.Error, loopback.Probe.Outcome);
        Assert.Contains("no tool for a tcp probe", loopback.Probe.Reason, StringComparison.Ordinal);
        Assert.False(loopback.Passed);
        Assert.False(report.AllPassed);
    }

    /// <summary>The catalogue with every step of the prober moved to the agent itself (as node, the image's tools).</summary>
    private static List<IsolationCheck> WithTheImagesTools(IBottle bottle, RangeTargets targets)
    {
        var itself = Vantage.AgentItself(bottle);
        IsolationStep Swap(IsolationStep step) => step.Vantage.Name == "agent" && !step.Vantage.SubjectReported ? step with { Vantage = itself } : step;
        // Raw IPv6 and the host sweep are the prober's own tools (root with NET_RAW, bash), never an image's: left out here.
        return IsolationCatalogue.Build(bottle, targets).Where(c => !c.Steps.Any(s => s.Action is RawIpv6Dial or HostAddressSweep))
            .Select(c => c with { Probe = Swap(c.Probe), Controls = c.Controls.Select(Swap).ToList() }).ToList();
    }
}
