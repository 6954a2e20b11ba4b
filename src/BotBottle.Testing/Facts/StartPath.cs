using BotBottle.Testing.Bottles;

namespace BotBottle.Testing.Facts;

/// <summary>
/// The files a bottle's agent start path reads before the agent runs: the agent starts through a login shell
/// (<c>sh -lc</c>, often bash), which reads PAM's <c>/etc/environment</c>, <c>/etc/profile</c> (and through it
/// <c>/etc/profile.d/*</c> and <c>/etc/bash.bashrc</c>), and the agent user's own profiles.
/// </summary>
internal static class StartPath
{
    /// <summary>Every path to read (a directory stands for every file in it).</summary>
    public static IReadOnlyList<string> Files { get; } = Build(GuestUsers.HomeOf(GuestUsers.Agent));

    private static string[] Build(string home) =>
    [
        "/etc/environment",
        "/etc/profile",
        "/etc/profile.d",
        "/etc/bash.bashrc",
        home + "/.profile",
        home + "/.bashrc",
        home + "/.bash_profile",
        home + "/.bash_login",
    ];
}
