# Places a staged copy at its target without following a symbolic link anywhere on the way (see GuestPlacement.cs).
# argv: the staged file or directory (in a fresh root-only folder no other account can enter), the absolute target,
# the owner's uid and gid. Run as root.
#
# The walk to the target's parent starts at / and enters one component at a time: each must be a real directory
# (lstat, never a link), is created (0755, root's) when missing, and after chdir into it '.' must be the very inode
# that lstat saw, so a component swapped for a link between the look and the step is caught, not followed. Files
# are written beside their name in the verified directory (O_CREAT|O_EXCL, which never follows a link), owned and
# moded through the handle, then renamed over the name (a rename replaces a link, never follows it); an existing
# link at a name fails the copy. Directories are entered the same way, filled while they are root's, given to their
# owner last, and left through the handle of the folder above (fchdir), never '..'. Nothing but core perl: no modules.
# strict and warnings without loading a module (strict.pm sets these bits): the guest's @INC, which the image
# decides, is never read by a script run as root.
BEGIN { $^H |= 0x602; $^W = 1 }

my ($staged, $target, $uid, $gid) = @ARGV;
my $copied = 0;

sub fail { print STDERR "copy-in refused: $_[0]\n"; exit 3; }

sub same_inode {
    my ($dev, $ino) = @_;
    my @here = stat('.');
    return @here && $here[0] == $dev && $here[1] == $ino;
}

# Enters directory NAME of the current one (creating it with MODE when missing), never through a link.
sub enter {
    my ($name, $shown, $mode) = @_;
    my @seen = lstat($name);
    if (!@seen) {
        mkdir($name, $mode) or $!{EEXIST} or fail("cannot create $shown: $!");
        @seen = lstat($name) or fail("cannot read $shown: $!");
    }
    fail("$shown is a symbolic link") if -l _;
    fail("$shown is not a directory") unless -d _;
    chdir($name) or fail("cannot enter $shown: $!");
    fail("$shown changed while it was entered (a link swapped in?)") unless same_inode($seen[0], $seen[1]);
    return @seen;
}

sub place_file {
    my ($from, $name, $shown) = @_;
    my @meta = lstat($from) or fail("cannot read the staged $shown: $!");
    open(my $in, '<', $from) or fail("cannot read the staged $shown: $!");
    binmode $in;
    my $temp = ".bbt-place-$$-" . $copied++;
    sysopen(my $out, $temp, 1 | 64 | 128, 0600) or fail("cannot create $shown: $!");
    binmode $out;
    while (1) {
        my $read = sysread($in, my $chunk, 1 << 20);
        fail("cannot read the staged $shown: $!") unless defined $read;
        last if $read == 0;
        my $done = 0;
        while ($done < $read) {
            my $wrote = syswrite($out, $chunk, $read - $done, $done);
            if (!defined $wrote) { unlink $temp; fail("cannot write $shown: $!"); }
            $done += $wrote;
        }
    }
    close $in;
    chown($uid, $gid, $out) or do { unlink $temp; fail("cannot chown $shown: $!") };
    chmod($meta[2] & 07777, $out) or do { unlink $temp; fail("cannot chmod $shown: $!") };
    close($out) or do { unlink $temp; fail("cannot write $shown: $!") };
    if (lstat($name) && -l _) { unlink $temp; fail("$shown is a symbolic link"); }
    rename($temp, $name) or do { unlink $temp; fail("cannot place $shown: $!") };
}

# A directory is made (or entered) and filled while it is root's own (0700 when new), and only given to its owner,
# with its mode, once everything in it is placed: the owner cannot move it, or anything in it, while the copy runs.
# The way back up is the handle of the directory it left (fchdir), never '..', so a directory moved meanwhile cannot
# lead the walk anywhere else; and that handle must still be the inode it was.
sub place_dir {
    my ($from, $name, $shown) = @_;
    my @meta = lstat($from) or fail("cannot read the staged $shown: $!");
    opendir(my $up, '.') or fail("cannot hold the folder above $shown: $!");
    my @above = stat('.') or fail("cannot read the folder above $shown: $!");
    enter($name, $shown, 0700);
    opendir(my $dir, $from) or fail("cannot read the staged $shown: $!");
    my @entries = sort grep { $_ ne '.' && $_ ne '..' } readdir $dir;
    closedir $dir;
    for my $entry (@entries) {
        my $child = "$from/$entry";
        lstat($child) or fail("cannot read the staged $shown/$entry: $!");
        if (-d _) { place_dir($child, $entry, "$shown/$entry"); }
        elsif (-f _) { place_file($child, $entry, "$shown/$entry"); }
    }
    chmod($meta[2] & 07777, '.') or fail("cannot chmod $shown: $!");
    chown($uid, $gid, '.') or fail("cannot chown $shown: $!");
    chdir($up) or fail("cannot go back above $shown: $!");
    closedir $up;
    fail("the folder above $shown changed while it was filled") unless same_inode($above[0], $above[1]);
}

fail("the target '$target' is not an absolute path") unless defined $target && $target =~ m{^/};
my @parts = grep { length && $_ ne '.' } split m{/}, $target;
fail("the target '$target' names no file") unless @parts;
fail("the target '$target' has a '..' component") if grep { $_ eq '..' } @parts;
my $name = pop @parts;
chdir('/') or fail("cannot enter /: $!");
my $shown = '';
for my $part (@parts) {
    $shown .= "/$part";
    enter($part, $shown, 0755);
}
$shown .= "/$name";
lstat($staged) or fail("the staged copy is missing: $!");
if (-d _) { place_dir($staged, $name, $shown); } else { place_file($staged, $name, $shown); }
exit 0;
