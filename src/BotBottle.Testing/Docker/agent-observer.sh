# The agent observer (see DockerAgentObserver.cs): run by the prober image's own sh as root in a one-shot container in
# the engine host's pid namespace (no network, its own filesystem), where no process of the agent can see or signal
# it. Given the agent's init pid there ($2, from the engine's inspect; $3 the engine's running exec pids, $4 the PATH
# of the container's env), it reads the agent's filesystem through
# /proc/PID/root and the agent's network namespace through /proc/PID/net, and prints tab-separated records, version 2:
# a header, the records, and an end line. No program of the agent image runs. Facts without the end line are incomplete.
#   bbt-observer 2 | init <uid> <name of the agent's pid 1> | user <uid of $1 in the agent's passwd> | setuid <mode> <path> | inet <proto> <hex address:port>
#   | root <pid in the agent> <name> <real,effective,saved,fs uid> <effective capabilities> | exec <pid in the agent> <name>
#   | carried <pid in the agent> <name> <what> | writable <path> <uid> <gid> <mode>
#   | unix <path or @abstract> <uid> <gid> <mode> | end
set -u
# Bytes, not characters: a name that is not valid text is still read whole.
LC_ALL=C
export LC_ALL
agent_user=$1
agent_pid=$2
exec_pids=${3:-}
exec_path=$4
agent=/proc/$agent_pid
r=$agent/root
agent_ns=$(stat -L -c %i "$agent/ns/pid") || { echo "no process $agent_pid (the agent's init)" >&2; exit 1; }
printf 'bbt-observer\t2\n'
awk '/^Name:/ { n = $2 } /^Uid:/ { printf "init\t%s\t%s\n", $3, n; exit }' "$agent/status" 2>/dev/null
agent_uid=$(awk -F: -v u="$agent_user" '$1 == u { print $3; exit }' "$r/etc/passwd" 2>/dev/null)
[ -z "$agent_uid" ] || printf 'user\t%s\n' "$agent_uid"
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
case " $(echo $tasks) " in *" $agent/task/$agent_pid "*) ;; *) echo "the agent's init is not among the processes of its pid namespace" >&2; exit 1 ;; esac
# The root ones: any of its real, effective, saved or filesystem uids 0, or any capability left (a thread that dropped
# to another uid but kept its capabilities): "R, status-path, pid in the agent, name, uids, effective capabilities". And
# the groups the agent user's threads hold (G lines), for what the agent user can write. grep reads every status in
# one process and goes past a thread that has exited.
status_facts=$(for t in $tasks; do echo "$t/status"; done | xargs grep -a -H -E '^(Name|Uid|Gid|Groups|CapPrm|CapEff|NSpid|PPid|TracerPid):' 2>/dev/null | awk -v agent="$agent_uid" -v execs=",$exec_pids," '
  { i = index($0, ":"); f = substr($0, 1, i - 1); rest = substr($0, i + 1); j = index(rest, ":"); k = substr(rest, 1, j - 1)
    v = substr(rest, j + 1); sub(/^[ \t]+/, "", v); gsub(/\t/, " ", v); split(f, at, "/"); proc[f] = at[3] }
  k == "Name" { name[f] = v }
  k == "NSpid" { n = split(v, ns, " "); pid[f] = ns[n] }
  k == "PPid" { parent[at[3]] = v; inside[at[3]] = 1 }
  k == "Uid" { split(v, u, " "); ids[f] = u[1] "," u[2] "," u[3] "," u[4]; if (u[1] == 0 || u[2] == 0 || u[3] == 0 || u[4] == 0) root[f] = 1
    if (agent != "" && u[1] == agent) mine[f] = 1 }
  k == "Gid" || k == "Groups" { held[f] = held[f] " " v }
  k == "CapEff" { eff[f] = v }
  k == "TracerPid" { tracer[f] = v }
  k ~ /^Cap/ && v !~ /^0+$/ { root[f] = 1 }
  # A root thread in the tree of an engine exec running now (the exec itself or what it started and still parents:
  # a command of the harness in flight) is an X line; any other an R line. What a command left when it ended has a
  # new parent outside that tree (the exec channel runs each command under a supervisor that ends with it).
  function inexec(p, hops) { for (hops = 0; hops < 64 && (p in inside); hops++) { if (index(execs, "," p ",")) return 1; p = parent[p] } return 0 }
  END { for (f in root) printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", (inexec(proc[f]) ? "X" : "R"), f, pid[f], name[f], ids[f], eff[f], tracer[f] + 0
    for (f in mine) { n = split(held[f], g, " "); for (i = 1; i <= n; i++) printf "G\t%s\n", g[i] } }')
root_found=$(printf '%s\n' "$status_facts" | awk -F'\t' '$1 == "R" || $1 == "X"')
agent_groups=$(printf '%s\n' "$status_facts" | awk -F'\t' '$1 == "G" { print $2 }' | sort -u | tr '\n' ' ')
root_tasks=$(printf '%s\n' "$root_found" | awk -F'\t' 'NF { sub(/\/status$/, "", $2); print $2 }')
# Every root thread of the agent is a record, whichever channel it takes input on (a socket, a FIFO, a file), but two
# kinds that are the engine's: its init (pid 1 running docker-init from a read-only mount of the engine's own at that
# path, which nothing in the agent can make or replace, and no tracer attached) and the trees of the engine execs running now ($3, their pids
# as the engine reports them, comma-separated), each an exec record.
engine_init=
init_exe=$(readlink "$agent/exe" 2>/dev/null) || init_exe=
case $init_exe in
  /sbin/docker-init | /usr/sbin/docker-init)
    if awk -v at="$init_exe" '$5 == at && $6 ~ /^ro(,|$)/ { found = 1 } END { exit !found }' "$agent/mountinfo" 2>/dev/null &&
       [ "$(stat -L -c %d:%i "$agent/exe" 2>/dev/null)" = "$(stat -c %d:%i "$r$init_exe" 2>/dev/null)" ]; then
      engine_init=$agent/task/$agent_pid/status
    fi ;;
