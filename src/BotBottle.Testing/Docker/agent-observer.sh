# The agent observer (see DockerAgentObserver.cs): run by the prober image's own sh as root in a one-shot container in
# the engine host's pid namespace (no network, its own filesystem), where no process of the agent can see or signal
# it. Given the agent's init pid there ($2, from the engine's inspect), it reads the agent's filesystem through
# /proc/PID/root and the agent's network namespace through /proc/PID/net, and prints tab-separated records, version 1:
# a header, the records, and an end line. No program of the agent image runs. Facts without the end line are incomplete.
#   bbt-observer 1 | init <uid> <name of the agent's pid 1> | user <uid of $1 in the agent's passwd> | setuid <mode> <path> | inet <proto> <hex address:port>
#   | unix <path or @abstract> <uid> <gid> <mode> | end
set -u
agent_user=$1
agent=/proc/$2
r=$agent/root
agent_ns=$(stat -L -c %i "$agent/ns/pid") || { echo "no process $2 (the agent's init)" >&2; exit 1; }
printf 'bbt-observer\t1\n'
awk '/^Name:/ { n = $2 } /^Uid:/ { printf "init\t%s\t%s\n", $3, n; exit }' "$agent/status" 2>/dev/null
awk -F: -v u="$agent_user" '$1 == u { printf "user\t%s\n", $3; exit }' "$r/etc/passwd" 2>/dev/null
# Every mount of the agent's where the kernel honours a set-uid bit (no nosuid: the root filesystem, volumes, binds),
# from the kernel's own table of the agent's mounts: a volume of the image's holds files the root filesystem's walk
# does not reach. Mount points are printed octal-escaped there (\040 for a space).
awk '$6 !~ /(^|,)nosuid(,|$)/ { print $5 }' "$agent/mountinfo" 2>/dev/null |
  while IFS= read -r at; do
    case $at in *\\*) at=$(printf '%b' "$(printf '%s' "$at" | sed 's/\\\([0-7][0-7][0-7]\)/\\0\1/g')") ;; esac
    find "$r$at" -xdev -user 0 \( -perm -4000 -o -perm -2000 \) -type f -printf 'setuid\t%m\t%p\n' 2>/dev/null
  done | awk -v r="$r" 'BEGIN { FS = OFS = "\t" } { $3 = substr($3, length(r) + 1); sub(/^\/\/+/, "/", $3); print }' | sort -u
# The agent's processes and threads: one stat for every process's pid namespace, its inode matched against the agent
# init's. Each thread counts on its own (a thread may keep root, or its own descriptor table, when its process drops).
tasks=$(stat -L -c '%i %n' /proc/[0-9]*/ns/pid 2>/dev/null | awk -v n="$agent_ns" '$1 == n { sub(/\/ns\/pid$/, "", $2); print $2 }' |
  while IFS= read -r p; do for t in "$p"/task/[0-9]*; do [ -d "$t" ] && echo "$t"; done; done)
# The root ones: any of real, effective or saved uid 0, or any capability left (a thread that dropped to another uid but
# kept its capabilities). grep reads every status in one process and goes past a thread that has exited.
root_tasks=$(for t in $tasks; do echo "$t/status"; done | xargs -r grep -H -E '^(Uid|CapPrm|CapEff):' 2>/dev/null |
  awk -F'[:\t]+' '{ f = $1; sub(/\/status$/, "", f) } $2 == "Uid" && ($3 == 0 || $4 == 0 || $5 == 0) { r[f] = 1 }
    $2 ~ /^Cap/ && $3 !~ /^0+$/ { r[f] = 1 } END { for (f in r) print f }')
# The socket inodes they hold: what a root service listens with. Sockets of the engine's own (its resolver on
# 127.0.0.11, held by the engine outside the agent's pid namespace) are no agent process's and are left out.
root_inodes=$([ -z "$root_tasks" ] || find $(for t in $root_tasks; do echo "$t/fd"; done) -mindepth 1 -maxdepth 1 -lname 'socket:*' -printf '%l\n' 2>/dev/null |
  sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p' | sort -u | tr '\n' ' ')
# Those listening in the agent's network namespace (TCP state 0A is LISTEN, UDP 07 an unconnected socket).
for proto in tcp tcp6 udp udp6; do
  case $proto in tcp*) state=0A ;; *) state=07 ;; esac
  awk -v p="$proto" -v s="$state" -v inodes=" $root_inodes" 'NR > 1 && $4 == s && index(inodes, " " $10 " ") { printf "inet\t%s\t%s\n", p, $2 }' "$agent/net/$proto" 2>/dev/null
done
# Unix sockets that listen (flag 00010000), with the socket file's owner and mode.
awk -v inodes=" $root_inodes" 'NR > 1 && $4 == "00010000" && index(inodes, " " $7 " ") { p = $0; for (i = 1; i < 8; i++) sub(/^[ \t]*[^ \t]+/, "", p); sub(/^[ \t]+/, "", p); print (p == "" ? "-" : p) }' "$agent/net/unix" 2>/dev/null |
  sort -u | while IFS= read -r path; do
    case $path in
      @*) printf 'unix\t%s\t-\t-\t-\n' "$path" ;;
      -) ;;
      # A socket file that cannot be looked at counts as reachable (never a pass for the wrong reason).
      *) if st=$(stat -c '%u %g %a' "$r$path" 2>/dev/null); then set -- $st; printf 'unix\t%s\t%s\t%s\t%s\n' "$path" "$1" "$2" "$3"
         else printf 'unix\t%s\t?\t?\t777\n' "$path"; fi ;;
    esac
  done
printf 'end\n'
