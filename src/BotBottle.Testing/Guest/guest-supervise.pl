# The exec supervisor (see GuestSupervisor.cs), shared by the exec channel and by a standalone exec. A command runs
# under a supervisor that makes itself a child subreaper (prctl(PR_SET_CHILD_SUBREAPER)), so whatever the command
# orphans while it runs (a double fork, `setsid`) is reparented to the supervisor instead of PID 1 and stays in its
# tree. The supervisor asks for SIGUSR1 when its parent dies (prctl(PR_SET_PDEATHSIG)) and then ends its whole tree:
# whoever started it (the channel, a standalone exec's first process, an engine or smolvm agent killing that one)
# going away takes the command's every descendant with it. Once the command has ended normally the supervisor exits
# with its status (128+signal when it was killed), and what the command left running runs on, as after a plain exec.
# No modules: prctl's syscall number comes from this perl's own ELF header.
use strict;
use warnings;

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

# The process and every descendant, from the parent pids in /proc/*/stat.
sub bbt_tree {
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

# Kills every descendant of ROOT (not ROOT), again until none is left: what they fork or orphan meanwhile lands under
# ROOT, a subreaper.
sub bbt_kill_descendants {
    my ($root) = @_;
    for (1 .. 50) {
        my @pids = grep { $_ != $root } bbt_tree($root);
        last unless @pids;
        kill 'KILL', @pids;
        select(undef, undef, undef, 0.01);
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
