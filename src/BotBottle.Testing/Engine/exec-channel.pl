# The guest side of an exec channel (see ExecChannel.cs): one long-lived root process in the container that starts
# each requested command the way a per-call engine exec would (same /bin/sh parent with its marker, the exec's own
# environment over this process's, which the engine gave it as it gives every exec), and frames its output, its
# exit status (128+signal when killed) and nothing else back.
#
# Frames, both ways: a type byte, a request id and a payload length (unsigned 32-bit, big-endian), then, once the
# channel is keyed, a sequence number (unsigned 32-bit, from 0 each way) and the channel's secret as the tag, then the
# payload. Plain: P (are you there) and its answer H, then S (the secret, the payload); keyed: all else, A first out.
# (ExecChannelWire.cs says what the tag does and does not defend against.) This process makes itself non-dumpable
# before anything else, so that no other process in the guest (none keeps CAP_SYS_PTRACE) can open its
# /proc/PID/fd/* or read its memory; it answers P only when that holds. A frame in that is not the host's (no tag or
# the wrong one, out of sequence, anything but P before S) ends the channel: this process kills what it started and
# exits, and the host's side fails every request still waiting.
#   in:  P (are you there) | S (the secret) | R (argv count, each length+bytes, env count, each "NAME=value" length+bytes) | K (kill the request's tree)
#        | W (write a file: a count of 4, then path, mode, uid, gid, each length+bytes, then the content, length+bytes)
#   out: H (the answer to P: both directions work, and non-dumpable) | A (the secret arrived) | O (stdout bytes) | E (stderr bytes) | X (exit status, signed 32-bit)
# Each command runs under the exec supervisor (guest-supervise.pl, loaded before this script): a subreaper, so
# cancelling finds and ends whatever the command double-forked or moved to a session of its own; once the command
# has ended normally, what it left runs on, as after a per-call engine exec.
# No modules (POSIX alone costs more to load than the rest of the start-up): WNOHANG is 1 on Linux.
# strict and warnings without loading a module (strict.pm sets these bits): the guest's @INC, which the image
# decides, is never read by a script run as root.
BEGIN { $^H |= 0x602; $^W = 1 }

# PR_SET_DUMPABLE (4) to 0, checked with PR_GET_DUMPABLE (3); $bbt_prctl is the supervisor's (from the ELF header).
# Where it cannot be done there is no channel (the host stays on per-call execs).
if (!defined $bbt_prctl || syscall($bbt_prctl, 4, 0, 0, 0, 0) != 0 || syscall($bbt_prctl, 3, 0, 0, 0, 0) != 0) {
    print STDERR "exec channel: cannot make itself non-dumpable\n";
    exit 1;
}

$SIG{PIPE} = 'IGNORE';
binmode STDIN;
binmode STDOUT;
my %base = %ENV;
my %watched = (fileno(STDIN) => \*STDIN);

# A child's exit wakes the loop through a pipe of its own, so an exit status goes out the moment it is known.
pipe(my $wake_r, my $wake_w) or die "pipe: $!";
$watched{ fileno $wake_r } = $wake_r;
$SIG{CHLD} = sub { syswrite($wake_w, 'x') };
my (%pipe_of, %pid_of, %id_of_pid, %open, %status);
my $input = '';
my ($secret, $sent, $received) = (undef, 0, 0);

# Where a frame that is not the host's ends the channel.
sub forged {
    my ($what) = @_;
    print STDERR "exec channel: something in the guest wrote into the exec channel ($what)\n";
    kill_tree($_) for keys %pid_of;
    exit 2;
}

sub frame {
    my ($type, $id, $payload) = @_;
    my $bytes = defined $secret
        ? $type . pack('NNN', $id, length $payload, $sent++) . $secret . $payload
        : $type . pack('NN', $id, length $payload) . $payload;
    my $done = 0;
    while ($done < length $bytes) {
        my $wrote = syswrite(STDOUT, $bytes, length($bytes) - $done, $done);
        if (!defined $wrote) { next if $!{EINTR}; exit 0; }
        $done += $wrote;
    }
}

sub finish {
    my ($id) = @_;
    return unless defined $status{$id} && !$open{$id};
    my $s = delete $status{$id};
    delete $open{$id};
    delete $id_of_pid{ delete $pid_of{$id} };
    frame('X', $id, pack('N', ($s & 127) ? 128 + ($s & 127) : ($s >> 8)));
}

sub reap {
    while ((my $pid = waitpid(-1, 1)) > 0) {
        my $id = $id_of_pid{$pid};
        next unless defined $id;
        $status{$id} = $?;
        finish($id);
    }
}

# Ends a request's supervisor and everything under it: the descendants first, then the supervisor and its group.
sub kill_tree {
    my ($id) = @_;
    my $pid = $pid_of{$id};
    return unless defined $pid;
    bbt_kill_descendants($pid);
    kill 'KILL', -$pid;
    kill 'KILL', $pid;
}

sub strings {
    my ($payload, $at) = @_;
    my $count = unpack('N', substr($payload, $at, 4));
    $at += 4;
    my @list;
    for (1 .. $count) {
        my $length = unpack('N', substr($payload, $at, 4));
        push @list, substr($payload, $at + 4, $length);
        $at += 4 + $length;
    }
    return (\@list, $at);
}

