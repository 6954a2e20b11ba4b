# raw6: IPv6 spoken from user space over a packet socket, the way a hostile root in the agent would where the agent's
# own kernel has IPv6 off (it needs CAP_NET_RAW, which the harness's prober holds and the hardened agent does not).
# Arguments: the engine host's MAC on the link (the bridge), a TCP port the host serves, seconds. Every interface but
# loopback is tried at once. On each it finds the host's IPv6 address on the link (an echo to all nodes, and a neighbour
# solicitation for the address the host's MAC gives), answers neighbour solicitations for its own address (so the host
# can answer), and sends a TCP SYN to the host's address at the port. It prints what it saw, then one verdict line:
# "connected" (a SYN-ACK came back), "refused" (the host answered IPv6 on the link: a reset, or no answer at the port),
# "silent" (no IPv6 frame from the host at all), or an error line (exit 3).
use strict;
use warnings;
use Socket;
use IO::Select;

my ($hostmac_text, $port, $seconds) = @ARGV;
sub fail { print "error: $_[0]\n"; exit 3; }
fail("usage: raw6 host-mac port seconds") unless defined $seconds;
sub slurp { my ($f) = @_; open(my $h, '<', $f) or fail("cannot read $f: $!"); local $/; my $t = <$h>; close $h; chomp $t; $t }
sub mac { my ($t) = @_; fail("not a MAC: $t") unless $t =~ /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i; pack('H12', join('', split /:/, lc $t)) }
my $hostmac = mac($hostmac_text);

# A link-local address from a MAC (modified EUI-64).
sub eui64 {
    my @b = unpack('C6', $_[0]);
    $b[0] ^= 0x02;
    pack('H16', 'fe80000000000000') . pack('C8', @b[0 .. 2], 0xff, 0xfe, @b[3 .. 5]);
}

# One packet socket per interface but loopback, each with the link-local address its MAC gives.
my $proto = unpack('S', pack('n', 0x86DD));
my (%links, @names);
opendir(my $d, '/sys/class/net') or fail("cannot list interfaces: $!");
for my $if (sort grep { !/^\./ && $_ ne 'lo' } readdir $d) {
    my $m = slurp("/sys/class/net/$if/address");
    next unless $m =~ /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i && $m ne '00:00:00:00:00:00';
    socket(my $s, 17, SOCK_RAW, $proto) or fail("packet socket: $!");
    bind($s, pack('S n i S C C a8', 17, 0x86DD, slurp("/sys/class/net/$if/ifindex"), 0, 0, 0, '')) or fail("bind to $if: $!");
    $links{fileno $s} = { name => $if, s => $s, mac => mac($m), me => eui64(mac($m)), asked => 0 };
    push @names, $if;
}
closedir $d;
fail('no interface but loopback') unless %links;
print 'interfaces: ' . join(' ', @names) . "\n";

sub sum16 {
    my ($data) = @_;
    $data .= "\0" if length($data) % 2;
    my $sum = 0;
    $sum += $_ for unpack('n*', $data);
    $sum = ($sum & 0xffff) + ($sum >> 16) while $sum >> 16;
    return (~$sum) & 0xffff;
}
sub checksum { my ($src, $dst, $next, $payload) = @_; sum16($src . $dst . pack('N', length $payload) . pack('x3 C', $next) . $payload) }
sub frame {
    my ($l, $dstmac, $dst, $next, $payload) = @_;
    $dstmac . $l->{mac} . pack('n', 0x86DD) . pack('N n C C', 0x60000000, length $payload, $next, 255) . $l->{me} . $dst . $payload;
}
sub put { my ($l, $frame) = @_; send($l->{s}, $frame, 0) or fail("send on $l->{name}: $!"); }
sub icmp6 {
    my ($l, $dstmac, $dst, $type, $code, $body) = @_;
    my $c = checksum($l->{me}, $dst, 58, pack('C C n', $type, $code, 0) . $body);
    put($l, frame($l, $dstmac, $dst, 58, pack('C C n', $type, $code, $c) . $body));
}
sub tcp {
    my ($l, $flags, $seq, $ack) = @_;
    my $t = pack('n n N N n n n n', $l->{sport}, $port, $seq, $ack, (5 << 12) | $flags, $flags == 0x02 ? 64240 : 0, 0, 0);
    substr($t, 16, 2) = pack('n', checksum($l->{me}, $l->{host}, 6, $t));
    put($l, frame($l, $hostmac, $l->{host}, 6, $t));
}
sub multicast_mac { "\x33\x33" . substr($_[0], 12, 4) }
sub text6 { join(':', map { sprintf('%x', $_) } unpack('n8', $_[0])) }


