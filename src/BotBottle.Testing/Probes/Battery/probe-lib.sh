# BotBottle probe library: POSIX sh, sourced by a generated battery (`eval "$BBT_LIB"`).
# Each probe runs in the background under a time limit and leaves one JSON line in $bbt_dir;
# classification happens on the host from the raw evidence (tool, exit code, output, errors, time).
# Needs only sh, mkdir, sleep and awk; uses whichever of bash (/dev/tcp), nc (OpenBSD or BusyBox),
# curl, getent and nslookup the image ships.

bbt_has() { command -v "$1" >/dev/null 2>&1; }

bbt_ms() {
  read -r bbt_up _ </proc/uptime
  bbt_c=${bbt_up#*.}; bbt_c=${bbt_c#0}
  echo $(( ${bbt_up%.*} * 1000 + ${bbt_c:-0} * 10 ))
}

bbt_detect() {
  BBT_BASH=; BBT_NC=; BBT_NC_FLAVOR=; BBT_CURL=; BBT_GETENT=; BBT_NSLOOKUP=; BBT_TIMEOUT=
  bbt_has bash && BBT_BASH=bash
  if bbt_has nc; then BBT_NC=nc
  elif bbt_has busybox && busybox nc 2>&1 | grep -qi usage; then BBT_NC="busybox nc"
  fi
  if [ -n "$BBT_NC" ]; then
    if $BBT_NC -h 2>&1 | grep -q OpenBSD; then BBT_NC_FLAVOR=openbsd; else BBT_NC_FLAVOR=plain; fi
  fi
  bbt_has curl && BBT_CURL=curl
  bbt_has getent && BBT_GETENT=getent
  if bbt_has nslookup; then BBT_NSLOOKUP=nslookup
  elif bbt_has busybox && busybox nslookup 2>&1 | grep -qi usage; then BBT_NSLOOKUP="busybox nslookup"
  fi
  if bbt_has timeout; then BBT_TIMEOUT=timeout
  elif bbt_has busybox && busybox timeout 2>&1 | grep -qi usage; then BBT_TIMEOUT="busybox timeout"
  fi
}

# The tool a probe kind uses: the forced one ($BBT_FORCE) when it exists, else the first present.
bbt_pick() {
  for bbt_t in "$@"; do
    case "$bbt_t" in bash|nc|curl) [ -n "$BBT_FORCE" ] && [ "$BBT_FORCE" != "$bbt_t" ] && continue ;; esac
    case "$bbt_t" in
      bash) [ -n "$BBT_BASH" ] && { echo bash; return; } ;;
      nc) [ -n "$BBT_NC" ] && { echo nc; return; } ;;
      curl) [ -n "$BBT_CURL" ] && { echo curl; return; } ;;
      getent) [ -n "$BBT_GETENT" ] && { echo getent; return; } ;;
      nslookup) [ -n "$BBT_NSLOOKUP" ] && { echo nslookup; return; } ;;
      sh) echo sh; return ;;
    esac
  done
  echo none
}

bbt_url_host() { case "$1" in *:*) echo "[$1]" ;; *) echo "$1" ;; esac; }

# --- implementations: run in a child sh under the time limit; $BBT_T is the limit in seconds ---
bbt_tcp_bash() { exec bash -c 'exec 3<>"/dev/tcp/$0/$1" && echo connected' "$1" "$2"; }
bbt_tcp_nc() {
  if [ "$BBT_NC_FLAVOR" = openbsd ]; then $BBT_NC -v -z -w "$BBT_T" "$1" "$2" && echo connected
  else $BBT_NC -w "$BBT_T" "$1" "$2" </dev/null && echo connected
  fi
}
bbt_tcp_curl() { exec curl -sS -v -o /dev/null --connect-timeout "$BBT_T" -m "$BBT_T" "telnet://$(bbt_url_host "$1"):$2" </dev/null; }

