using BotBottle.Testing.Guest;
using BotBottle.Testing.Processes;
using BotBottle.Testing.Smolmachines;
using BotBottle.Testing.Tests.Snapshots;
using Microsoft.Extensions.Logging.Abstractions;

namespace BotBottle.Testing.Tests.Smolmachines;

/// <summary>
/// The interactive agent command line of a smolmachines bottle, pinned as snapshots: the argv, and the
/// environment it must be started with (the guest env travels there, named on the command line only).
/// </summary>
public sealed class AgentArgvTests
{
    private static readonly IReadOnlyList<KeyValuePair<string, string>> Env =
        GuestEnvironment.For(new BundleEndpoint("172.30.0.2", 3128, "bbt-net") { ProxyHost = "127.0.0.1" }, new Dictionary<string, string> { ["PROJECT"] = "alpha" });

    private static string Render(BottleSpec spec, string? promptPath, IReadOnlyList<string> argv, bool tty, string version = "1.9.3", IReadOnlyList<string>? bridge = null)
    {
        var smolvm = new SmolvmCli("/usr/local/bin/smolvm", new Dictionary<string, string?> { ["XDG_DATA_HOME"] = "/state" }, NullLogger.Instance);
        var runtime = new SmolvmAgentRuntime("bbt-0123abcd-456789", smolvm, SmolvmVersion.Parse(version), bridge);
        var command = runtime.HostCommand(AgentCommandLine.Build(spec, promptPath, argv), Env, tty);
        return ArgvText.Render(command.Argv) + "\n\nenvironment:\n" + string.Join('\n', command.Environment.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
    }

    private static BottleSpec Spec => new("example/agent:1", new BundleSpec("example/bundle:1"));

    [Fact]
    public Task Tty_with_prompt_file_runs_smolvm_exec_with_a_terminal_and_no_bridge_since_smolvm_forwards_the_size() =>
        Snapshot.VerifyAsync(Render(Spec.WithPrompt("be careful"), "/home/node/.bot-bottle-prompt.txt", ["--dangerously-skip-permissions"], tty: true));

    [Fact]
    public Task Tty_is_wrapped_in_the_pty_bridge_when_asked_to() =>
        Snapshot.VerifyAsync(Render(Spec.WithPrompt("be careful"), "/home/node/.bot-bottle-prompt.txt", ["--dangerously-skip-permissions"], tty: true, bridge: ["/opt/botbottle/botbottle-pty-bridge"]));

    [Fact]
    public Task Without_tty_there_is_no_bridge_and_no_terminal_flags() =>
        Snapshot.VerifyAsync(Render(Spec.WithPrompt("be careful"), "/home/node/.bot-bottle-prompt.txt", ["-p", "hello world"], tty: false, bridge: ["/opt/botbottle/botbottle-pty-bridge"]));

    [Fact]
    public Task Read_prompt_file_mode_puts_argv_first_and_a_workdir_adds_the_cd_wrapper() =>
        Snapshot.VerifyAsync(Render(
            Spec.WithPrompt("be careful", PromptMode.ReadPromptFile) with { AgentCommand = ["codex"], AgentWorkdir = "/work/my project" },
            "/home/node/.bot-bottle-prompt.txt", ["--full-auto"], tty: false));

    [Fact]
    public Task An_empty_prompt_adds_no_prompt_arguments() =>
        Snapshot.VerifyAsync(Render(Spec, null, ["--version"], tty: false));

    [Fact]
    public void No_guest_env_value_is_in_the_argv()
    {
        var text = Render(Spec.WithEnv("GITHUB_TOKEN", "ghp_notreallyatoken12345").WithPrompt("x"), "/p", [], tty: true);
        var argv = text[..text.IndexOf("environment:", StringComparison.Ordinal)];
        Assert.DoesNotContain("egress-placeholder", argv, StringComparison.Ordinal);
        Assert.DoesNotContain("http://127.0.0.1:3128", argv, StringComparison.Ordinal);
        Assert.Contains("HTTPS_PROXY=BBT_ENV_HTTPS_PROXY", argv, StringComparison.Ordinal);
    }
}
