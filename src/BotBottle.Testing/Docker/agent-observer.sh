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
agent_ns=$(readlink "$agent/ns/pid") || { echo "no process $2 (the agent's init)" >&2; exit 1; }
printf 'bbt-observer\t1\n'
awk '/^Name:/ { n = $2 } /^Uid:/ { printf "init\t%s\t%s\n", $3, n; exit }' "$agent/status" 2>/dev/null
awk -F: -v u="$agent_user" '$1 == u { printf "user\t%s\n", $3; exit }' "$r/etc/passwd" 2>/dev/null
find "$r/" -xdev -user 0 \( -perm -4000 -o -perm -2000 \) -type f -printf 'setuid\t%m\t/%P\n' 2>/dev/null
# The socket inodes root processes of the agent (those in its pid namespace) hold, any of real, effective or saved uid
# 0: what a root service listens with. Sockets of the engine's own (its resolver on 127.0.0.11, held by the engine
# outside the agent's pid namespace) are no agent process's and are left out.
root_inodes=$(for p in /proc/[0-9]*; do
    [ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$agent_ns" ] || continue
    # Root: any of its uids 0, or any capability left (a process that dropped to another uid but kept its capabilities).
    awk '/^Uid:/ { if ($2 == 0 || $3 == 0 || $4 == 0) r = 1 } /^Cap(Prm|Eff):/ { if ($2 !~ /^0+$/) r = 1 } END { exit !r }' "$p/status" 2>/dev/null || continue
    for fd in "$p"/fd/*; do
      link=$(readlink "$fd" 2>/dev/null) || continue
      case $link in socket:\[*\]) link=${link#socket:[}; echo "${link%]}" ;; esac
    done
  done | sort -u | tr '\n' ' ')
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
