using BotBottle.Testing.Launch;
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
            .WithControl(Probe.Tcp(bottle.Bundle.Address, bottle.Bundle.ProxyPort), ProbeExpectation.Connected)
            .ShouldBeRefused();
        Assert.Equal(ProbeOutcome.Refused, result.Probe.Outcome);
    }
}

[Trait("BottleBackend", "smolmachines")]
public sealed class SmolmachinesBottleOnXunit2(SmolmachinesBottleFixture fixture) : IClassFixture<SmolmachinesBottleFixture>
{
    [SkippableFact]
    public void Skips_with_the_precise_reason_where_smolmachines_cannot_run()
    {
        var gate = fixture.Session.Gate;
        if (gate.Kind == SessionGateKind.Ready)
        {
            Assert.NotNull(fixture.Bottle);
            return;
        }

        // The same verdict the v3 package reaches, from the same session code.
        var ex = Record.Exception(() => fixture.Bottle);
        if (BackendRequirements.IsRequired(BottleBackends.Smolmachines))
        {
            Assert.IsType<BottleSessionException>(ex);
        }
        else
        {
            Assert.IsType<SkipException>(ex);
            Assert.Contains("smolvm", ex.Message, StringComparison.Ordinal);
        }

        Skip.If(true, gate.Reason);
    }
}
