#!/usr/bin/env bash
# Makes a Docker engine reachable for the harness:
#   1. an engine that already answers (DOCKER_HOST or the default socket) is used as is;
#   2. otherwise, as root on Debian/Ubuntu, Debian's docker.io is installed if needed and dockerd is
#      started in the background (log: $BOTBOTTLE_DOCKERD_LOG, default /tmp/botbottle-dockerd.log);
#   3. otherwise it fails, saying what to install.
set -euo pipefail
log="${BOTBOTTLE_DOCKERD_LOG:-/tmp/botbottle-dockerd.log}"
say() { printf '[engine] %s\n' "$*" >&2; }

answers() { command -v docker >/dev/null 2>&1 && docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if answers; then
  say "docker engine $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})') is reachable"
  exit 0
fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  say "error: no docker engine answers${DOCKER_HOST:+ at $DOCKER_HOST}."
  say "Install Docker Engine (Debian/Ubuntu: 'apt-get install docker.io'; macOS: Docker Desktop or colima) and start it, or set DOCKER_HOST."
  exit 1
fi

if ! command -v dockerd >/dev/null 2>&1; then
  say "installing Debian's docker.io"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
  say "starting dockerd (log: $log)"
  nohup dockerd >"$log" 2>&1 &
fi

for _ in $(seq 1 120); do
  if answers; then
    say "docker engine $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})') is up"
    exit 0
  fi
  sleep 0.5
done

say "error: dockerd did not come up within 60 s; the end of its log:"
tail -n 40 "$log" >&2 || true
exit 1
