using BotBottle.Testing.Smolmachines;
using BotBottle.Testing.SmolvmEmulator;
using BotBottle.Testing.Tests.Snapshots;

namespace BotBottle.Testing.Tests.Smolmachines;

/// <summary>
/// Every smolvm argv the backend builds, per version: pinned as a snapshot, and parsed by the grammar of that
/// release (the emulator's tables, read in smolvm's source at the tag), so an argv smolvm would reject fails here.
/// </summary>
public sealed class SmolvmCommandsTests
{
    private static readonly IReadOnlyList<KeyValuePair<string, string>> EnvNames = [new("HTTPS_PROXY", "BBT_ENV_HTTPS_PROXY"), new("PROJECT", "BBT_ENV_PROJECT")];

    private static readonly Dictionary<string, string> Labels = new() { ["dev.botbottle.session"] = "0123abcd", ["dev.botbottle.role"] = "agent" };

    private static IEnumerable<(string Step, IReadOnlyList<string> Argv)> Commands(SmolvmVersion v) =>
    [
        ("create", SmolvmCommands.Create(v, "bbt-0-1", "/cache/0123.tar", "/tmp/bbt-1.sock", Labels, cpus: 2, memoryMib: 2048)),
        ("start", SmolvmCommands.Start("bbt-0-1")),
        ("exec", SmolvmCommands.Exec("bbt-0-1", ["/bin/sh", "-c", "echo hi"], EnvNames)),
        ("exec tty", SmolvmCommands.Exec("bbt-0-1", ["claude"], EnvNames, tty: true)),
        ("exec detached", SmolvmCommands.Exec("bbt-0-1", ["socat", "TCP-LISTEN:3128"], [], detach: true)),
        ("cp", SmolvmCommands.CopyIn(v, "bbt-0-1", "/tmp/prompt.txt", "/home/node/.bot-bottle-prompt.txt", 1000, 1000, (UnixFileMode)0b110_000_000)),
        ("stop", SmolvmCommands.Stop("bbt-0-1")),
        ("delete", SmolvmCommands.Delete(v, "bbt-0-1")),
        ("ls", SmolvmCommands.List()),
    ];

    [Theory]
    [InlineData("1.8.0")]
    [InlineData("1.9.3")]
    public Task Lifecycle_commands(string version)
    {
        var text = string.Join("\n\n", Commands(SmolvmVersion.Parse("smolvm " + version)).Select(p => $"# {p.Step}\n{ArgvText.Render(p.Argv)}"));
        return Snapshot.VerifyAsync($"smolvm {version}\n\n{text}", parameters: "version=" + version);
    }

    [Theory]
    [InlineData("1.8.0")]
    [InlineData("1.9.3")]
    public void Every_command_parses_in_the_grammar_of_the_release(string version)
    {
        var grammar = Grammar.Load(version);
        foreach (var (step, argv) in Commands(SmolvmVersion.Parse("smolvm " + version)))
        {
            var parsed = grammar.Parse(argv[0] + " " + argv[1], argv.Skip(2).ToList());
            Assert.True(parsed is not null, step);
        }
    }

