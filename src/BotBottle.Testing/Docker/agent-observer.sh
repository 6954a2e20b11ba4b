# The agent observer (see DockerAgentObserver.cs): run by the prober image's own sh as root in a one-shot container that
# shares the agent's pid namespace and nothing else (no network, its own filesystem). It reads the agent's filesystem
# through /proc/1/root (pid 1 is the engine's init, root's) and the agent's network namespace through /proc/1/net,
# and prints tab-separated records, version 1: a header, the records, and an end line. No program of the agent image
# runs. A subject that stops or kills this process leaves no end line, and the facts are incomplete (inconclusive).
#   bbt-observer 1 | init <uid> <name of the agent's pid 1> | user <uid of $1 in the agent's passwd> | setuid <mode> <path> | inet <proto> <hex address:port>
#   | unix <path or @abstract> <uid> <gid> <mode> | end
set -u
agent_user=$1
r=/proc/1/root
printf 'bbt-observer\t1\n'
awk '/^Name:/ { n = $2 } /^Uid:/ { printf "init\t%s\t%s\n", $3, n; exit }' /proc/1/status 2>/dev/null
awk -F: -v u="$agent_user" '$1 == u { printf "user\t%s\n", $3; exit }' "$r/etc/passwd" 2>/dev/null
find "$r/" -xdev -user 0 \( -perm -4000 -o -perm -2000 \) -type f -printf 'setuid\t%m\t/%P\n' 2>/dev/null
# The socket inodes root processes of the agent hold (any of real, effective or saved uid 0): what a root service
# listens with. Sockets of the engine's own (its resolver on 127.0.0.11, held by the engine outside the agent's pid
# namespace) are no process's here and are left out.
root_inodes=$(for p in /proc/[0-9]*; do
    [ "$p" = "/proc/$$" ] && continue
    awk '/^Uid:/ { exit !($2 == 0 || $3 == 0 || $4 == 0) }' "$p/status" 2>/dev/null || continue
    for fd in "$p"/fd/*; do
      link=$(readlink "$fd" 2>/dev/null) || continue
      case $link in socket:\[*\]) link=${link#socket:[}; echo "${link%]}" ;; esac
    done
  done | sort -u | tr '\n' ' ')
# Those listening in the agent's network namespace (TCP state 0A is LISTEN, UDP 07 an unconnected socket).
for proto in tcp tcp6 udp udp6; do
  case $proto in tcp*) state=0A ;; *) state=07 ;; esac
  awk -v p="$proto" -v s="$state" -v inodes=" $root_inodes" 'NR > 1 && $4 == s && index(inodes, " " $10 " ") { printf "inet\t%s\t%s\n", p, $2 }' "/proc/1/net/$proto" 2>/dev/null
done
# Unix sockets that listen (flag 00010000), with the socket file's owner and mode.
awk -v inodes=" $root_inodes" 'NR > 1 && $4 == "00010000" && index(inodes, " " $7 " ") { print ($8 == "" ? "-" : $8) }' /proc/1/net/unix 2>/dev/null |
  sort -u | while IFS= read -r path; do
    case $path in
      @*) printf 'unix\t%s\t-\t-\t-\n' "$path" ;;
      -) ;;
      *) st=$(stat -c '%u %g %a' "$r$path" 2>/dev/null) && set -- $st && printf 'unix\t%s\t%s\t%s\t%s\n' "$path" "$1" "$2" "$3" ;;
    esac
  done
printf 'end\n'
