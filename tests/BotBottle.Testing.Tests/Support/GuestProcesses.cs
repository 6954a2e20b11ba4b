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
}
