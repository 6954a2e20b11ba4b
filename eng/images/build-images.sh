#!/usr/bin/env bash
# Builds the reference images from Debian packages and npm, with no registry: mmdebstrap writes a
# root filesystem tarball, `docker import` turns it into an image. Each image is labelled with a
# content hash of its recipe and rebuilt only when the recipe changes.
#
# Variants (eng/images/variants/*.Dockerfile) derive from those two offline, in seconds.
#
#   eng/images/build-images.sh [agent] [bundle] [variants]     (default: all three)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mirror="${BOTBOTTLE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
suite=bookworm
images=("$@")
[ ${#images[@]} -gt 0 ] || images=(agent bundle variants)

log() { printf '[images] %s\n' "$*" >&2; }

need() {
  if ! command -v "$1" >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      log "installing $2 (needed for $1)"
      apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
    else
      log "error: '$1' is missing; install the Debian package '$2'"; exit 1
    fi
  fi
}

recipe_hash() {
  (cd "$here" && sha256sum build-images.sh "$1"/* | sha256sum | cut -c1-16)
}

current_hash() {
  docker image inspect -f '{{ index .Config.Labels "dev.botbottle.recipe-hash" }}' "$1" 2>/dev/null || true
}

build_agent() {
  # shellcheck disable=SC1091
  . "$here/agent/recipe.env"
  local hash work
  hash="$(recipe_hash agent)"
  if [ "$(current_hash "$IMAGE")" = "$hash" ]; then log "$IMAGE is up to date ($hash)"; return; fi
  need mmdebstrap mmdebstrap; need npm npm
  work="$(mktemp -d)"; trap 'rm -rf "$work"' RETURN
  log "fetching $CLAUDE_NPM_PACKAGE@$CLAUDE_VERSION from npm"
  (cd "$work" && npm pack --silent "$CLAUDE_NPM_PACKAGE@$CLAUDE_VERSION" >/dev/null && tar -xzf ./*.tgz)
  [ -x "$work/package/claude" ] || { log "error: the npm package has no package/claude binary"; exit 1; }
  log "mmdebstrap $suite ($PACKAGES)"
  mmdebstrap --variant=minbase --include="$PACKAGES" \
    --customize-hook='chroot "$1" useradd --create-home --uid 1000 --user-group --shell /bin/bash node' \
    --customize-hook="copy-in $work/package/claude /usr/local/bin" \
    --customize-hook='chmod 0755 "$1/usr/local/bin/claude"' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
    "$suite" "$work/rootfs.tar" "$mirror"
  log "docker import -> $IMAGE"
  docker import \
    --change 'USER node' --change 'WORKDIR /home/node' --change 'ENV HOME=/home/node' \
    --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin' \
    --change 'ENTRYPOINT ["/usr/bin/tini", "--"]' --change 'CMD ["sleep", "infinity"]' \
    --change "LABEL dev.botbottle.recipe-hash=$hash dev.botbottle.claude-version=$CLAUDE_VERSION" \
    "$work/rootfs.tar" "$IMAGE" >/dev/null
  log "built $IMAGE ($hash)"
}

build_bundle() {
  # shellcheck disable=SC1091
  . "$here/bundle/recipe.env"
  local hash work
  hash="$(recipe_hash bundle)"
  if [ "$(current_hash "$IMAGE")" = "$hash" ]; then log "$IMAGE is up to date ($hash)"; return; fi
  need mmdebstrap mmdebstrap
  work="$(mktemp -d)"; trap 'rm -rf "$work"' RETURN
  log "mmdebstrap $suite ($PACKAGES)"
  mmdebstrap --variant=minbase --include="$PACKAGES" \
    --customize-hook="copy-in $here/bundle/bundle-init /usr/local/bin" \
    --customize-hook='chmod 0755 "$1/usr/local/bin/bundle-init"' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
    "$suite" "$work/rootfs.tar" "$mirror"
  log "docker import -> $IMAGE"
  docker import \
    --change 'ENTRYPOINT ["/usr/local/bin/bundle-init"]' \
    --change "LABEL dev.botbottle.recipe-hash=$hash" \
    "$work/rootfs.tar" "$IMAGE" >/dev/null
  log "built $IMAGE ($hash)"
}

build_variants() {
  # Each variant is tagged botbottle/agent:<file name>; it is rebuilt when its Dockerfile or a base changes.
  local file name image hash bases
  bases="$(docker image inspect -f '{{.Id}}' botbottle/agent:reference botbottle/bundle:reference | tr '\n' ' ')"
  for file in "$here"/variants/*.Dockerfile; do
    name="$(basename "$file" .Dockerfile)"
    image="botbottle/agent:$name"
    hash="$( { sha256sum < "$file"; echo "$bases"; } | sha256sum | cut -c1-16)"
    if [ "$(current_hash "$image")" = "$hash" ]; then
      log "$image is up to date ($hash)"; continue
    fi
    log "docker build $image"
    docker build --quiet --network none --label "dev.botbottle.recipe-hash=$hash" -t "$image" -f "$file" "$here/variants" >/dev/null
    log "built $image ($hash)"
  done
}

for image in "${images[@]}"; do
  case "$image" in
    agent) build_agent ;;
    bundle) build_bundle ;;
    variants) build_variants ;;
    *) log "unknown image '$image' (agent, bundle, variants)"; exit 2 ;;
  esac
done
# Images replaced by a rebuild are left untagged; drop them.
docker image prune -f --filter "label=dev.botbottle.recipe-hash" >/dev/null
