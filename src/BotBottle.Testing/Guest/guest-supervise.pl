# The exec supervisor (see GuestSupervisor.cs), shared by the exec channel and by a standalone exec. A command runs
# under a supervisor that makes itself a child subreaper (prctl(PR_SET_CHILD_SUBREAPER)), so whatever the command
# orphans while it runs (a double fork, `setsid`) is reparented to the supervisor instead of PID 1 and stays in its
# tree. The supervisor asks for SIGUSR1 when its parent dies (prctl(PR_SET_PDEATHSIG)) and then ends its whole tree:
# whoever started it (the channel, a standalone exec's first process, an engine or smolvm agent killing that one)
# going away takes the command's every descendant with it. Once the command has ended normally the supervisor exits
# with its status (128+signal when it was killed), and what the command left running runs on, as after a plain exec.
# No modules: prctl's syscall number comes from this perl's own ELF header.
# strict and warnings without loading a module (strict.pm sets these bits): the guest's @INC, which the image
# decides, is never read by a script run as root.
BEGIN { $^H |= 0x602; $^W = 1 }

our $bbt_prctl = do {
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

# The process and every descendant, from /proc/*/stat, with each one's process group: (pid => pgrp).
sub bbt_tree {
    my ($root) = @_;
    my (%parent, %group);
    for my $stat (glob '/proc/[0-9]*/stat') {
        open(my $fh, '<', $stat) or next;
        my $line = <$fh>;
        close $fh;
        next unless defined $line && $line =~ /^(\d+) .*\) \S+ (\d+) (\d+)/s;
        ($parent{$1}, $group{$1}) = ($2, $3);
    }
    my %keep = ($root => 1);
    my $more = 1;
    while ($more) {
        $more = 0;
        for my $p (keys %parent) {
            if (!$keep{$p} && $keep{ $parent{$p} }) { $keep{$p} = 1; $more = 1; }
        }
    }
    return map { $_ => $group{$_} } grep { exists $parent{$_} } keys %keep;
}

# Kills every descendant of ROOT (not ROOT) until none is left, or 5 s have passed: each round kills every process of
# the tree and, in one signal each, every process group they are in (but ROOT's and this process's own), so a
# process that forks and exits faster than /proc can be read is still hit through its group, atomically. What is
# orphaned meanwhile lands under ROOT, a subreaper. Returns whether the tree is empty.
sub bbt_kill_descendants {
    my ($root) = @_;
    my %spare = (getpgrp(0) => 1, $root => 1);
    my $until = time + 5;
    while (1) {
        my %tree = bbt_tree($root);
        delete $tree{$root};
        return 1 unless %tree;
        return 0 if time > $until;
        my %groups = map { $_ => 1 } grep { !$spare{$_} } values %tree;
        kill 'KILL', map { -$_ } keys %groups;
        kill 'KILL', keys %tree;
        select(undef, undef, undef, 0.005);
    }
}

# Runs ARGV (the full command argv) as the supervised command; never returns.
sub bbt_supervise {
    my (@argv) = @_;
    my $parent = getppid();
    if (defined $bbt_prctl) {
        syscall($bbt_prctl, 36, 1, 0, 0, 0);
        $SIG{USR1} = sub { bbt_kill_descendants($$); exit 137; };
        syscall($bbt_prctl, 1, 10, 0, 0, 0);
        if (getppid() != $parent) { bbt_kill_descendants($$); exit 137; }
    }
    my $command = fork;
    exit 127 unless defined $command;
    if ($command == 0) {
        # A process group of its own, so ending it is one signal that reaches every member at once.
        setpgrp(0, 0);
        $SIG{USR1} = 'DEFAULT';
        $SIG{PIPE} = 'DEFAULT';
        exec { $argv[0] } @argv;
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
