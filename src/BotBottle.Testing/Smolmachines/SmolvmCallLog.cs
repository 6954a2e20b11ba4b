using System.Collections.Concurrent;

namespace BotBottle.Testing.Smolmachines;

/// <summary>One smolvm process: its argv (after the executable), when it started, how long it ran, and how it ended.</summary>
/// <param name="Argv">The arguments after the executable, as passed.</param>
/// <param name="Started">When it started (UTC).</param>
/// <param name="Duration">How long it ran.</param>
/// <param name="ExitCode">Its exit code; null when it did not finish (cancelled, or could not be started).</param>
/// <param name="Stderr">Its standard error, as written (secrets are masked when the log is written out, not here).</param>
/// <param name="Fault">Why it did not finish, when it did not.</param>
internal sealed record SmolvmCall(IReadOnlyList<string> Argv, DateTimeOffset Started, TimeSpan Duration, int? ExitCode, string Stderr, string? Fault);

/// <summary>
/// The smolvm calls <see cref="SmolvmCli"/> made, in the order they ended: the record a support bundle carries. Filled
/// where <see cref="SmolvmCli"/> runs its processes (its one runner), so nothing else has to report a call.
/// </summary>
internal sealed class SmolvmCallLog
{
    private readonly ConcurrentQueue<SmolvmCall> _calls = new();

    public void Record(SmolvmCall call) => _calls.Enqueue(call);

    public IReadOnlyList<SmolvmCall> Calls => [.. _calls];
}
