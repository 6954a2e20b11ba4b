#!/usr/bin/env bash
# Starts the docker-in-docker test engines beside the machine's own (eng/engine/dind.sh) and prints the
# environment the tests read, one `export` per line (eval it):
#   BOTBOTTLE_SECOND_ENGINE  Engine 28 (Debian forky's docker.io, API 1.51): the second engine generation
#   BOTBOTTLE_CVE_ENGINE     Engine 20.10 whose host namespace resolves through a decoy on 127.0.0.53 (CVE-2024-29018)
# Needs root, Linux and apt (mmdebstrap). Elsewhere it prints nothing and says why: those tests then skip,
# or fail where BOTBOTTLE_REQUIRE names test-engines (CI).
#   eng/engine/test-engines.sh start | stop
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dind="$root/eng/engine/dind.sh"
say() { printf '[test-engines] %s\n' "$*" >&2; }
case "${1:-start}" in
  stop) "$dind" stop engine2; "$dind" stop cve; exit 0 ;;
  start) ;;
  *) say "usage: test-engines.sh start|stop"; exit 2 ;;
esac
if [ "$(uname -s)" != Linux ] || [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  say "not started: docker-in-docker test engines need root on Linux with apt"; exit 0
fi
if ! command -v mmdebstrap >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >/dev/null 2>&1 || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >/dev/null; } || { say "not started: mmdebstrap cannot be installed"; exit 0; }
fi
agent="${BOTBOTTLE_AGENT_IMAGE:-botbottle/agent:reference}"
bundle="${BOTBOTTLE_BUNDLE_IMAGE:-botbottle/bundle:reference}"
start() { # name suite images... [-- start options]
  local name="$1" suite="$2" uri; shift 2
  local options=()
  if [ "${1:-}" = --loopback-resolver ]; then options=(--loopback-resolver); shift; fi
  uri="$("$dind" start "$name" "$suite" "${options[@]}")" || { say "error: engine $name did not start"; return 1; }
  "$dind" load "$name" "$@" || { say "error: images could not be loaded into $name"; return 1; }
  echo "$uri"
}
second="$(start engine2 forky "$agent" "$bundle" botbottle/prober:reference botbottle/agent:busybox-only botbottle/agent:curl-only)" && echo "export BOTBOTTLE_SECOND_ENGINE=$second"
cve="$(start cve bookworm --loopback-resolver "$agent" "$bundle" botbottle/prober:reference)" && echo "export BOTBOTTLE_CVE_ENGINE=$cve"
exit 0
