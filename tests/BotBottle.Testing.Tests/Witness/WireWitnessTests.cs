using BotBottle.Testing.Probes;
using BotBottle.Testing.Tests.Support;
using BotBottle.Testing.Witness;
using BotBottle.Testing.Witness.Docker;

namespace BotBottle.Testing.Tests.Witness;

/// <summary>
/// The docker wire witness on a real engine: it records what the agent sends from outside the agent, names every frame the
/// bottle contract does not allow, and goes with the bottle.
/// </summary>
[Trait("Category", "Docker")]
public sealed class WireWitnessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Opens and closes one TCP connection from the agent (bash's /dev/tcp), as <paramref name="user"/>.</summary>
    private static Task<BottleExecResult> ConnectAsync(IBottle bottle, string address, int port, string user = GuestUsers.Agent) =>
        bottle.ExecAsync(["bash", "-c", "exec 3<>/dev/tcp/$0/$1 && exec 3>&-", address, port.ToString(System.Globalization.CultureInfo.InvariantCulture)], user, Ct);

    [Fact]
    public async Task The_reference_bottles_witness_shows_its_proxy_traffic_and_nothing_else()
    {
        var backend = new DockerBackend();
        await BackendGate.RequireAsync(backend);
        await using var bottle = await backend.LaunchAsync(TestImages.Spec, Ct);
        Assert.Equal(0, (await ConnectAsync(bottle, bottle.Bundle.Address, bottle.Bundle.ProxyPort)).ExitCode);

        var report = await bottle.Witness!.ReadAsync(Ct);
        TestContext.Current.TestOutputHelper?.WriteLine(report.Describe());

        // The positive control: the connection just made is on the wire, so a dead capture cannot pass.
        Assert.True(report.Expected.Any(f => f.Protocol == "IPv4 tcp" && f.Destination == bottle.Bundle.Address && f.Port == bottle.Bundle.ProxyPort && f.Frames >= 3), report.Describe());
        Assert.Empty(report.Findings);
        Assert.Null(report.Problem);
        report.ShouldShowOnlyBundleTraffic();
    }
}
