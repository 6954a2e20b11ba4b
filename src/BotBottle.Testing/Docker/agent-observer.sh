# The agent observer (see DockerAgentObserver.cs): run by the prober image's own sh as root in a one-shot container in
# the engine host's pid namespace (no network, its own filesystem), where no process of the agent can see or signal
# it. Given the agent's init pid there ($2, from the engine's inspect), it reads the agent's filesystem through
# /proc/PID/root and the agent's network namespace through /proc/PID/net, and prints tab-separated records, version 2:
# a header, the records, and an end line. No program of the agent image runs. Facts without the end line are incomplete.
#   bbt-observer 2 | init <uid> <name of the agent's pid 1> | user <uid of $1 in the agent's passwd> | setuid <mode> <path> | inet <proto> <hex address:port>
#   | root <pid in the agent> <name> <real,effective,saved,fs uid> <effective capabilities> | exec <pid in the agent> <name>
#   | unix <path or @abstract> <uid> <gid> <mode> | end
set -u
agent_user=$1
agent=/proc/$2
r=$agent/root
agent_ns=$(stat -L -c %i "$agent/ns/pid") || { echo "no process $2 (the agent's init)" >&2; exit 1; }
printf 'bbt-observer\t2\n'
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
# The agent's processes and threads: one stat for every process's pid namespace (the list through xargs, so no host is
# too busy for one command line), its inode matched against the agent init's. Each thread counts on its own (a thread
# may keep root, or its own descriptor table, when its process drops). The agent's init must be among them.
tasks=$(printf '%s\n' /proc/[0-9]*/ns/pid | xargs stat -L -c '%i %n' 2>/dev/null | awk -v n="$agent_ns" '$1 == n { sub(/\/ns\/pid$/, "", $2); print $2 }' |
  while IFS= read -r p; do for t in "$p"/task/[0-9]*; do [ -d "$t" ] && echo "$t"; done; done)
case " $(echo $tasks) " in *" $agent/task/$2 "*) ;; *) echo "the agent's init is not among the processes of its pid namespace" >&2; exit 1 ;; esac
# The root ones: any of its real, effective, saved or filesystem uids 0, or any capability left (a thread that dropped
# to another uid but kept its capabilities): "status-path, pid in the agent, name, uids, effective capabilities".
# grep reads every status in one process and goes past a thread that has exited.
root_found=$(for t in $tasks; do echo "$t/status"; done | xargs grep -H -E '^(Name|Uid|CapPrm|CapEff|NSpid):' 2>/dev/null | awk '
  { i = index($0, ":"); f = substr($0, 1, i - 1); rest = substr($0, i + 1); j = index(rest, ":"); k = substr(rest, 1, j - 1)
    v = substr(rest, j + 1); sub(/^[ \t]+/, "", v); gsub(/\t/, " ", v) }
  k == "Name" { name[f] = v }
  k == "NSpid" { n = split(v, ns, " "); pid[f] = ns[n] }
  k == "Uid" { split(v, u, " "); ids[f] = u[1] "," u[2] "," u[3] "," u[4]; if (u[1] == 0 || u[2] == 0 || u[3] == 0 || u[4] == 0) root[f] = 1 }
  k == "CapEff" { eff[f] = v }
  k ~ /^Cap/ && v !~ /^0+$/ { root[f] = 1 }
  END { for (f in root) printf "%s\t%s\t%s\t%s\t%s\n", f, pid[f], name[f], ids[f], eff[f] }')
root_tasks=$(printf '%s\n' "$root_found" | awk -F'\t' 'NF { sub(/\/status$/, "", $1); print $1 }')
# Every root thread of the agent is a record, whichever channel it takes input on (a socket, a FIFO, a file), but two
# kinds that are the engine's: its init (pid 1 running docker-init from a read-only mount of the engine's own at that
# path, which nothing in the agent can make or replace) and the processes of the engine execs running now ($3, their
# pids as the engine reports them, comma-separated), each an exec record.
engine_init=
init_exe=$(readlink "$agent/exe" 2>/dev/null) || init_exe=
case $init_exe in
  /sbin/docker-init | /usr/sbin/docker-init)
    if awk -v at="$init_exe" '$5 == at && $6 ~ /^ro(,|$)/ { found = 1 } END { exit !found }' "$agent/mountinfo" 2>/dev/null &&
       [ "$(stat -L -c %d:%i "$agent/exe" 2>/dev/null)" = "$(stat -c %d:%i "$r$init_exe" 2>/dev/null)" ]; then
      engine_init=$agent/task/$2/status
    fi ;;
esac
printf '%s\n' "$root_found" | awk -F'\t' -v init="$engine_init" -v execs=",${3:-}," 'BEGIN { OFS = "\t" }
  NF && $1 != init { split($1, at, "/"); if (index(execs, "," at[3] ",")) print "exec", $2, $3; else print "root", $2, $3, $4, $5 }' | sort -u
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
