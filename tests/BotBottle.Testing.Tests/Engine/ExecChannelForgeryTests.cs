using BotBottle.Testing.Bottles;
using BotBottle.Testing.Docker;
using BotBottle.Testing.Tests.Support;
using BotBottle.Testing.Processes;

namespace BotBottle.Testing.Tests.Engine;

/// <summary>
/// A root process in the agent that finds the exec channel's perl and writes well-formed frames into its stdout
/// (through <c>/proc/PID/fd/1</c>) while the harness runs <c>exit 42</c>: frames of the format before the key, and
/// keyed frames with a guessed tag, each claiming exit 0 with invented stdout. In a container hardened as the agent is
/// the writer cannot even open the channel (it is non-dumpable and nobody keeps CAP_SYS_PTRACE) and every command
/// keeps its exit status and output; the control gives the writer CAP_SYS_PTRACE, so its frames do get in: the
/// channel then fails with the error that says something in the guest wrote into it, the bottle's next exec goes
/// through a per-call engine exec, and no forged exit 0 ever comes back.
/// </summary>
[Trait("Category", "Docker")]
public sealed class ExecChannelForgeryTests
{
    private const string Log = "/tmp/bbt-forger.log";

    private static readonly string[] Exit42 = ["/bin/sh", "-c", "sleep 0.05; echo real; exit 42"];

