using BotBottle.Testing.Probes;
using BotBottle.Testing.Sessions;
using BotBottle.Testing.Xunit2;
using Xunit;

namespace BotBottle.Testing.Xunit2.Tests;

/// <summary>The v2 adapter gives a v2 suite the same bottle, probes and gating as the v3 package.</summary>
[Trait("BottleBackend", "docker")]
public sealed class DockerBottleOnXunit2(DockerBottleFixture fixture) : IClassFixture<DockerBottleFixture>
{
    [SkippableFact]
    public async Task The_bottle_runs_scripts_as_node()
    {
        var result = await fixture.Bottle.ExecAsync("id -un; echo $HOME");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("node\n/home/node\n", result.Stdout);
    }

    [SkippableFact]
    public async Task Probes_and_assertions_work_the_same()
    {
        var bottle = fixture.Bottle;
        var result = await bottle.Probe(Probe.Tcp("127.0.0.1", 9))
            .WithControl(Probe.Tcp(bottle.Bundle.Address, bottle.Bundle.ProxyPort), StepExpectation.Connected)
            .ShouldBeRefused();
        Assert.Equal(StepOutcome.Refused, result.Probe.Outcome);
    }
}

[Trait("BottleBackend", "smolmachines")]
public sealed class SmolmachinesBottleOnXunit2(SmolmachinesBottleFixture fixture) : IClassFixture<SmolmachinesBottleFixture>
{
    [Fact]
    public async Task Gives_the_bottle_where_smolmachines_runs_and_skips_with_the_precise_reason_where_it_cannot()
    {
        var gate = fixture.Session.Gate;
        var touched = Record.Exception(() => fixture.Bottle);
        if (gate.Kind == SessionGateKind.Ready)
        {
            // A real smolvm here (a Mac, or Linux with KVM): the bottle works like the docker one.
            Assert.Null(touched);
            var who = await fixture.Bottle.ExecAsync("id -un");
            Assert.Equal("node\n", who.Stdout);
            return;
        }

        // The same verdict the v3 package reaches, from the same session code: a v2 skip carrying the
        // backend's own reason, or, when BOTBOTTLE_REQUIRE names smolmachines, a failure with it.
        Assert.NotNull(touched);
        Assert.Contains("smolmachines backend unavailable", gate.Reason, StringComparison.Ordinal);
        Assert.Contains("smolvm", gate.Reason, StringComparison.Ordinal);
        if (gate.Kind == SessionGateKind.Fail)
        {
            Assert.IsType<BottleSessionException>(touched);
        }
        else
        {
            Assert.IsType<SkipException>(touched);
            Assert.Equal(gate.Reason, touched.Message);
        }
    }
}
