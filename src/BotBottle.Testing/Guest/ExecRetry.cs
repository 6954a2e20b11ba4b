using System.Diagnostics;
using BotBottle.Testing.Bottles;
using BotBottle.Testing.Processes;

namespace BotBottle.Testing.Guest;

/// <summary>
/// Early in a guest's life an ordinary exec can be SIGKILLed (exit 137). The harness retries such an
/// exec exactly once after a short settle so callers never have to.
/// </summary>
internal static class ExecRetry
{
    /// <summary>128 + SIGKILL.</summary>
    public const int SigKillExitCode = 137;

    /// <summary>The default pause before the single retry.</summary>
    public static readonly TimeSpan DefaultSettle = TimeSpan.FromMilliseconds(500);

    /// <summary>Runs <paramref name="attempt"/>; on exit 137 waits <paramref name="settle"/> and runs it once more.</summary>
    public static async Task<BottleExecResult> RunAsync(
        Func<CancellationToken, Task<BottleExecResult>> attempt,
        TimeSpan settle,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var clock = Stopwatch.StartNew();
        var result = await attempt(cancellationToken).ConfigureAwait(false);
        if (result.ExitCode == SigKillExitCode)
        {
            await Task.Delay(settle, cancellationToken).ConfigureAwait(false);
            result = await attempt(cancellationToken).ConfigureAwait(false);
        }

        return result with { Duration = clock.Elapsed };
    }
}
