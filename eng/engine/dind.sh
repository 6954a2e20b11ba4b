#!/usr/bin/env bash
# Docker-in-docker test engines, made from Debian's own docker.io packages (no registry): each runs in a
# privileged container on the host engine and is reached through its own unix socket.
#
#   eng/engine/dind.sh start NAME SUITE [--loopback-resolver]   build (cached) and start; prints unix://SOCKET
#   eng/engine/dind.sh load NAME IMAGE...                       copy images from the host engine into it
#   eng/engine/dind.sh stop NAME                                remove it (and its data)
#
# SUITE is a Debian suite: bookworm gives Engine 20.10 (API 1.41), forky Engine 28 (API 1.51).
# --loopback-resolver gives the engine's host namespace a decoy resolver on 127.0.0.53 as its only upstream.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mirror="${BOTBOTTLE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
state="${BOTBOTTLE_DIND_STATE:-/var/lib/botbottle-dind}"
packages=docker.io,iptables,ca-certificates,dnsmasq-base,procps
say() { printf '[dind] %s\n' "$*" >&2; }
cmd="${1:?usage: dind.sh start|load|stop NAME ...}"; name="${2:?NAME missing}"; shift 2
container="bbt-engine-$name"
socket_dir="$state/$name/run"
socket="$socket_dir/docker.sock"

image_for() { # suite -> image, built once per recipe
  local suite="$1" image="botbottle/engine:$1" hash work
  hash="$( { cat "$here/dind/engine-init"; echo "$suite $mirror $packages"; } | sha256sum | cut -c1-16)"
  if [ "$(docker image inspect -f '{{ index .Config.Labels "dev.botbottle.recipe-hash" }}' "$image" 2>/dev/null || true)" != "$hash" ]; then
    command -v mmdebstrap >/dev/null || { say "error: mmdebstrap is needed (apt-get install mmdebstrap)"; exit 1; }
    work="$(mktemp -d)"
    say "mmdebstrap $suite with docker.io -> $image"
    # A testing suite's Release file may be past its Valid-Until on a frozen mirror: not a concern for a test engine.
    mmdebstrap --variant=minbase --aptopt='Acquire::Check-Valid-Until "false"' \
      --include="$packages" \
      --customize-hook="copy-in $here/dind/engine-init /usr/local/bin" \
      --customize-hook='chmod 0755 "$1/usr/local/bin/engine-init"' \
      --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
      "$suite" "$work/rootfs.tar" "$mirror" >&2 2>/dev/null
    docker import --change 'ENTRYPOINT ["/usr/local/bin/engine-init"]' --change "LABEL dev.botbottle.recipe-hash=$hash" "$work/rootfs.tar" "$image" >/dev/null
    rm -rf "$work"
  fi
  echo "$image"
}

case "$cmd" in
  start)
    suite="${1:?SUITE missing}"; resolver=0
    [ "${2:-}" = --loopback-resolver ] && resolver=1
    image="$(image_for "$suite")"
    docker rm -f "$container" >/dev/null 2>&1 || true
    rm -rf "${state:?}/$name"; mkdir -p "$socket_dir" "$state/$name/data"
    say "starting $container ($suite${resolver:+, loopback resolver: $resolver})"
    if [ "$(docker info --format '{{.CgroupVersion}}' 2>/dev/null)" = 2 ]; then
      isolation=(--privileged --cgroupns private)
    else
      # cgroup v1: the nested engine uses the host's hierarchy. Every capability but those the host's own bounding
      # set lacks (a sandboxed host may lack CAP_SYS_RESOURCE, which makes --privileged fail), with the kernel's
      # system paths writable (the nested engine configures its networks through /proc/sys).
      isolation=(--cap-add ALL --security-opt seccomp=unconfined --security-opt apparmor=unconfined --security-opt systempaths=unconfined
        --device-cgroup-rule 'a *:* rwm' -v /sys/fs/cgroup:/sys/fs/cgroup:rw)
      grep -q '^CapBnd:.*' /proc/self/status && [ $(( 0x$(awk '/^CapBnd/ {print $2}' /proc/self/status) >> 24 & 1 )) = 0 ] && isolation+=(--cap-drop SYS_RESOURCE)
    fi
    docker run -d --name "$container" "${isolation[@]}" --label dev.botbottle.role=test-engine \
      -e "BBT_LOOPBACK_RESOLVER=$resolver" -v "$socket_dir:/run/bbt-engine" -v "$state/$name/data:/var/lib/docker" "$image" >/dev/null
    for _ in $(seq 1 120); do
      if docker -H "unix://$socket" version --format '{{.Server.Version}}' >/dev/null 2>&1; then
        say "$container: Engine $(docker -H "unix://$socket" version --format '{{.Server.Version}} (API {{.Server.APIVersion}})') at unix://$socket"
        echo "unix://$socket"; exit 0
      fi
      if [ "$(docker inspect -f '{{.State.Running}}' "$container" 2>/dev/null)" != true ]; then break; fi
      sleep 0.5
    done
    say "error: $container did not come up; its log:"; docker logs --tail 40 "$container" >&2 || true; exit 1 ;;
  load)
    for image in "$@"; do
      say "loading $image into $container"
      docker save "$image" | docker -H "unix://$socket" load -q >/dev/null
    done ;;
  stop)
    docker rm -f "$container" >/dev/null 2>&1 || true
    rm -rf "${state:?}/$name" ;;
  *) say "unknown command $cmd"; exit 2 ;;
esac
