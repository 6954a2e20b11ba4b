using System.Diagnostics;
using BotBottle.Testing.Guest;
using BotBottle.Testing.Tests.Support;

namespace BotBottle.Testing.Tests.Engine;

/// <summary>
/// The exec channel against per-call engine execs in the same container: every observable of an exec (user, HOME/USER,
/// the whole environment, exit codes with 128+signal, stdout and stderr apart, bytes, an empty stdin, large output)
/// must be the same either way; then what only the channel adds: many commands at once, and cancellation.
/// </summary>
[Trait("Category", "Docker")]
public sealed class ExecChannelTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Env = ["PROJECT=alpha beta $x", "EMPTY=", "MULTI=a=b=c"];

    public static TheoryData<string, string[]> Commands => new()
    {
        { "environment as root", ["/bin/sh", "-c", "env | sort"] },
        { "node through runuser", [.. GuestCommand.ForScript(GuestUsers.Agent, "id -un; id -u; echo \"$HOME|$USER|$PROJECT\"; env | sort")] },
        { "exit code and both streams", ["/bin/sh", "-c", "echo out; echo err >&2; exit 3"] },
        { "killed by SIGTERM", ["/bin/sh", "-c", "echo before; kill -TERM $$; echo after"] },
        { "killed by SIGKILL", ["/bin/sh", "-c", "kill -KILL $$"] },
        { "bytes that are not UTF-8", ["/bin/sh", "-c", "printf 'a\\000b\\377c\\n'; printf '\\200' >&2"] },
        { "stdin is empty", ["/bin/sh", "-c", "cat; echo \"read $?\""] },
        { "a missing program", ["no-such-program-bbt", "--flag"] },
        { "argv with spaces, quotes and newlines", ["/bin/sh", "-c", "printf '[%s]' \"$@\"", "sh", "a b", "'q'", "line\nbreak", ""] },
        { "a megabyte of output", ["/bin/sh", "-c", "head -c 1048576 /dev/zero | tr '\\000' x"] },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task A_command_through_the_channel_is_indistinguishable_from_a_per_call_exec(string what, string[] argv)
    {
        await using var agent = await AgentAsync(TestImages.Agent);
        await using var channel = await ExecChannel.OpenAsync(agent.Engine.Client, agent.Container.Id, Guest.GuestSupervisor.Script, Ct) ?? throw new InvalidOperationException("the reference agent image has perl: the channel must open");

        var direct = await EngineExec.RunAsync(agent.Engine.Client, agent.Container.Id, argv, "0", Env, Ct);
        var channelled = await channel.RunAsync(argv, Env, Ct);

        Assert.True(direct.Stdout.Length + direct.Stderr.Length > 0 || direct.ExitCode != 0, $"{what}: the per-call exec said nothing, so the comparison proves nothing");
        Assert.Equal((direct.ExitCode, direct.Stdout, direct.Stderr), (channelled.ExitCode, channelled.Stdout, channelled.Stderr));
    }

    [Fact]
    public async Task Signals_give_128_plus_the_signal_and_an_exit_code_is_passed_through()
    {
        await using var agent = await AgentAsync(TestImages.Agent);
        await using var channel = (await ExecChannel.OpenAsync(agent.Engine.Client, agent.Container.Id, Guest.GuestSupervisor.Script, Ct))!;

        Assert.Equal(143, (await channel.RunAsync(["/bin/sh", "-c", "kill -TERM $$"], [], Ct)).ExitCode);
        Assert.Equal(137, (await channel.RunAsync(["/bin/sh", "-c", "kill -KILL $$"], [], Ct)).ExitCode);
        Assert.Equal(42, (await channel.RunAsync(["/bin/sh", "-c", "exit 42"], [], Ct)).ExitCode);
    }

    [Fact]
    public async Task Many_commands_run_at_once_and_each_gets_its_own_output()
    {
        await using var agent = await AgentAsync(TestImages.Agent);
        await using var channel = (await ExecChannel.OpenAsync(agent.Engine.Client, agent.Container.Id, Guest.GuestSupervisor.Script, Ct))!;
        var clock = Stopwatch.StartNew();

        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(i =>
            channel.RunAsync(["/bin/sh", "-c", "sleep 1; echo \"$1 $N\"; echo \"e$1\" >&2; exit $(($1 % 7))", "sh", i.ToString(System.Globalization.CultureInfo.InvariantCulture)], ["N=n" + i], Ct)));

        Assert.All(results.Select((r, i) => (r, i)), x => Assert.Equal((x.i % 7, $"{x.i} n{x.i}\n", $"e{x.i}\n"), (x.r.ExitCode, x.r.Stdout, x.r.Stderr)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(12), $"24 one-second commands took {clock.Elapsed}: they did not run at once");
    }

    [Fact]
    public async Task Cancelling_a_command_ends_its_process_tree_in_the_guest_and_the_channel_carries_on()
    {
        await using var agent = await AgentAsync(TestImages.Agent);
        await using var channel = (await ExecChannel.OpenAsync(agent.Engine.Client, agent.Container.Id, Guest.GuestSupervisor.Script, Ct))!;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancel.CancelAfter(TimeSpan.FromSeconds(1));

        // The tree: runuser → sh as node → a child sh → sleep; every one must go, whatever user it runs as.
        var argv = GuestCommand.ForScript(GuestUsers.Agent, "sh -c 'sleep 417; echo late' & sleep 418; wait");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => channel.RunAsync(argv, [], cancel.Token));

        var left = await channel.RunAsync(["/bin/sh", "-c", "grep -l -e 'sleep.41[78]' /proc/[0-9]*/cmdline 2>/dev/null | grep -v self || true"], [], Ct);
        Assert.Equal("", left.Stdout.Trim());
        Assert.Equal("still here\n", (await channel.RunAsync(["/bin/echo", "still here"], [], Ct)).Stdout);
    }

    [Fact]
    public async Task An_image_without_perl_has_no_channel_and_per_call_execs_still_work()
    {
        await using var agent = await AgentAsync(TestImages.Agent);
        (await EngineExec.RunAsync(agent.Engine.Client, agent.Container.Id, ["/bin/sh", "-c", "rm -f /usr/bin/perl*"], "0", [], Ct)).ThrowOnFailure();

        Assert.Null(await ExecChannel.OpenAsync(agent.Engine.Client, agent.Container.Id, Guest.GuestSupervisor.Script, Ct));
        Assert.Equal("ok\n", (await EngineExec.RunAsync(agent.Engine.Client, agent.Container.Id, ["/bin/echo", "ok"], "0", [], Ct)).Stdout);
    }

    [Fact]
    public async Task A_channel_whose_container_is_removed_fails_its_running_command_instead_of_hanging()
    {
        var agent = await AgentAsync(TestImages.Agent);
        await using var channel = (await ExecChannel.OpenAsync(agent.Engine.Client, agent.Container.Id, Guest.GuestSupervisor.Script, Ct))!;
        var running = channel.RunAsync(["/bin/sh", "-c", "sleep 300"], [], Ct);

        await agent.DisposeAsync();

        await Assert.ThrowsAsync<IOException>(() => running.WaitAsync(TimeSpan.FromSeconds(20), Ct));
        Assert.False(channel.IsOpen);
    }

    public static TheoryData<string, int> Contents => new()
    {
        { "empty", 0 },
        { "a line of text", 1 },
        { "every byte value", 256 },
        { "a megabyte", 1 << 20 },
    };

    [Theory]
    [MemberData(nameof(Contents))]
    public async Task A_file_written_through_the_channel_is_the_one_an_archive_upload_places(string what, int length)
    {
        await using var agent = await AgentAsync(TestImages.Agent);
        await using var channel = (await ExecChannel.OpenAsync(agent.Engine.Client, agent.Container.Id, Guest.GuestSupervisor.Script, Ct))!;
        var content = length == 1 ? "hello, agent\n"u8.ToArray() : Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();
        const UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var tar = await GuestArchive.CreateAsync([new IAgentRuntime.GuestFile("/home/node/uploaded", null, content, 1000, 1000, mode)], Ct))
        {
            await agent.Container.ExtractAsync(tar, "/", Ct);
        }

        var written = await channel.WriteFileAsync("/home/node/written", content, 1000, 1000, mode, Ct);

        Assert.Equal((0, ""), (written.ExitCode, written.Stderr));
        var described = await channel.RunAsync(["/bin/sh", "-c", "cd /home/node && for f in uploaded written; do stat -c '%F %a %u %g %s' $f; sha256sum < $f; done; ls -a"], [], Ct);
        var lines = described.Stdout.Split('\n');
        Assert.Equal($"regular {(length == 0 ? "empty " : "")}file 600 1000 1000 {content.Length}", lines[0]);
        Assert.True((lines[0], lines[1]) == (lines[2], lines[3]), $"{what}: the upload and the channel differ:\n{described.Stdout}");
        Assert.DoesNotContain(".bbt-channel-", described.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_link_at_the_path_is_replaced_not_followed_and_a_missing_directory_fails_with_the_reason()
    {
        await using var agent = await AgentAsync(TestImages.Agent);
        await using var channel = (await ExecChannel.OpenAsync(agent.Engine.Client, agent.Container.Id, Guest.GuestSupervisor.Script, Ct))!;
        (await channel.RunAsync(["/bin/sh", "-c", "echo original > /etc/bbt-target && ln -s /etc/bbt-target /home/node/prompt"], [], Ct)).ThrowOnFailure();

        var written = await channel.WriteFileAsync("/home/node/prompt", "new"u8.ToArray(), 1000, 1000, UnixFileMode.UserRead | UnixFileMode.UserWrite, Ct);
        var missing = await channel.WriteFileAsync("/no/such/dir/prompt", "x"u8.ToArray(), 0, 0, UnixFileMode.UserRead, Ct);

        Assert.Equal(0, written.ExitCode);
        var after = await channel.RunAsync(["/bin/sh", "-c", "cat /etc/bbt-target; stat -c '%F %U' /home/node/prompt; cat /home/node/prompt"], [], Ct);
        Assert.Equal("original\nregular file node\nnew", after.Stdout);
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("cannot create /no/such/dir/prompt.bbt-channel-", missing.Stderr, StringComparison.Ordinal);
        Assert.EndsWith(": No such file or directory\n", missing.Stderr, StringComparison.Ordinal);
    }

    /// <summary>An agent container, as root, kept alive by a sleep loop, without a network.</summary>
    private static async Task<ScratchContainer> AgentAsync(string image)
    {
        await BackendGate.RequireAsync(new DockerBackend());
        return await ScratchContainer.StartAsync(await EngineProvider.For().GetAsync(Ct), image, ["/bin/sh", "-c", "while :; do sleep 3600; done"], onBottleNetwork: false, "agent");
    }
}
