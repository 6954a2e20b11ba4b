using System.Diagnostics;

namespace BotBottle.Testing.Tests.Support;

/// <summary>What a cancelled exec leaves in the guest, read from /proc (no ps needed).</summary>
internal static class GuestProcesses
{
    private const string List = "for p in /proc/[0-9]*; do [ -r \"$p/cmdline\" ] && tr '\\0' ' ' < \"$p/cmdline\" && echo; done";

    /// <summary>Cancels an exec of a long sleep after 2 s and asserts the call ends promptly and the guest process is gone within 5 s.</summary>
    public static async Task AssertACancelledExecEndsInTheGuestAsync(IBottle bottle)
    {
        var ct = TestContext.Current.CancellationToken;
        var marker = 300 + Random.Shared.Next(1, 600);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cancel.CancelAfter(TimeSpan.FromSeconds(2));
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => bottle.ExecAsync($"sleep {marker}; echo late", cancellationToken: cancel.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"the cancelled exec returned after {clock.Elapsed}");
        Assert.True(cancel.IsCancellationRequested);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        string running;
        do
        {
            running = string.Join(" | ", (await bottle.ExecAsync(List, GuestUsers.Root, ct)).Stdout.Split('\n').Where(l => l.Contains($"sleep {marker}", StringComparison.Ordinal) && !l.Contains("/proc", StringComparison.Ordinal)));
            if (running.Length == 0)
            {
                return;
            }

            await Task.Delay(250, ct);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"the cancelled exec still runs in the guest 5 s later: {running}");
    }

    /// <summary>
    /// Cancels an exec that left a <c>setsid</c> daemon and a double-forked one behind (both reparented away from the
    /// exec's shell) and asserts both are gone within 5 s: cancelling ends every descendant.
    /// </summary>
    public static async Task AssertACancelledExecEndsItsDetachedDescendantsAsync(IBottle bottle)
    {
        var ct = TestContext.Current.CancellationToken;
        var (daemon, forked) = (1000 + Random.Shared.Next(1, 500), 1500 + Random.Shared.Next(1, 500));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cancel.CancelAfter(TimeSpan.FromSeconds(2));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => bottle.ExecAsync(
            $"(setsid sleep {daemon} >/dev/null 2>&1 </dev/null &); ( (sleep {forked} >/dev/null 2>&1 </dev/null &) & ); sleep 300", cancellationToken: cancel.Token));

        Assert.Equal("", await StillRunningAsync(bottle, [$"sleep {daemon}", $"sleep {forked}"], TimeSpan.FromSeconds(5)));
    }

    /// <summary>
    /// Cancels an exec that left a fork-hopper behind (in a session of its own, it forks and exits in a tight loop, so
    /// no pid of it lives long enough to be read from /proc and killed) and asserts it is gone within 10 s.
    /// </summary>
    public static async Task AssertACancelledExecEndsAForkHopperAsync(IBottle bottle)
    {
        var ct = TestContext.Current.CancellationToken;
        var name = "bbt-hopper-" + Random.Shared.Next(1000, 9999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cancel.CancelAfter(TimeSpan.FromSeconds(2));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => bottle.ExecAsync(
            $"perl -e 'use POSIX (); POSIX::setsid(); $0 = \"{name}\"; my $end = time + 30; while (time < $end) {{ exit 0 if fork }}' </dev/null >/dev/null 2>&1 & sleep 300",
            cancellationToken: cancel.Token));

        Assert.Equal("", await StillRunningAsync(bottle, [name], TimeSpan.FromSeconds(10)));
    }

    /// <summary>A normally finished exec keeps per-call exec semantics: its <c>setsid</c> daemon keeps running (and is then ended here).</summary>
    public static async Task AssertAFinishedExecKeepsItsDaemonAsync(IBottle bottle)
    {
        var ct = TestContext.Current.CancellationToken;
        var daemon = 2000 + Random.Shared.Next(1, 500);

        (await bottle.ExecAsync($"(setsid sleep {daemon} >/dev/null 2>&1 </dev/null &); echo started", cancellationToken: ct)).ThrowOnFailure();

        await Task.Delay(500, ct);
        Assert.Contains($"sleep {daemon}", await StillRunningAsync(bottle, [$"sleep {daemon}"], TimeSpan.Zero), StringComparison.Ordinal);
        await bottle.ExecAsync($"pkill -f 'sleep {daemon}' || true", GuestUsers.Root, ct);
    }

    /// <summary>The guest processes whose command line contains one of <paramref name="needles"/>, once none is left or after <paramref name="wait"/>.</summary>
    private static async Task<string> StillRunningAsync(IBottle bottle, IReadOnlyList<string> needles, TimeSpan wait)
    {
        var ct = TestContext.Current.CancellationToken;
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            var running = string.Join(" | ", (await bottle.ExecAsync(List, GuestUsers.Root, ct)).Stdout.Split('\n')
                .Where(l => needles.Any(n => l.Contains(n, StringComparison.Ordinal)) && !l.Contains("/proc", StringComparison.Ordinal)));
            if (running.Length == 0 || DateTime.UtcNow >= deadline)
            {
                return running;
            }

            await Task.Delay(250, ct);
        }
    }
}