bbt_http_request() { printf 'GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: botbottle-probe\r\n\r\n' "$1" "$2"; }
bbt_connect_request() { printf 'CONNECT %s:%s HTTP/1.1\r\nHost: %s:%s\r\n\r\n' "$1" "$2" "$1" "$2"; }
# nc cannot stop after the proxy's answer: once the answer has surely arrived, a request through
# the tunnel makes the far end answer and close (sent later, so a denying proxy closes cleanly).
bbt_connect_then_get() { bbt_connect_request "$1" "$2"; sleep 1; printf 'GET / HTTP/1.0\r\nHost: %s\r\n\r\n' "$1"; }
bbt_raw_bash() { # proxy-host proxy-port mode(get|connect) request-function args...
  bbt_ph=$1; bbt_pp=$2; bbt_mode=$3; shift 3
  bbt_req=$("$@"; echo x); bbt_req=${bbt_req%x}
  exec bash -c 'exec 3<>"/dev/tcp/$0/$1" || exit 7; printf "%s" "$2" >&3
    while IFS= read -r -t "$3" l <&3; do printf "%s\n" "$l"; [ "$4" = connect ] && [ "${#l}" -le 1 ] && break; done' "$bbt_ph" "$bbt_pp" "$bbt_req" "$BBT_T" "$bbt_mode"
}
bbt_raw_nc() { bbt_ph=$1; bbt_pp=$2; shift 2; "$@" | $BBT_NC -w "$BBT_T" "$bbt_ph" "$bbt_pp"; }
bbt_http_curl() { exec curl -sS -v -D - -o /dev/null -m "$BBT_T" -x "http://$(bbt_url_host "$1"):$2" "$3"; }
bbt_connect_curl() { exec curl -sS -v -p -D - -o /dev/null -m "$BBT_T" -x "http://$(bbt_url_host "$1"):$2" "http://$(bbt_url_host "$3"):$4/"; }

# IPv4 answers only (getaddrinfo, AF_INET): "getent hosts" asks for IPv6 first and, where the hosts file has only an
# IPv4 entry, waits on a resolver that has no upstream.
bbt_dns_getent() { exec getent ahostsv4 "$1"; }
# A prober names the resolver it asks ($BBT_DNS_SERVER): a resolv.conf the agent shares and root in it can rewrite is never read.
bbt_dns_nslookup() { $BBT_NSLOOKUP "$1" ${BBT_DNS_SERVER:+"$BBT_DNS_SERVER"}; }

bbt_escalation() { # uid, no-new-privs, and whether sudo or su turns this user into root
  echo "uid=$(id -u) user=$(id -un 2>/dev/null)"
  grep NoNewPrivs /proc/self/status 2>/dev/null
  bbt_esc=0
  [ "$(id -u)" = 0 ] && { echo "escalated: already root"; bbt_esc=1; }
  if bbt_has sudo; then
    if sudo -n true </dev/null 2>/dev/null; then echo "escalated: sudo -n true succeeded"; bbt_esc=1; else echo "sudo -n true: refused"; fi
  else echo "sudo: absent"; fi
  if bbt_has su; then
    if [ "$(su -c 'id -u' root </dev/null 2>/dev/null)" = 0 ]; then echo "escalated: su root succeeded"; bbt_esc=1; else echo "su root: refused"; fi
  fi
  for bbt_f in $(find / -xdev -perm -4000 -type f 2>/dev/null | head -20); do echo "setuid: $bbt_f"; done
  [ "$bbt_esc" = 1 ] && echo permitted || echo denied
}
bbt_escalation_control() { # the same reporting path with an action that needs no privilege
  if sh -c true </dev/null; then echo "sh -c true: succeeded"; echo permitted; else echo denied; fi
}

bbt_sockets() { # paths...: any that exist are reported (a bind-mounted engine socket is one)
  bbt_found=0
  for bbt_s in "$@"; do
    [ -n "$bbt_s" ] || continue
    if [ -e "$bbt_s" ]; then echo "present: $bbt_s"; bbt_found=1; fi
  done
  case "${DOCKER_HOST:-}" in tcp://*|ssh://*) echo "present: DOCKER_HOST=$DOCKER_HOST"; bbt_found=1 ;; esac
  [ "$bbt_found" = 1 ] && echo present || echo absent
}

