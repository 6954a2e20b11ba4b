using BotBottle.Testing.Docker;
using BotBottle.Testing.Engine;
using BotBottle.Testing.Launch;
using BotBottle.Testing.Smolmachines;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Reliability;

/// <summary>
/// Every launch step fails in turn, on every backend (and every smolvm call the emulator answers): each time the
/// error names the step and the cause, nothing labelled is left, and the teardown runs each registered undo exactly
/// once, in reverse order of registration.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class LaunchFaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> DockerSteps { get; } = new(
        "prepare", "start reaper", "create network", "create bundle", "start bundle", "wait for bundle", "create agent", "start agent",
        "wait for exec", "chown agent home", "provision");

    [Theory]
    [MemberData(nameof(DockerSteps))]
    public async Task A_docker_launch_failing_at_a_step_names_it_and_leaves_nothing(string step)
    {
        var logger = new RecordingLogger();
        var backend = new DockerBackend(logger: logger);
        await BackendGate.RequireAsync(backend);
        var spec = TestImages.Spec with { Name = BottleNames.NewBottleName() };

        var error = await LaunchFailingAtAsync(backend, spec, step);

        await AssertFailedCleanlyAsync(error, step, "injected at " + step, spec.Name!, logger);
    }

    [Theory]
    [MemberData(nameof(DockerSteps))]
    public async Task An_emulated_smolmachines_launch_failing_at_a_step_names_it_and_leaves_nothing(string step)
    {
        using var smolvm = new EmulatedSmolvm();
        var logger = new RecordingLogger();
        var backend = smolvm.Backend(logger);
        await BackendGate.RequireAsync(backend);
        var spec = TestImages.Spec with { Name = BottleNames.NewBottleName() };

        var error = await LaunchFailingAtAsync(backend, spec, step);

        await AssertFailedCleanlyAsync(error, step, "injected at " + step, spec.Name!, logger);
        Assert.DoesNotContain(spec.Name!, (await smolvm.RunAsync("machine", "ls", "--json")).Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("machine create", "create agent")]
    [InlineData("machine start", "start agent")]
    [InlineData("machine exec", "start agent")]
    [InlineData("machine cp", "provision")]
    public async Task A_smolvm_call_that_fails_fails_its_step_and_leaves_nothing(string command, string step)
    {
        using var emulated = new EmulatedSmolvm();
        var logger = new RecordingLogger();
        var options = emulated.Options with
        {
            Environment = new Dictionary<string, string?>(emulated.Options.Environment) { ["SMOLVM_EMULATOR_FAULT"] = command },
            ReadyTimeout = TimeSpan.FromSeconds(5),
        };
        var backend = new SmolmachinesBackend(options, logger);
        await BackendGate.RequireAsync(backend);
        var spec = TestImages.Spec.WithPrompt("a prompt, so provisioning copies a file") with { Name = BottleNames.NewBottleName() };

        var error = await Assert.ThrowsAsync<BottleLaunchException>(() => backend.LaunchAsync(spec, Ct));

        await AssertFailedCleanlyAsync(error, step, "injected fault: smolvm " + command, spec.Name!, logger);
        Assert.DoesNotContain(spec.Name!, (await emulated.RunAsync("machine", "ls", "--json")).Stdout, StringComparison.Ordinal);
    }

    private static async Task<BottleLaunchException> LaunchFailingAtAsync(BottleBackend backend, BottleSpec spec, string step)
    {
        using (LaunchFaults.Inject(step, new InvalidOperationException("injected at " + step)))
        {
            return await Assert.ThrowsAsync<BottleLaunchException>(() => backend.LaunchAsync(spec, Ct));
        }
    }

    /// <summary>The step and cause are named, nothing labelled for the bottle is left, every undo ran once in reverse order.</summary>
    private static async Task AssertFailedCleanlyAsync(BottleLaunchException error, string step, string cause, string bottle, RecordingLogger logger)
    {
        Assert.Equal(step, error.Step);
        Assert.Contains(cause, error.Message, StringComparison.Ordinal);
        Assert.Empty(error.TeardownFailures);
        var engine = await EngineProvider.For().GetAsync(Ct);
        var left = await EngineSweeper.ListAsync(engine.Client, BottleNames.SessionId, Ct);
        Assert.DoesNotContain(left, r => r.Contains(bottle, StringComparison.Ordinal));
        Assert.Equal(logger.After("registered: ").Reverse(), logger.After("teardown: "));
    }
}