esac
printf '%s\n' "$root_found" | awk -F'\t' -v init="$engine_init" 'BEGIN { OFS = "\t" }
  $1 == "X" { print "exec", $3, $4 } $1 == "R" && !($2 == init && $7 == 0) { print "root", $3, $4, $5, $6 }' | sort -u
# Root's rights carried into a process that is not root (opened or registered before it dropped to another uid): a
# descriptor open for writing on a root-owned regular file the agent user could not open so itself, and an io_uring
# holding a root personality. "carried, pid in the agent, name, what".
others=$(for t in $tasks; do case "
$root_tasks
" in *"
$t
"*) ;; *) echo "$t/fd" ;; esac; done)
carried() { # fd-path what
  p=${1%/fd/*}
  awk -v what="$2" 'BEGIN { OFS = "\t" } /^Name:/ { sub(/^Name:[ \t]*/, ""); gsub(/\t/, " "); n = $0 } /^NSpid:/ { pid = $NF }
    END { print "carried", pid, n, what }' "$p/status" 2>/dev/null
}
fds=$([ -z "$others" ] || find $others -mindepth 1 -maxdepth 1 \( -lname '/*' -o -lname 'anon_inode:\[io_uring\]' \) -printf '%p\t%l\n' 2>/dev/null)
{
  printf '%s\n' "$fds" | awk -F'\t' '$2 == "anon_inode:[io_uring]" { sub(/\/fd\//, "/fdinfo/", $1); print $1 }' |
    xargs -r -d '\n' grep -a -l -E '^[[:space:]]+Uid:([[:space:]]+[0-9]+)*[[:space:]]+0([[:space:]]|$)|^[[:space:]]+CapEff:[[:space:]]*0*[1-9a-fA-F]|^UserFiles:[[:space:]]*[1-9]' 2>/dev/null |
    while IFS= read -r info; do carried "${info%/fdinfo/*}/fd/${info##*/}" "an io_uring with a root personality or files of its own"; done
  # Root-owned regular files the agent user could not open for writing itself (no o+w), then their open flags.
  printf '%s\n' "$fds" | awk -F'\t' '$2 ~ /^\// { print $1 }' | xargs -r -d '\n' stat -L -c '%u %a %F|%n' 2>/dev/null |
    awk '/^0 [0-7]+ regular (empty )?file\|/ { m = 0; for (i = 1; i <= length($2); i++) m = m * 8 + substr($2, i, 1); if (int(m / 2) % 2 == 0) { sub(/^[^|]*\|/, ""); sub(/\/fd\//, "/fdinfo/"); print } }' |
    xargs -r -d '\n' grep -a -H '^flags:' 2>/dev/null | awk '{ f = $1; sub(/:flags:$/, "", f); fl = $2; if (substr(fl, length(fl), 1) % 4 != 0) print f }' |
    while IFS= read -r info; do
      fd="${info%/fdinfo/*}/fd/${info##*/}"
      carried "$fd" "open for writing on root's $(readlink "$fd" 2>/dev/null)"
    done
} | sort -u
# Where the harness's root commands come from, and what they read: every directory on the container's PATH and every
# entry in it (root's execs find perl, runuser, id and mkdir there), /bin/sh, what the loader reads (ld.so.preload and
# what it lists, ld.so.conf and its directories, ld.so.cache, the library directories) and what runuser's PAM and NSS
# read (passwd, group, shadow, nsswitch.conf, pam.d, security, environment, alternatives), each directory's ancestors
# and what a symbolic link on the way points to, resolved inside the agent's root, never the observer's. One the agent
# user can write, or owns, or that carries an ACL, is a way to root: the next root command runs or reads what it put
# there; so is a link that does not resolve within 40 hops. (The harness's perl loads no module, so perl's own library
# directories are never read.) "writable, path, uid, gid, mode".
set -f
resolve() { # an absolute path in the agent: every real directory and file it passes through, in order
  todo=$1 cur= hops=0
  while [ -n "$todo" ]; do
    c=${todo%%/*}
    case $todo in */*) todo=${todo#*/} ;; *) todo= ;; esac
    case $c in '' | .) continue ;; ..) cur=${cur%/*}; continue ;; esac
    if [ -L "$r$cur/$c" ]; then
      hops=$((hops + 1))
      t=$(readlink "$r$cur/$c") && [ "$hops" -le 40 ] || { printf 'loop\t%s\n' "$1"; return 0; }
      case $t in /*) cur= ;; esac
      todo=$t/$todo
      continue
    fi
    [ -e "$r$cur/$c" ] || return 0
    cur=$cur/$c
    printf '%s\n' "$cur"
  done
}
last() { resolve "$1" | tail -n 1; } # where a path ends up (its last existing part when it does not resolve whole)
listed() { # the absolute paths a loader file names, read where it really is
  at=$(last "$1"); [ -f "$r$at" ] || return 0
  tr ': \t' '\n\n\n' < "$r$at" 2>/dev/null | grep -a '^/' | while IFS= read -r p; do resolve "$p"; done
}
chain=$({
  printf '/\n'
  old_ifs=$IFS; IFS=:
  for dir in $exec_path; do case $dir in /*) resolve "$dir"; printf 'entries\t%s\n' "$(last "$dir")" ;; esac; done
  IFS=$old_ifs
  resolve /bin/sh
  for f in /etc/ld.so.preload /etc/ld.so.conf /etc/ld.so.cache /etc/passwd /etc/group /etc/shadow /etc/gshadow \
      /etc/nsswitch.conf /etc/environment /etc/login.defs /etc/security /etc/alternatives /lib /lib64 /usr/lib /usr/lib64 \
      /usr/local/lib /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib/aarch64-linux-gnu /usr/lib/aarch64-linux-gnu \
      /usr/lib/x86_64-linux-gnu/security /usr/lib/aarch64-linux-gnu/security; do resolve "$f"; done
  for d in /etc/pam.d /etc/ld.so.conf.d; do resolve "$d"; printf 'entries\t%s\n' "$(last "$d")"; done
  listed /etc/ld.so.preload
  at=$(last /etc/ld.so.conf.d)
  if [ -d "$r$at" ]; then set +f; for conf in "$r$at"/*.conf; do set -f; [ -f "$conf" ] && listed "${conf#"$r"}"; done; set -f; fi
  listed /etc/ld.so.conf
} | sort -u)
{
  printf '%s\n' "$chain" | awk -F'\t' 'NF == 1 && $1 != "" { print }' | sed "s|^|$r|" | xargs -r -d '\n' stat --printf '%u\t%g\t%a\t%n\n' 2>/dev/null
  printf '%s\n' "$chain" | awk -F'\t' '$1 == "entries" && $2 != "" { print $2 }' | sort -u | while IFS= read -r d; do
    find "$r$d" -mindepth 1 -maxdepth 1 ! -type l -printf '%U\t%G\t%m\t%p\n' 2>/dev/null; done
  # An ACL shows as a + after the mode: it grants what the mode does not say.
  printf '%s\n' "$chain" | awk -F'\t' 'NF == 1 && $1 != "" { print }' | sed "s|^|$r|" | xargs -r -d '\n' ls -ldn --time-style=+X 2>/dev/null |
    awk 'substr($1, 11, 1) == "+" { u = $3; g = $4; for (i = 0; i < 6; i++) sub(/^[^ ]+ +/, ""); print u "\t" g "\tacl\t" $0 }'
} | awk -F'\t' -v agent="$agent_uid" -v groups=" $agent_groups " -v r="$r" 'BEGIN { OFS = "\t" }
    { p = substr($4, length(r) + 1); if (p == "") p = "/"
      if ($3 == "acl") { print "writable", p, $1, $2, "acl"; next }
      m = 0; for (i = 1; i <= length($3); i++) m = m * 8 + substr($3, i, 1)
      if (agent == "" || $1 == agent || int(m / 2) % 2 == 1 || (int(m / 16) % 2 == 1 && (groups == "  " || index(groups, " " $2 " "))))
        print "writable", p, $1, $2, $3 }' | sort -u
printf '%s\n' "$chain" | awk -F'\t' 'BEGIN { OFS = "\t" } $1 == "loop" { print "writable", $2, "?", "?", "loop" }' | sort -u
set +f
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