bbt_secrets() { # placeholders...: names of env entries that look like real credentials (never values)
  bbt_control=${BBT_SECRET_CONTROL:-}
  # Two sources, each line tagged: the env execs get (the engine's container env, image ENV included, and the
  # harness's guest env) and what a login shell adds on the agent's start path (/etc/profile, /etc/profile.d).
  # The battery's own library rides in the env (BBT_LIB); its lines are not the agent's env.
  { ( unset BBT_LIB; cat /proc/self/environ ) | tr '\0' '\n' | sed 's/^/exec\t/'
    ( unset BBT_LIB; sh -lc 'cat /proc/self/environ' </dev/null 2>/dev/null ) | tr '\0' '\n' | sed 's/^/login shell\t/'
    [ -n "$bbt_control" ] && printf 'exec\t%s\n' "$bbt_control"; } |
    awk -F '\t' -v placeholders="$*" '
      function entropy(s,   i, n, h, c, seen) {
        n = length(s); for (i = 1; i <= n; i++) seen[substr(s, i, 1)]++
        h = 0; for (c in seen) h -= (seen[c] / n) * log(seen[c] / n) / log(2)
        return h
      }
      function shape(v) {
        if (v ~ /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\/@:]*:[^\/@]+@/) return "a URL with a password"
        if (v ~ /^(Bearer|Basic|bearer|basic|Token|token) [A-Za-z0-9._~+\/=-]+$/ && length(v) >= 14) return "an authorization credential"
        if (v ~ /^sk-/ || v ~ /(sk-ant-|sk-proj-|ghp_|gho_|ghs_|ghu_|ghr_|github_pat_|glpat-|xox[abprs]-|AIza|npm_|-----BEGIN|AKIA[0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z])/) return "a well-known token prefix"
        if (v ~ /(hooks\.slack\.com\/services\/|discord(app)?\.com\/api\/webhooks\/|webhook\.office\.com\/)/) return "a webhook URL"
        if (v ~ /[?&;](password|passwd|pwd|token|access_token|auth|api_key|apikey|key|secret|sig|signature)=[^&;]/) return "a credential in a query string"
        if (v ~ /^[0-9a-fA-F]+$/ && length(v) >= 32) return "a long hex key"
        if (length(v) >= 24 && v ~ /^[A-Za-z0-9+\/=_.-]+$/ && v !~ /^\// && v ~ /[A-Za-z]/ && v ~ /[0-9]/ && entropy(v) >= 4.0) return "a high-entropy string"
        return ""
      }
      BEGIN { n = split(placeholders, p, " "); for (i = 1; i <= n; i++) ok[p[i]] = 1 }
      NF >= 2 && $2 ~ /^[A-Za-z_][A-Za-z0-9_]*=/ {
        from = $1; entry = substr($0, length($1) + 2)
        name = substr(entry, 1, index(entry, "=") - 1); value = substr(entry, index(entry, "=") + 1)
        if (value == "" || (value in ok)) next
        if (name ~ /BBT_SECRET_CONTROL/) next
        why = shape(value)
        if (why == "" && toupper(name) ~ /(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|PRIVATE_KEY|CREDENTIAL|ACCESS_KEY|AUTHORIZATION)/) why = "a credential name"
        if (why != "" && !(name in said)) { said[name] = 1; print "present: " name " (" why ", " from ")"; found = 1 }
      }
      END { print (found ? "present" : "absent") }'
}

bbt_log() { # file marker: waits for the marker in the file until two seconds before the limit (by the clock, so a
  # loaded machine, where each look takes longer, still answers within the limit)
  bbt_until=$(( $(bbt_ms) + BBT_T * 1000 - 2000 ))
  while :; do
    if bbt_line=$(grep -F -m 1 -- "$2" "$1" 2>/dev/null); then echo "present: $bbt_line"; echo present; return 0; fi
    [ "$(bbt_ms)" -lt "$bbt_until" ] || break
    sleep 0.2
  done
  [ -e "$1" ] && echo "(${1} has no line with the marker)" || echo "(${1} does not exist)"
  echo absent
}

