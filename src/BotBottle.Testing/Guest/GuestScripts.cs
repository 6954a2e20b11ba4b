using System.Globalization;
using BotBottle.Testing.Diagnostics;

namespace BotBottle.Testing.Guest;

/// <summary>Small in-guest scripts the harness and its checks share.</summary>
internal static class GuestScripts
{
    /// <summary>
    /// Dials <paramref name="host"/>:<paramref name="port"/> with bash's /dev/tcp under a timeout; prints
    /// "connected" on success or bash's error text, then <c>rc=N</c> (124 = timed out).
    /// </summary>
    public static string TcpDial(string host, int port, int timeoutSeconds = 3)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        var target = ShellQuoting.Quote("/dev/tcp/" + host + "/" + port.ToString(CultureInfo.InvariantCulture));
        return $"timeout {timeoutSeconds.ToString(CultureInfo.InvariantCulture)} bash -c 'exec 3<>\"$1\" && echo connected' dial {target} 2>&1; echo \"rc=$?\"";
    }
}
