using System.Threading.Channels;
using BotBottle.Testing.Smolmachines;
using BotBottle.Testing.Smolmachines.PtyBridge;
using BotBottle.Testing.Tests.Snapshots;
using CliWrap;
using CliWrap.Buffered;

namespace BotBottle.Testing.Tests.Smolmachines;

public sealed class PtyBridgeTests
{
    private static readonly PtyBridgeArguments Arguments = PtyBridgeArguments.Parse(
        ["bbt-0-1", "--", "/usr/local/bin/smolvm", "machine", "exec", "--name", "bbt-0-1", "-i", "-t", "--", "claude"]);

    [Fact]
    public void Arguments_split_the_machine_from_the_child_command()
    {
        Assert.Equal("bbt-0-1", Arguments.Machine);
        Assert.Equal("/usr/local/bin/smolvm", Arguments.Child[0]);
        Assert.Equal("claude", Arguments.Child[^1]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("bbt-0-1")]
    [InlineData("bbt-0-1 smolvm machine")]
    [InlineData("_ -- smolvm")]
    public void Malformed_arguments_are_rejected_with_usage(string joined)
    {
        var args = joined.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(a => a == "_" ? "" : a).ToArray();
        var error = Assert.Throws<ArgumentException>(() => PtyBridgeArguments.Parse(args));
        Assert.Contains("usage: botbottle-pty-bridge", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public Task The_resize_side_channel_sets_every_guest_pty_with_the_size_as_arguments() =>
        Snapshot.VerifyAsync(ArgvText.Render(Arguments.ResizeCommand(new TerminalSize(132, 43))));

    [Fact]
    public void The_host_size_falls_back_across_stdin_stdout_stderr_when_one_reports_0x0()
    {
        TerminalSize?[] sizes = [new TerminalSize(0, 0), null, new TerminalSize(120, 40)];
        Assert.Equal(new TerminalSize(120, 40), TerminalSize.FirstKnown(fd => sizes[fd]));
        Assert.Equal(new TerminalSize(80, 24), TerminalSize.FirstKnown(fd => fd == 0 ? new TerminalSize(80, 24) : new TerminalSize(120, 40)));
        Assert.Null(TerminalSize.FirstKnown(_ => new TerminalSize(0, 0)));
    }

    [Fact]
    public async Task The_guest_is_resized_at_start_and_on_every_window_change_until_the_child_exits()
    {
        var calls = Channel.CreateUnbounded<IReadOnlyList<string>>();
        var child = new TaskCompletionSource<int>();
        var size = new TerminalSize(100, 30);
        var bridge = new PtyResizeBridge(Arguments, () => size, (argv, _) =>
        {
            calls.Writer.TryWrite(argv);
            return argv.Contains("claude") ? child.Task : Task.FromResult(0);
        });
        var signals = Channel.CreateUnbounded<bool>();
        var ct = TestContext.Current.CancellationToken;

        var run = bridge.RunAsync(signals.Reader, ct);
        Assert.Equal("claude", (await calls.Reader.ReadAsync(ct))[^1]);
        Assert.Equal(["100", "30"], (await calls.Reader.ReadAsync(ct)).TakeLast(2));
        size = new TerminalSize(150, 50);
        signals.Writer.TryWrite(true);
        Assert.Equal(["150", "50"], (await calls.Reader.ReadAsync(ct)).TakeLast(2));
        child.SetResult(42);

        Assert.Equal(42, await run);
    }

    [Fact]
    public async Task Without_a_known_size_no_resize_is_attempted()
    {
        var ran = 0;
        var bridge = new PtyResizeBridge(Arguments, () => null, (_, _) =>
        {
            ran++;
            return Task.FromResult(0);
        });

        Assert.False(await bridge.ResizeOnceAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, ran);
    }

    [Fact]
    public async Task The_shipped_bridge_runs_standalone_from_any_directory_and_passes_the_child_exit_code_through()
    {
        var command = PtyBridgeLocator.DefaultCommand();
        Assert.True(Path.IsPathRooted(command[0]), $"bridge command must be absolute: {command[0]}");

        var result = await Cli.Wrap(command[0])
            .WithArguments([.. command.Skip(1), "bbt-0-1", "--", "/bin/sh", "-c", "echo bridged; exit 7"])
            .WithWorkingDirectory("/")
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(TestContext.Current.CancellationToken);

        Assert.Equal((7, "bridged\n"), (result.ExitCode, result.StandardOutput));
    }
}

/// <summary>ioctl's variadic third argument, passed where each ABI's callee reads it (dotnet/runtime#48752).</summary>
public sealed class TerminalSizeCallTests
{
    [Theory]
    [InlineData(true, System.Runtime.InteropServices.Architecture.Arm64, "AppleArm64")]
    [InlineData(true, System.Runtime.InteropServices.Architecture.X64, "Registers")]
    [InlineData(false, System.Runtime.InteropServices.Architecture.Arm64, "Registers")]
    [InlineData(false, System.Runtime.InteropServices.Architecture.X64, "Registers")]
    public void Apple_arm64_passes_the_variadic_pointer_on_the_stack_every_other_abi_in_a_register(bool macOs, System.Runtime.InteropServices.Architecture architecture, string expected) =>
        Assert.Equal(expected, HostTerminal.For(macOs, architecture).ToString());

    [Fact]
    public async Task The_size_of_a_real_terminal_is_read_through_the_ioctl()
    {
        // `script` gives the bridge a real pseudo-terminal of a known size; the bridge's own size reader reports it.
        var probe = Path.Combine(AppContext.BaseDirectory, "botbottle-pty-bridge.dll");
        var result = await Cli.Wrap("script")
            .WithArguments(["-qec", $"stty cols 123 rows 45; '{Support.RepositoryLayout.DotnetHost}' '{probe}' --print-size", "/dev/null"])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(TestContext.Current.CancellationToken);

        Assert.Contains("123x45", result.StandardOutput, StringComparison.Ordinal);
    }
}