bbt_interfaces() { # every network interface but loopback
  bbt_found=0
  for bbt_i in $(awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' /proc/net/dev); do
    [ "$bbt_i" = lo ] && continue
    echo "present: interface $bbt_i"; bbt_found=1
  done
  [ "$bbt_found" = 1 ] && echo present || echo absent
}

bbt_raw6() { # host-mac port: IPv6 from user space over packet sockets (raw6.pl, shipped in $BBT_RAW6), root with NET_RAW
  [ -n "${BBT_RAW6:-}" ] || { echo "error: the battery shipped no raw6 tool"; return 3; }
  printf '%s\n' "$BBT_RAW6" >"$bbt_dir/raw6.pl" && exec perl "$bbt_dir/raw6.pl" "$1" "$2" "$(( BBT_T > 2 ? BBT_T - 1 : 1 ))"
}

bbt_hosts() { # port addresses...: a TCP dial of every gateway of this namespace's IPv4 routes and of every address given
  bbt_port=$1; shift
  bbt_gws=$(awk 'function h(s, i, n) { n = 0; for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789ABCDEF", toupper(substr(s, i, 1))) - 1; return n }
    NR > 1 && $3 != "00000000" { g = $3; printf "%d.%d.%d.%d\n", h(substr(g, 7, 2)), h(substr(g, 5, 2)), h(substr(g, 3, 2)), h(substr(g, 1, 2)) }' /proc/net/route 2>/dev/null | sort -u)
  echo "gateways: ${bbt_gws:-none}" | tr '\n' ' '; echo
  bbt_n=0; bbt_lim=
  [ -n "$BBT_TIMEOUT" ] && bbt_lim="$BBT_TIMEOUT $(( BBT_T > 2 ? BBT_T - 1 : 1 ))"
  for bbt_a in $bbt_gws "$@"; do
    bbt_n=$((bbt_n + 1))
    ( bbt_e=$($bbt_lim bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$bbt_a" "$bbt_port" 2>&1); bbt_r=$?
      case "$bbt_r:$bbt_e" in
        0:*) echo "$bbt_a: connected" ;;
        *refused*) echo "$bbt_a: refused" ;;
        *unreachable*|*"No route"*|*"not permitted"*) echo "$bbt_a: unreachable ($bbt_e)" ;;
        124:*|137:*) echo "$bbt_a: silent" ;;
        *) echo "$bbt_a: error ($bbt_r $bbt_e)" ;;
      esac ) >"$bbt_dir/hosts.$bbt_n" &
  done
  wait
  cat "$bbt_dir"/hosts.* 2>/dev/null | awk -F': ' '{ print } $2 ~ /^connected/ { c = 1 } $2 ~ /^refused/ { r = 1 } $2 ~ /^silent/ { t = 1 } $2 ~ /^error/ { e = 1 } $2 ~ /^unreachable/ { u = 1 }
    END { if (c) print "connected"; else if (r) print "refused"; else if (e || !(t || u)) print "error"; else if (t) print "silent"; else print "unreachable" }'
}