my $guess = eui64($hostmac);
my $allnodes = pack('H32', 'ff020000000000000000000000000001');
my $solicited = pack('H26', 'ff0200000000000000000001ff') . substr($guess, 13, 3);

my $deadline = time + $seconds;
my $sel = IO::Select->new(map { $_->{s} } values %links);
my $answered;

while (time < $deadline) {
    for my $l (values %links) {
        if (!$l->{host} && time >= $l->{asked}) {
            icmp6($l, multicast_mac($allnodes), $allnodes, 128, 0, pack('n n', 0xb0b7, 1) . 'bbt-raw6');
            icmp6($l, multicast_mac($solicited), $solicited, 135, 0, pack('N', 0) . $guess . pack('C C', 1, 1) . $l->{mac});
            $l->{asked} = time + 1;
        }
        if ($l->{host} && !$l->{sport}) {
            $l->{sport} = 40000 + int(rand(20000));
            $l->{seq} = int(rand(2**31));
            tcp($l, 0x02, $l->{seq}, 0);
        }
    }
    my @ready = $sel->can_read(0.2);
    for my $fh (@ready) {
        my $l = $links{fileno $fh};
        my $buf = '';
        defined(recv($fh, $buf, 65535, 0)) or fail("recv on $l->{name}: $!");
        next if length($buf) < 54 || substr($buf, 6, 6) eq $l->{mac} || substr($buf, 12, 2) ne pack('n', 0x86DD);
        my ($next, $src) = (unpack('C', substr($buf, 20, 1)), substr($buf, 22, 16));
        my $l4 = substr($buf, 54);
        my $type = $next == 58 && length($l4) >= 4 ? unpack('C', $l4) : -1;

        # Someone asks for our address: answer, or the host could not send anything back.
        if ($type == 135 && length($l4) >= 24 && substr($l4, 8, 16) eq $l->{me}) {
            icmp6($l, substr($buf, 6, 6), $src eq ("\0" x 16) ? $allnodes : $src, 136, 0, pack('N', 0x60000000) . $l->{me} . pack('C C', 2, 1) . $l->{mac});
            next;
        }
        next unless substr($buf, 6, 6) eq $hostmac;
        if (!$l->{host}) {
            if ($type == 129) { $l->{host} = $src; }
            elsif ($type == 136 && length($l4) >= 24) { $l->{host} = substr($l4, 8, 16); }
            if ($l->{host}) { $answered = $l; print "host answered IPv6 on $l->{name} from " . text6($l->{host}) . "\n"; }
            next;
        }
        next unless $l->{sport} && $next == 6 && $src eq $l->{host} && length($l4) >= 20;
        my ($sp, $dp, $sq, $ack, $off) = unpack('n n N N n', $l4);
        next unless $sp == $port && $dp == $l->{sport};
        if (($off & 0x12) == 0x12) {
            tcp($l, 0x04, $ack, 0);
            print "port $port answered SYN-ACK on $l->{name}\nconnected\n";
            exit 0;
        }
        if ($off & 0x04) { print "port $port reset on $l->{name}\nrefused\n"; exit 0; }
    }
}
if ($answered) { print "port $port did not answer\nrefused\n"; exit 0; }
print "no IPv6 frame from the host in ${seconds} s\nsilent\n";
exit 0;
