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

# A dockerd that is alive (a killed one can linger as a zombie, which must not count).
running() { ps -C dockerd -o stat= 2>/dev/null | grep -qv '^Z'; }

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

started=""
if ! running; then
  # A dockerd killed without cleanup leaves pid files behind (its own and its containerd's) and
  # maybe an orphaned containerd; a new dockerd refuses to start, or waits on a dead containerd.
  pkill -f 'containerd --config /var/run/docker/containerd/containerd.toml' 2>/dev/null || true
  rm -f /var/run/docker.pid /var/run/docker/containerd/containerd.pid
  say "starting dockerd (log: $log)"
  nohup dockerd >"$log" 2>&1 &
  started=$!
fi

for _ in $(seq 1 120); do
  if answers; then
    say "docker engine $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})') is up"
    exit 0
  fi
  if [ -n "$started" ] && ! ps -p "$started" -o stat= 2>/dev/null | grep -qv '^Z'; then
    say "error: dockerd exited; the end of its log ($log):"
    tail -n 40 "$log" >&2
    exit 1
  fi
  sleep 0.5
done

say "error: dockerd did not come up within 60 s; the end of its log ($log):"
tail -n 40 "$log" >&2 2>/dev/null || say "(no log: a dockerd this script did not start is running but not answering; stop it and retry)"
exit 1
