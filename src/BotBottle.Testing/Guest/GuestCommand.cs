using BotBottle.Testing.Bottles;

namespace BotBottle.Testing.Guest;

/// <summary>
/// The exec semantics every backend shares: the in-guest argv that switches to a user with
/// <c>runuser -u &lt;user&gt; --</c> (never <c>-l</c>: a login shell's PAM setup hangs on minimal
/// Debian), sets HOME and USER explicitly and re-sends the guest env on every call. Each element
/// stays a separate argv element; nothing is glued into a shell string.
/// </summary>
public static class GuestCommand
{
    /// <summary>The shell every script runs under.</summary>
    public const string Shell = "/bin/sh";

    /// <summary><c>runuser -u &lt;user&gt; -- env HOME=… USER=… K=V… /bin/sh -c &lt;script&gt;</c>.</summary>
    public static IReadOnlyList<string> ForScript(string user, string script, IReadOnlyList<KeyValuePair<string, string>> guestEnv)
    {
        ArgumentNullException.ThrowIfNull(script);
        return [.. AsUser(user, guestEnv), Shell, "-c", script];
    }

    /// <summary><c>runuser -u &lt;user&gt; -- env HOME=… USER=… K=V…</c>, ready for a command to be appended.</summary>
    public static IReadOnlyList<string> AsUser(string user, IReadOnlyList<KeyValuePair<string, string>> guestEnv)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        ArgumentNullException.ThrowIfNull(guestEnv);
        var argv = new List<string>(8 + guestEnv.Count) { "runuser", "-u", user, "--", "env", "HOME=" + GuestUsers.HomeOf(user), "USER=" + user };
        foreach (var (key, value) in guestEnv)
        {
            argv.Add(key + "=" + value);
        }

        return argv;
    }
}
