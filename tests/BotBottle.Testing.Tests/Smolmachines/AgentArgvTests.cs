using BotBottle.Testing.Bottles;
using BotBottle.Testing.Bundles;
using BotBottle.Testing.Smolmachines;
using BotBottle.Testing.Tests.Snapshots;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Smolmachines;

/// <summary>The interactive agent command line of a smolmachines bottle, pinned as snapshots.</summary>
public sealed class AgentArgvTests : IDisposable
{
    private readonly StandInSmolvm _smolvm = new();

    public void Dispose() => _smolvm.Dispose();

    private async Task<string> RenderAsync(BottleSpec spec, IReadOnlyList<string> argv, bool tty)
    {
        await using var bottle = await new SmolmachinesBackend(new RecordingBundleHost(_smolvm), _smolvm.Options).LaunchAsync(spec, TestContext.Current.CancellationToken);
        return new Scrubber().Replace(bottle.Name, "{Bottle}").Replace(_smolvm.ExecutablePath, "{smolvm}").Apply(ArgvText.Render(bottle.AgentArgv(argv, tty)));
    }

    private static BottleSpec Spec => new BottleSpec("example/agent:1", new BundleSpec("example/bundle:1")).WithEnv("PROJECT", "alpha");

    [Fact]
    public async Task Tty_with_prompt_file_is_wrapped_in_the_pty_bridge() =>
        await Snapshot.VerifyAsync(await RenderAsync(Spec.WithPrompt("be careful"), ["--dangerously-skip-permissions"], tty: true));

    [Fact]
    public async Task Without_tty_there_is_no_bridge_and_no_terminal_flags() =>
        await Snapshot.VerifyAsync(await RenderAsync(Spec.WithPrompt("be careful"), ["-p", "hello world"], tty: false));

    [Fact]
    public async Task Read_prompt_file_mode_puts_argv_first_and_a_workdir_adds_the_cd_wrapper() =>
        await Snapshot.VerifyAsync(await RenderAsync(
            Spec.WithPrompt("be careful", PromptMode.ReadPromptFile) with { AgentCommand = ["codex"], AgentWorkdir = "/work/my project" },
            ["--full-auto"], tty: false));

    [Fact]
    public async Task An_empty_prompt_adds_no_prompt_arguments() =>
        await Snapshot.VerifyAsync(await RenderAsync(Spec, ["--version"], tty: false));
}
