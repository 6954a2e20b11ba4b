# The guest side of an exec channel (see ExecChannel.cs): one long-lived root process in the container that starts
# each requested command the way a per-call engine exec would (same /bin/sh parent with its marker, the exec's own
# environment over this process's, which the engine gave it as it gives every exec), and frames its output, its
# exit status (128+signal when killed) and nothing else back.
#
# Frames, both ways: a type byte, a request id and a payload length (unsigned 32-bit, big-endian), then the payload.
#   in:  P (are you there) | R (argv count, each length+bytes, env count, each "NAME=value" length+bytes) | K (kill the request's tree)
#        | W (write a file: a count of 4, then path, mode, uid, gid, each length+bytes, then the content, length+bytes)
#   out: H (the answer to P: both directions work) | O (stdout bytes) | E (stderr bytes) | X (exit status, signed 32-bit)
# Each command runs under a supervisor of its own: the forked child makes itself a child subreaper
# (prctl(PR_SET_CHILD_SUBREAPER)), starts the command and exits with its status once the command has ended. Whatever
# the command leaves behind that would be orphaned (a double fork, `setsid`) is reparented to the supervisor while the
# command runs, so cancelling finds it in the supervisor's tree and ends it too; once the command has ended normally
# the supervisor is gone and what it left runs on, as after a per-call engine exec.
# No modules (POSIX alone costs more to load than the rest of the start-up): WNOHANG is 1 on Linux, and prctl's
# syscall number comes from this perl's own ELF header.
use strict;
use warnings;

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
my $prctl = do {
    my %by_machine = (62 => 157, 183 => 167, 243 => 167, 40 => 172, 21 => 171, 22 => 172, 3 => 172);
    my $machine = 0;
    if (open(my $exe, '<', '/proc/self/exe')) {
        binmode $exe;
        my $header = '';
        $machine = unpack('v', substr($header, 18, 2)) if read($exe, $header, 20) == 20 && substr($header, 5, 1) eq "\x01";
        close $exe;
    }
    $by_machine{$machine};
};
my $input = '';

sub frame {
    my ($type, $id, $payload) = @_;
    my $bytes = $type . pack('NN', $id, length $payload) . $payload;
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

sub tree {
    my ($root) = @_;
    my %parent;
    for my $stat (glob '/proc/[0-9]*/stat') {
        open(my $fh, '<', $stat) or next;
        my $line = <$fh>;
        close $fh;
        next unless defined $line && $line =~ /^(\d+) .*\) \S+ (\d+)/s;
        $parent{$1} = $2;
    }
    my %keep = ($root => 1);
    my $more = 1;
    while ($more) {
        $more = 0;
        for my $p (keys %parent) {
            if (!$keep{$p} && $keep{ $parent{$p} }) { $keep{$p} = 1; $more = 1; }
        }
    }
    return grep { exists $parent{$_} } keys %keep;
}

# Ends a request's supervisor and everything under it: the descendants first, again until none is left (what they
# fork or orphan meanwhile lands under the supervisor, a subreaper), then the supervisor and its process group.
sub kill_tree {
    my ($id) = @_;
    my $pid = $pid_of{$id};
    return unless defined $pid;
    for (1 .. 50) {
        my @pids = grep { $_ != $pid } tree($pid);
        last unless @pids;
        kill 'KILL', @pids;
        select(undef, undef, undef, 0.01);
    }
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

# The supervisor (in the forked child): a subreaper that starts the command, reaps whatever is reparented to it, and
# exits with the command's status (128+signal when it was killed).
sub supervise {
    my ($id, $argv) = @_;
    syscall($prctl, 36, 1, 0, 0, 0) if defined $prctl;
    my $command = fork;
    exit 127 unless defined $command;
    if ($command == 0) {
        $SIG{PIPE} = 'DEFAULT';
        exec { '/bin/sh' } '/bin/sh', '-c', 'shift; "$@"', 'bbt-exec', sprintf('C%d', $id), @$argv;
        exit 127;
    }
    open(STDOUT, '>', '/dev/null');
    open(STDERR, '>', '/dev/null');
    while (1) {
        my $done = waitpid(-1, 0);
        exit 127 if $done < 0;
        next unless $done == $command;
        my $s = $?;
        exit(($s & 127) ? 128 + ($s & 127) : ($s >> 8));
    }
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
        supervise($id, $argv);
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

sub requests {
    while (length($input) >= 9) {
        my ($type, $id, $length) = unpack('a N N', $input);
        last if length($input) < 9 + $length;
        my $payload = substr($input, 9, $length);
        substr($input, 0, 9 + $length, '');
        if ($type eq 'P') { frame('H', $id, ''); }
        elsif ($type eq 'R') { start($id, $payload); }
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
