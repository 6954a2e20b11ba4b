using System.Globalization;

namespace BotBottle.Testing.Smolmachines;

/// <summary>
/// The guest end of the proxy bridge: a TCP listener on the guest's own 127.0.0.1 (private to a VM without a
/// network) that relays each connection to the mounted proxy socket, so the agent's HTTPS_PROXY is an ordinary
/// <c>http://127.0.0.1:PORT</c>. It uses what the image ships: socat, else perl (perl-base is in every Debian
/// image, and IO::Socket is part of it). Started detached (<c>exec -d</c>, v1.3.0+) as root.
/// </summary>
internal static class GuestProxyRelay
{
    private const string Perl =
        "use strict; use IO::Socket::INET; use IO::Socket::UNIX; use IO::Select; $SIG{CHLD} = 'IGNORE';" +
        "my $l = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $ARGV[0], Listen => 64, ReuseAddr => 1) or die \"listen: $!\\n\";" +
        "while (1) { my $c = $l->accept or next; my $pid = fork; if (!defined $pid) { close $c; next } if ($pid) { close $c; next }" +
        " close $l; my $u = IO::Socket::UNIX->new(Peer => $ARGV[1]) or exit 1; my %peer = ($c => $u, $u => $c); my $s = IO::Select->new($c, $u); my $open = 2;" +
        " while ($open > 0) { for my $h ($s->can_read) { my $n = sysread($h, my $buf, 65536); my $to = $peer{$h};" +
        " if (!$n) { $s->remove($h); shutdown($to, 1); $open--; next } my $off = 0; while ($off < $n) { my $w = syswrite($to, $buf, $n - $off, $off); exit 0 unless defined $w; $off += $w } } }" +
        " exit 0 }";

    /// <summary>The guest argv that starts the relay on <paramref name="port"/>.</summary>
    public static IReadOnlyList<string> Command(int port)
    {
        var number = port.ToString(CultureInfo.InvariantCulture);
        return
        [
            "/bin/sh", "-c",
            "if command -v socat >/dev/null 2>&1; then exec socat \"TCP-LISTEN:$1,bind=127.0.0.1,fork,reuseaddr\" \"UNIX-CONNECT:$2\"; " +
            "elif command -v perl >/dev/null 2>&1; then exec perl -e \"$3\" \"$1\" \"$2\"; " +
            "else echo 'the agent image has neither socat nor perl to bridge the proxy socket' >&2; exit 127; fi",
            "proxy-relay", number, SmolvmCommands.GuestProxySocket, Perl,
        ];
    }

    /// <summary>What the readiness check prints (and exits 3 with) while the proxy socket is not in the guest.</summary>
    public const string MissingSocket = "the proxy socket is not in the guest";

    /// <summary>
    /// A check that passes once the proxy answers through the guest's own path to it: an HTTP request sent to the
    /// relay on the guest's 127.0.0.1, through the mounted socket and the host's bridge, for a name the proxy does not
    /// allow, must come back as an HTTP answer from the proxy (nothing is dialled). smolvm reports a
    /// <c>--mount-socket</c> bridge it could not set up only as a warning in its boot log, so a listening relay
    /// proves nothing. Exits 2 when the image has no tool for the relay, 3 while the socket is absent.
    /// </summary>
    public static string ReadyCheck(int port) =>
        "command -v socat >/dev/null 2>&1 || command -v perl >/dev/null 2>&1 || { echo 'the agent image has neither socat nor perl to bridge the proxy socket' >&2; exit 2; }; " +
        $"[ -S \"$2\" ] || {{ echo \"{MissingSocket} ($2): smolvm did not bridge --mount-socket\" >&2; exit 3; }}; " +
        Engine.EngineContainer.ListeningScript(port) + " || { echo 'the relay does not listen yet' >&2; exit 1; }; " +
        AskProxy;

    private const string AskProxy = """
        if command -v perl >/dev/null 2>&1; then
          answer=$(perl -MIO::Socket::INET -e 'my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $ARGV[0], Timeout => 5) or exit 1; $SIG{ALRM} = sub { exit 1 }; alarm 5; print $s "GET http://preflight.botbottle.invalid/ HTTP/1.0\r\nHost: preflight.botbottle.invalid\r\n\r\n"; my $n = sysread($s, my $b, 8); print $b if $n' "$1")
        else
          answer=$(printf 'GET http://preflight.botbottle.invalid/ HTTP/1.0\r\nHost: preflight.botbottle.invalid\r\n\r\n' | socat -t 5 - "TCP:127.0.0.1:$1" 2>/dev/null | head -c 8)
        fi
        case "$answer" in 'HTTP/1.'*) exit 0;; esac
        echo "no HTTP answer from the proxy through the socket (got '$answer')" >&2; exit 1
        """;

    /// <summary>The guest argv of <see cref="ReadyCheck"/>.</summary>
    public static IReadOnlyList<string> ReadyCommand(int port) =>
        ["/bin/sh", "-c", ReadyCheck(port), "proxy-ready", port.ToString(CultureInfo.InvariantCulture), SmolvmCommands.GuestProxySocket];
}