# --- one probe: bbt_probe <id> <seconds> <kind> args... ---
bbt_probe() {
  bbt_id=$1; BBT_T=$2; bbt_kind=$3; shift 3
  bbt_base="$bbt_dir/$bbt_id"; bbt_host=${1:-}
  case "$bbt_kind" in
    tcp) bbt_tool=$(bbt_pick bash nc curl) ;;
    http) bbt_tool=$(bbt_pick curl bash nc) ;;
    connect) bbt_tool=$(bbt_pick curl bash nc) ;;
    raw6) if bbt_has perl; then bbt_tool=perl; else bbt_tool=none; fi ;;
    hosts) if bbt_has bash; then bbt_tool=bash; else bbt_tool=none; fi ;;
    dns) if [ -n "${BBT_DNS_SERVER:-}" ]; then bbt_tool=$(bbt_pick nslookup); else bbt_tool=$(bbt_pick getent nslookup); fi ;;
    *) bbt_tool=sh ;;
  esac
  case "$bbt_kind:$bbt_tool" in
    tcp:bash) set -- bbt_tcp_bash "$@" ;;
    tcp:nc) set -- bbt_tcp_nc "$@" ;;
    tcp:curl) set -- bbt_tcp_curl "$@" ;;
    http:curl) set -- bbt_http_curl "$1" "$2" "$3" ;;
    http:bash) set -- bbt_raw_bash "$1" "$2" get bbt_http_request "$3" "$4" ;;
    http:nc) set -- bbt_raw_nc "$1" "$2" bbt_http_request "$3" "$4" ;;
    connect:curl) set -- bbt_connect_curl "$@" ;;
    connect:bash) set -- bbt_raw_bash "$1" "$2" connect bbt_connect_request "$3" "$4" ;;
    connect:nc) set -- bbt_raw_nc "$1" "$2" bbt_connect_then_get "$3" "$4" ;;
    dns:getent) set -- bbt_dns_getent "$@" ;;
    dns:nslookup) set -- bbt_dns_nslookup "$@" ;;
    escalation:sh) set -- bbt_escalation ;;
    escalation-control:sh) set -- bbt_escalation_control ;;
    sockets:sh) set -- bbt_sockets "$@" ;;
    secrets:sh) set -- bbt_secrets "$@" ;;
    log:sh) set -- bbt_log "$@" ;;
    interfaces:sh) set -- bbt_interfaces ;;
    raw6:perl) set -- bbt_raw6 "$@" ;;
    hosts:bash) set -- bbt_hosts "$@" ;;
    secrets-control:sh) BBT_SECRET_CONTROL="BBT_CONTROL_API_KEY=sk-ant-api03-botbottle-control"; export BBT_SECRET_CONTROL; set -- bbt_secrets "$@" ;;
    *) set -- false ;;
  esac
  bbt_start=$(bbt_ms)
  if [ "$bbt_tool" = none ]; then
    echo "no tool for a $bbt_kind probe (looked for: bash, nc, curl, getent, nslookup, perl)" >"$bbt_base.err"; : >"$bbt_base.out"; bbt_rc=127
  else
    export BBT_T BBT_NC BBT_NC_FLAVOR BBT_NSLOOKUP BBT_TIMEOUT bbt_dir
    if [ -n "$BBT_TIMEOUT" ]; then
      $BBT_TIMEOUT "$BBT_T" sh -c 'eval "$BBT_LIB"; "$@"' bbt-probe "$@" >"$bbt_base.out" 2>"$bbt_base.err" </dev/null
      bbt_rc=$?
    else
      sh -c 'eval "$BBT_LIB"; "$@"' bbt-probe "$@" >"$bbt_base.out" 2>"$bbt_base.err" </dev/null &
      bbt_p=$!
      ( sleep "$BBT_T"; kill -9 "$bbt_p" 2>/dev/null && : >"$bbt_base.killed" ) >/dev/null 2>&1 </dev/null &
      bbt_w=$!
      wait "$bbt_p"; bbt_rc=$?
      kill "$bbt_w" 2>/dev/null
      [ -e "$bbt_base.killed" ] && bbt_rc=124
    fi
  fi
  bbt_end=$(bbt_ms)
  # EADDRNOTAVAIL on an IPv6 dial proves "no path" only where the namespace has no IPv6 address but loopback's
  # (else something took every local port): say which, for the host's classifier.
  case "$bbt_kind:$bbt_host" in
    tcp:*:*) if grep -q "Cannot assign requested address" "$bbt_base.err" 2>/dev/null && ! awk '$6 != "lo" { f = 1 } END { exit !f }' /proc/net/if_inet6 2>/dev/null; then
               echo "(no IPv6 address in this network namespace)" >>"$bbt_base.out"; fi ;;
  esac
  printf '{"id":"%s","tool":"%s","rc":%s,"ms":%s,"limit":%s,"out":"%s","err":"%s"}\n' \
    "$bbt_id" "$bbt_tool" "$bbt_rc" "$(( bbt_end - bbt_start ))" "$(( BBT_T * 1000 ))" \
    "$(bbt_json <"$bbt_base.out")" "$(bbt_json <"$bbt_base.err")" >"$bbt_base.json"
}

bbt_json() {
  head -c 3000 | awk 'BEGIN { ORS = "" }
    { gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); gsub(/\t/, " "); gsub(/\r/, ""); gsub(/[\001-\037]/, " ")
      if (NR > 1) printf "\\n"; printf "%s", $0 }'
}

bbt_begin() {
  bbt_dir=$(mktemp -d 2>/dev/null) || { bbt_dir=/tmp/bbt-probe.$$; mkdir -p "$bbt_dir"; }
  bbt_detect
  printf '{"id":"#tools","tool":"sh","rc":0,"ms":0,"limit":0,"out":"bash=%s nc=%s%s curl=%s getent=%s nslookup=%s timeout=%s","err":""}\n' \
    "${BBT_BASH:-no}" "${BBT_NC:-no}" "${BBT_NC_FLAVOR:+($BBT_NC_FLAVOR)}" "${BBT_CURL:-no}" "${BBT_GETENT:-no}" "${BBT_NSLOOKUP:-no}" "${BBT_TIMEOUT:-no}"
}

bbt_end() {
  wait
  for bbt_f in "$bbt_dir"/*.json; do [ -e "$bbt_f" ] && cat "$bbt_f"; done
  rm -rf "$bbt_dir"
}