sub start {
    my ($id, $payload) = @_;
    my ($argv, $at) = strings($payload, 0);
    my ($env) = strings($payload, $at);
    pipe(my $out_r, my $out_w) or die "pipe: $!";
    pipe(my $err_r, my $err_w) or die "pipe: $!";
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if ($pid == 0) {
        close $out_r;
        close $err_r;
        close $wake_r;
        close $wake_w;
        $SIG{CHLD} = 'DEFAULT';
        setpgrp(0, 0);
        open(STDIN, '<', '/dev/null');
        open(STDOUT, '>&', $out_w);
        open(STDERR, '>&', $err_w);
        close $out_w;
        close $err_w;
        %ENV = %base;
        for my $pair (@$env) {
            my ($name, $value) = split /=/, $pair, 2;
            $ENV{$name} = $value;
        }
        bbt_supervise('/bin/sh', '-c', 'shift; "$@"', 'bbt-exec', sprintf('C%d', $id), @$argv);
    }
    close $out_w;
    close $err_w;
    $pid_of{$id} = $pid;
    $id_of_pid{$pid} = $id;
    $open{$id} = 2;
    $pipe_of{ fileno $out_r } = [$out_r, 'O', $id];
    $pipe_of{ fileno $err_r } = [$err_r, 'E', $id];
    $watched{ fileno $out_r } = $out_r;
    $watched{ fileno $err_r } = $err_r;
}

# A file is written beside its path under a name nobody else can have opened (O_CREAT|O_EXCL, which never follows a
# link left there; the flags are the same on every Linux ABI), owned and moded through its handle, then renamed over
# the path, so a link at the path is replaced, not followed. X 0 when written; E (why) and X 1 when not.
sub write_file {
    my ($id, $payload) = @_;
    my ($meta, $at) = strings($payload, 0);
    my ($path, $mode, $uid, $gid) = @$meta;
    my $length = unpack('N', substr($payload, $at, 4));
    my $content = substr($payload, $at + 4, $length);
    my $temp = "$path.bbt-channel-$$-$id";
    my $error;
    if (sysopen(my $fh, $temp, 1 | 64 | 128, 0600)) {
        binmode $fh;
        my $done = 0;
        while (!defined $error && $done < $length) {
            my $wrote = syswrite($fh, $content, $length - $done, $done);
            if (defined $wrote) { $done += $wrote; }
            elsif (!$!{EINTR}) { $error = "cannot write $path: $!"; }
        }
        $error //= "cannot chown $path: $!" unless chown($uid, $gid, $fh);
        $error //= "cannot chmod $path: $!" unless chmod($mode, $fh);
        $error //= "cannot write $path: $!" unless close($fh);
        $error = "cannot rename $temp to $path: $!" if !defined $error && !rename($temp, $path);
        unlink $temp if defined $error;
    }
    else {
        $error = "cannot create $temp: $!";
    }
    if (defined $error) {
        frame('E', $id, "$error\n");
        frame('X', $id, pack('N', 1));
    }
    else {
        frame('X', $id, pack('N', 0));
    }
}

# Each whole frame in: a header is judged as soon as it is whole, before its payload is waited for.
sub requests {
    while (1) {
        my $header = defined $secret ? 13 + length $secret : 9;
        last if length($input) < $header;
        my ($type, $id, $length, $sequence) = unpack('a N N N', $input);
        if (defined $secret) {
            forged("a '$type' frame without the channel's tag") if substr($input, 13, length $secret) ne $secret;
            forged("frame $sequence where frame $received was due") if $sequence != $received;
        }
        elsif ($type ne 'P' && $type ne 'S') {
            forged("a plain '$type' frame before the secret");
        }
        last if length($input) < $header + $length;
        my $payload = substr($input, $header, $length);
        substr($input, 0, $header + $length, '');
        if (!defined $secret) {
            if ($type eq 'P') { frame('H', $id, ''); }
            else {
                forged('a secret too short') if $length < 16;
                $secret = $payload;
                frame('A', 0, '');
            }
            next;
        }
        $received++;
        if ($type eq 'R') { start($id, $payload); }
        elsif ($type eq 'K') { kill_tree($id); }
        elsif ($type eq 'W') { write_file($id, $payload); }
    }
}

while (1) {
    reap();
    my $bits = '';
    vec($bits, $_, 1) = 1 for keys %watched;
    my $count = select(my $ready = $bits, undef, undef, 1);
    next if $count <= 0;
    for my $fd (grep { vec($ready, $_, 1) } keys %watched) {
        my $fh = $watched{$fd} or next;
        if ($fd == fileno($wake_r)) {
            sysread($wake_r, my $ignored, 512);
            next;
        }
        if ($fd == fileno(STDIN)) {
            my $read = sysread(STDIN, my $chunk, 65536);
            next if !defined $read && $!{EINTR};
            if (!$read) {
                kill_tree($_) for keys %pid_of;
                exit 0;
            }
            $input .= $chunk;
            requests();
            next;
        }
        my ($handle, $type, $id) = @{ $pipe_of{$fd} };
        my $read = sysread($handle, my $chunk, 65536);
        next if !defined $read && $!{EINTR};
        if ($read) {
            frame($type, $id, $chunk);
            next;
        }
        delete $watched{$fd};
        delete $pipe_of{$fd};
        close $handle;
        $open{$id}--;
        finish($id);
    }
}
