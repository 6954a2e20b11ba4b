using System.Globalization;
using BotBottle.Testing.Diagnostics;
using BotBottle.Testing.Guest;

namespace BotBottle.Testing.Conformance.Checks;

/// <summary>
/// A limit for a guest command, kept twice: in the guest by <c>timeout</c> (when the image has it)
/// so the command really ends, and on the host as a backstop for a guest that answers nothing.
/// </summary>
internal static class GuestTimeout
{
    /// <summary>How much longer the host waits than the guest's own limit.</summary>
    public static readonly TimeSpan HostGrace = TimeSpan.FromSeconds(10);

    /// <summary>The script run under the guest's <c>timeout</c> when there is one.</summary>
    public static string Wrap(string script, TimeSpan limit)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(limit.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var quoted = ShellQuoting.Quote(script);
        return $"if command -v timeout >/dev/null 2>&1; then exec timeout -k 2 {seconds} /bin/sh -c {quoted}; fi; exec /bin/sh -c {quoted}";
    }

    /// <summary>Whether an exit after <paramref name="elapsed"/> was the limit's doing.</summary>
    public static bool EndedByLimit(int exitCode, TimeSpan elapsed, TimeSpan limit) =>
        exitCode is 124 or 137 && elapsed >= limit - TimeSpan.FromMilliseconds(500);
}
