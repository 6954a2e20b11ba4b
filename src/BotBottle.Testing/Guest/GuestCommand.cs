using BotBottle.Testing.Bottles;

namespace BotBottle.Testing.Guest;

/// <summary>
/// The exec semantics every backend shares: the in-guest argv that switches to a user with
/// <c>runuser -u &lt;user&gt; --</c> (never <c>-l</c>: a login shell's PAM setup hangs on minimal
/// Debian) and sets HOME and USER explicitly. The guest env is re-sent on every exec too, but out of
/// band, as the exec's own environment (runuser keeps it): in an argv it would be readable by anyone
/// running <c>ps</c> on the host, and the env may hold secrets. Each element stays a separate argv
/// element; nothing is glued into a shell string.
/// </summary>
internal static class GuestCommand
{
    /// <summary>The shell every script runs under.</summary>
    public const string Shell = "/bin/sh";

    /// <summary>The loop a guest's keep-alive runs: sleeps for ever, so execs always have a running container or machine to join.</summary>
    public const string KeepAliveLoop = "while :; do sleep 3600; done";

    /// <summary>The keep-alive workload: <see cref="KeepAliveLoop"/> under <see cref="Shell"/>.</summary>
    public static readonly IReadOnlyList<string> KeepAlive = [Shell, "-c", KeepAliveLoop];

    /// <summary><c>runuser -u &lt;user&gt; -- env HOME=… USER=… /bin/sh -c &lt;script&gt;</c>.</summary>
    public static IReadOnlyList<string> ForScript(string user, string script)
    {
        ArgumentNullException.ThrowIfNull(script);
        return [.. AsUser(user), Shell, "-c", script];
    }

    /// <summary><c>runuser -u &lt;user&gt; -- env HOME=… USER=…</c>, ready for a command to be appended.</summary>
    public static IReadOnlyList<string> AsUser(string user)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        if (!user.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
        {
            throw new ArgumentException($"'{user}' is not a user name", nameof(user));
        }

        return ["runuser", "-u", user, "--", "env", "HOME=" + GuestUsers.HomeOf(user), "USER=" + user];
    }
}