    [Fact]
    public void Before_1_8_0_create_has_no_labels_and_smolvm_would_reject_the_harness_s_create()
    {
        var create = SmolvmCommands.Create(SmolvmVersion.Parse("smolvm 1.7.7"), "bbt-0-1", "/cache/0123.tar", "/tmp/bbt-1.sock", Labels);

        var error = Assert.Throws<UsageException>(() => Grammar.Load("1.7.7").Parse("machine create", create.Skip(2).ToList()));

        Assert.Equal(2, error.ExitCode);
        Assert.StartsWith("error: unexpected argument '--label' found", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("smolvm 1.7.7", "`machine create --label` does not exist before 1.8.0|not visible inside an image machine's container before 1.8.0|over 1 MiB", "/etc/hosts")]
    [InlineData("smolvm 1.6.3", "`--mount-socket` does not exist before 1.6.4", "container before 1.8.0")]
    [InlineData("smolvm 1.8.0\n", "over 1 MiB lands where the workload cannot see it|cannot set owner and mode|1.8.0-1.8.2 write no default /etc/hosts", "--label")]
    [InlineData("smolvm 1.8.3", "over 1 MiB lands where the workload cannot see it", "/etc/hosts")]
    [InlineData("smolvm 1.9.0", null, null)]
    [InlineData("smolvm 1.9.3 (abc123 2026-01-01)", null, null)]
    public void Versions_older_than_1_9_0_are_refused_with_the_reasons_of_that_release(string output, string? reasons, string? notReason)
    {
        var version = SmolvmVersion.Parse(output);

        Assert.Equal(reasons is null, version.Refusal is null);
        if (reasons is not null)
        {
            Assert.StartsWith($"smolvm {version} is older than 1.9.0: ", version.Refusal, StringComparison.Ordinal);
            Assert.All(reasons.Split('|'), r => Assert.Contains(r, version.Refusal, StringComparison.Ordinal));
            Assert.DoesNotContain(notReason!, version.Refusal, StringComparison.Ordinal);
            Assert.DoesNotContain("egress policy", version.Refusal, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("1.8.0", false)]
    [InlineData("1.9.3", true)]
    public void Copy_sets_owner_and_mode_itself_from_1_9_0(string version, bool flags) =>
        Assert.Equal(flags, SmolvmCommands.CopyIn(SmolvmVersion.Parse(version), "m", "/a", "/b", 1000, 1000, (UnixFileMode)0b110_000_000).Contains("--uid"));

    [Fact]
    public void An_unreadable_version_is_a_smolvm_error_that_quotes_the_output()
    {
        var error = Assert.Throws<SmolvmException>(() => SmolvmVersion.Parse("command not understood"));
        Assert.Contains("command not understood", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, "Error: vm not found: x", true)]
    [InlineData(1, "Error: agent operation failed: connect: machine 'x' is not running. Use 'smolvm machine start --name x' first.", true)]
    [InlineData(1, "Error: config operation failed: create machine: machine 'x' already exists or is being created", true)]
    [InlineData(1, "Error: could not open config.yaml", false)]
    [InlineData(1, "guest: Error: mine", false)]
    [InlineData(2, "error: unexpected argument '--label' found\n\nUsage: smolvm machine create [OPTIONS]", true)]
    [InlineData(2, "error: usage of my own tool", false)]
    [InlineData(0, "Error: vm not found: x", false)]
    public void A_guest_failure_is_not_taken_for_a_smolvm_failure(int exitCode, string stderr, bool smolvmFailed) =>
        Assert.Equal(smolvmFailed, SmolvmException.IsSmolvmFailure(exitCode, stderr));

    [Theory]
    [InlineData("", "Error: vm not found: bbt-1\n", true)]
    [InlineData("", "Error: agent operation failed: connect: machine 'bbt-1' is not running. Use 'smolvm machine start --name bbt-1' first.\n", true)]
    [InlineData("", "Error: vm not found: nothing\n", false)]
    [InlineData("", "Error: agent operation failed: connect: machine 'other' is not running.\n", false)]
    [InlineData("partial output\n", "Error: vm not found: bbt-1\n", false)]
    [InlineData("", "warming up\nError: vm not found: bbt-1\n", false)]
    [InlineData("", "Error: config operation failed: --image: bbt-1 looks like a Dockerfile, not an image.\nsmolvm boots images, it does not build them\n", true)]
    [InlineData("", "2026-08-19T10:00:00.123456Z ERROR agent socket writer failed\nError: agent operation failed: connect: machine 'bbt-1' is not running.\n", true)]
    [InlineData("", "2026-08-19T10:00:00.123456Z ERROR agent socket writer failed\nguest text\n", false)]
    public void An_exec_failure_is_smolvm_s_only_when_it_looks_like_nothing_but_smolvm_s_own_message_about_this_machine(string stdout, string stderr, bool smolvmFailed) =>
        Assert.Equal(smolvmFailed, SmolvmException.IsExecFailure(1, stdout, stderr, "bbt-1"));

    [Theory]
    [InlineData(101, "", "\nthread 'main' panicked at src/cli/machine.rs:10:5:\nboom\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n", true)]
    [InlineData(101, "guest output\n", "thread 'main' panicked at src/main.rs:1:1:\nmine\n", false)]
    [InlineData(101, "", "my own exit 101\n", false)]
    public void A_panic_is_smolvm_s_failure_when_nothing_came_out_before_it(int exitCode, string stdout, string stderr, bool smolvmFailed) =>
        Assert.Equal(smolvmFailed, SmolvmException.IsExecFailure(exitCode, stdout, stderr, "bbt-1"));
}
