using System.Security.Cryptography;

namespace BotBottle.Testing.Guest;

/// <summary>
/// The exec supervisor (<c>guest-supervise.pl</c>, run by the image's perl): the command runs under a child subreaper
/// that ends the command's whole tree, double-forked and <c>setsid</c> processes included, when whoever started it goes
/// away. The exec channel loads it with its own script and supervises every command in process; a backend without the
/// channel wraps each exec's argv in <see cref="Wrap"/>: a first process that forks the supervisor into a process group
/// of its own (so a guest agent that kills the exec's process group on disconnect kills only the first process) and
/// relays its exit status; the supervisor, told of its parent's death, then ends the tree.
/// </summary>
internal static class GuestSupervisor
{
    /// <summary>The name before the marker in a wrapped exec's argv (what a kill by marker looks for).</summary>
    public const string ParentName = "bbt-exec";

    private const string StandaloneMain = """

        shift @ARGV; shift @ARGV;
        my $supervisor = fork;
        exit 127 unless defined $supervisor;
        if ($supervisor == 0) { setpgrp(0, 0); bbt_supervise(@ARGV); }
        open(STDOUT, '>', '/dev/null');
        open(STDERR, '>', '/dev/null');
        while (1) {
            my $done = waitpid($supervisor, 0);
            exit 127 if $done < 0;
            next unless $done == $supervisor;
            my $s = $?;
            exit(($s & 127) ? 128 + ($s & 127) : ($s >> 8));
        }
        """;

    private static readonly Lazy<string> ScriptText = new(() => Resources.EmbeddedText.Read("BotBottle.Testing.Guest.guest-supervise.pl"));

    /// <summary>The supervisor's perl source (subs <c>bbt_supervise</c>, <c>bbt_kill_descendants</c>, <c>bbt_tree</c>), for a script that embeds it.</summary>
    public static string Script => ScriptText.Value;

    /// <summary><paramref name="argv"/> run under the supervisor: <c>perl -e … bbt-exec MARKER argv…</c>.</summary>
    public static IReadOnlyList<string> Wrap(IReadOnlyList<string> argv)
    {
        ArgumentNullException.ThrowIfNull(argv);
        var marker = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        return ["perl", "-e", Script + StandaloneMain, ParentName, marker, .. argv];
    }
}
