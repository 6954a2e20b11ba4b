using BotBottle.Testing;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Probes;
using BotBottle.Testing.Xunit;
using Xunit;

namespace BottleConsumer;

/// <summary>One reference bottle for the class, from the packaged fixtures.</summary>
public sealed class ReferenceBottleTests(DockerBottleFixture fixture) : IClassFixture<DockerBottleFixture>
{
    [Fact]
    public async Task The_agent_runs_as_node()
    {
        var result = await fixture.Bottle.ExecAsync("id -un", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("node", result.Stdout.Trim());
    }

    [Fact]
    public async Task Root_is_a_separate_user_with_its_own_home()
    {
        var result = await fixture.Bottle.ExecAsync("echo \"$USER $HOME\"", GuestUsers.Root, TestContext.Current.CancellationToken);
        Assert.Equal("root /root", result.Stdout.Trim());
    }

    [Fact]
    public Task The_agents_loopback_is_refused() =>
        fixture.Bottle.Probe(Probe.Tcp("127.0.0.1", 9))
            .WithControl(Probe.Tcp(fixture.Bottle.Bundle.Address, fixture.Bottle.Bundle.ProxyPort), StepExpectation.Connected)
            .ShouldBeRefused(TestContext.Current.CancellationToken);
}

/// <summary>A bottle of your own, built with the builder: the env and prompt it was given are what the agent sees.</summary>
public sealed class BuiltBottleTests
{
    [Fact]
    public async Task A_built_bottle_carries_its_env_and_prompt()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bottle = new BottleBuilder()
            .WithAgentImage(BottleBuilder.ReferenceAgentImage)
            .WithAllowedHost("api.example.test")
            .WithEnv("PROJECT", "bottle-consumer")
            .WithPrompt("You are inside a bottle.")
            .Build();
        await bottle.StartAsync(ct);

        var result = (await bottle.ExecAsync($"echo \"$PROJECT\"; stat -c '%a %U:%G' '{bottle.PromptPath}'", cancellationToken: ct)).ThrowOnFailure();
        Assert.Equal("bottle-consumer\n640 root:node\n", result.Stdout);   // the agent reads its prompt, never changes it
    }
}