    /// <summary>
    /// The forger: root, started by its own engine exec (no relation to the channel), finding every
    /// <c>perl -e</c> process whose script is the channel's and writing frames that claim exit 0 for request ids 1–64
    /// into its stdout, over and over; it logs each process it opened or was refused, once each, with the reason.
    /// </summary>
    private const string Forger = """
        use strict;
        use warnings;
        my ($kind, $log) = @ARGV;
        open(my $l, '>>', $log) or die "$log: $!";
        select((select($l), $| = 1)[0]);
        my $marker = 'cannot make itself ' . 'non-dumpable';
        my (%said, $sequence);
        my $until = time + 120;
        sub forgery {
            my ($id) = @_;
            my ($stdout, $exit) = ("forged\n", pack('N', 0));
            return 'O' . pack('NN', $id, length $stdout) . $stdout . 'X' . pack('NN', $id, 4) . $exit if $kind eq 'old';
            my $tag = join '', map { chr int rand 256 } 1 .. 32;
            $sequence += 2;
            return 'O' . pack('NNN', $id, length $stdout, $sequence - 1) . $tag . $stdout . 'X' . pack('NNN', $id, 4, $sequence) . $tag . $exit;
        }
        print $l "started\n";
        while (time < $until) {
            for my $cmdline (glob '/proc/[0-9]*/cmdline') {
                my ($pid) = $cmdline =~ m{^/proc/(\d+)/} or next;
                next if $pid == $$;
                open(my $c, '<', $cmdline) or next;
                my $line = do { local $/; <$c> } // '';
                close $c;
                next unless $line =~ /^perl\0-e\0/ && index($line, $marker) >= 0;
                if (open(my $out, '>>', "/proc/$pid/fd/1")) {
                    binmode $out;
                    print $l "opened $pid\n" unless $said{"opened $pid"}++;
                    syswrite($out, forgery($_)) for 1 .. 64;
                    close $out;
                }
                else {
                    my $why = "$!";
                    print $l "refused $pid: $why\n" unless $said{"refused $pid: $why"}++;
                }
            }
            select(undef, undef, undef, 0.02);
        }
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("old")]
    [InlineData("guessed")]
    public async Task A_root_process_in_the_hardened_agent_cannot_open_the_channel_and_exit_42_stays_exit_42(string kind)
    {
        await using var agent = await AgentAsync(AgentHardening.Kept);
        await using var channel = await ExecChannel.OpenAsync(agent.Engine.Client, agent.Container.Id, Guest.GuestSupervisor.Script, Ct) ?? throw new InvalidOperationException("the reference agent image has perl: the channel must open");

        var log = await StartForgerAsync(agent, kind);
        var outcomes = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var result = await channel.RunAsync(Exit42, [], Ct);
            outcomes.Add($"{result.ExitCode} {result.Stdout}");
        }

        Assert.All(outcomes, o => Assert.Equal("42 real\n", o));
        Assert.True(channel.IsOpen, "the channel closed though nothing got into it");
        log = await ReadLogAsync(agent);
        Assert.Contains(": Permission denied", log, StringComparison.Ordinal);
        Assert.DoesNotContain("opened", log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("old")]
    [InlineData("guessed")]
    public async Task Control_a_writer_that_gets_in_closes_the_channel_as_a_forgery_and_never_forges_an_exit(string kind)
    {
        await using var agent = await AgentAsync([.. AgentHardening.Kept, "SYS_PTRACE"]);
        await using var channel = await ExecChannel.OpenAsync(agent.Engine.Client, agent.Container.Id, Guest.GuestSupervisor.Script, Ct) ?? throw new InvalidOperationException("the reference agent image has perl: the channel must open");
        var bottle = new DockerAgentRuntime(agent.Container, null, "docker", execChannel: true, new NoObserver());
        Assert.Equal(42, (await bottle.ExecAsync(Exit42, [], Ct)).ExitCode);
        Assert.Equal(2, await ChannelsAsync(agent));

        var log = await StartForgerAsync(agent, kind);
        var outcomes = new List<string>();
        IOException? forgery = null;
        for (var i = 0; i < 50 && forgery is null; i++)
        {
            try
            {
                var result = await channel.RunAsync(Exit42, [], Ct);
                outcomes.Add($"{result.ExitCode} {result.Stdout}");
            }
            catch (IOException e)
            {
                forgery = e;
            }
        }

        // The bottle's own channel meets the same writer: each exec is the real one or a failure, and once its
        // channel has closed, the bottle goes on with per-call engine execs.
        var bottled = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            try
            {
                var result = await bottle.ExecAsync(Exit42, [], Ct);
                bottled.Add($"{result.ExitCode} {result.Stdout}");
            }
            catch (IOException e) when (e.Message.Contains(ExecChannelWire.Forged, StringComparison.Ordinal))
            {
                bottled.Add("forgery");
            }
        }

        Assert.Contains("opened", log, StringComparison.Ordinal);
        Assert.All(outcomes, o => Assert.Equal("42 real\n", o));
        Assert.NotNull(forgery);
        Assert.Contains(ExecChannelWire.Forged, forgery.Message, StringComparison.Ordinal);
        Assert.False(channel.IsOpen);
        Assert.All(bottled, o => Assert.True(o is "42 real\n" or "forgery", o));
        Assert.Equal("42 real\n", bottled[^1]);
        Assert.Equal(0, await ChannelsAsync(agent));
    }

    /// <summary>How many channel perls run in the agent (each channel's guest side, not its commands' supervisors).</summary>
    private static async Task<int> ChannelsAsync(ScratchContainer agent)
    {
        var listed = await EngineExec.RunAsync(agent.Engine.Client, agent.Container.Id, ["/bin/sh", "-c", "for p in /proc/[0-9]*; do tr '\\0\\n' '  ' < $p/cmdline 2>/dev/null | grep -qs '^perl -e .*cannot make itself non-dumpable' && grep -qs '^PPid:[[:space:]]*0$' $p/status && echo $p; done; true"], "0", [], Ct);
        return listed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
    }

    /// <summary>Starts the forger in the background and returns its log once it has met the channel's perl.</summary>
    private static async Task<string> StartForgerAsync(ScratchContainer agent, string kind)
    {
        (await EngineExec.RunAsync(agent.Engine.Client, agent.Container.Id, ["/bin/sh", "-c", "perl -e \"$1\" \"$2\" \"$3\" </dev/null >/dev/null 2>&1 &", "sh", Forger, kind, Log], "0", [], Ct)).ThrowOnFailure();
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        patience.CancelAfter(TimeSpan.FromSeconds(20));
        while (true)
        {
            var log = await ReadLogAsync(agent);
            if (log.Contains("opened", StringComparison.Ordinal) || log.Contains("refused", StringComparison.Ordinal))
            {
                return log;
            }

            await Task.Delay(100, patience.Token);
        }
    }

    private static async Task<string> ReadLogAsync(ScratchContainer agent) =>
        (await EngineExec.RunAsync(agent.Engine.Client, agent.Container.Id, ["/bin/sh", "-c", $"cat {Log} 2>/dev/null || true"], "0", [], Ct)).Stdout;

    /// <summary>An agent container hardened as a bottle's is, but keeping <paramref name="capabilities"/>, as root, without a network.</summary>
    private static async Task<ScratchContainer> AgentAsync(IReadOnlyList<string> capabilities)
    {
        await BackendGate.RequireAsync(new DockerBackend());
        return await ScratchContainer.StartAsync(
            await EngineProvider.For().GetAsync(Ct), TestImages.Agent, ["/bin/sh", "-c", "while :; do sleep 3600; done"], onBottleNetwork: false, "agent",
            request => AgentHardening.Apply(request, AgentLimits.Default) with { CapAdd = capabilities });
    }

    /// <summary>The runtime's observer, which these tests never ask anything.</summary>
    private sealed class NoObserver : BotBottle.Testing.Observers.IAgentObserver
    {
        public string ProberName => "none";

        public Task<BottleExecResult> ProbeAsync(string script, CancellationToken cancellationToken) => throw new NotSupportedException("no prober in this test");

        public Task<BotBottle.Testing.Observers.AgentFacts> ReadFactsAsync(CancellationToken cancellationToken) => throw new NotSupportedException("no observer in this test");
    }
}
