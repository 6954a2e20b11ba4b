#!/usr/bin/env bash
# Builds the reference images from Debian packages and npm (<image>/recipe.env: the packages, the claude
# version). Two paths give the same image contents:
#   mmdebstrap  as root with apt (Debian/Ubuntu, CI): mmdebstrap writes a root filesystem, `docker import`
#               makes it an image; no registry needed, only Debian's mirror and npm;
#   dockerfile  anywhere a registry is reachable (a Mac): `docker build` of <image>/Dockerfile, FROM
#               debian:bookworm-slim, the same packages, the same claude from npm.
# BOTBOTTLE_IMAGE_BUILD=mmdebstrap|dockerfile picks one; by default mmdebstrap where it can run, else dockerfile.
# Each image is labelled with a content hash of its recipe and rebuilt only when the recipe changes.
# Variants (eng/images/variants/*.Dockerfile) derive from those two offline, in seconds.
#
#   eng/images/build-images.sh [agent] [bundle] [prober] [variants]     (default: all four)
#   eng/images/build-images.sh parity                          (both paths agree? exit 1 with the differences if not)
set -euo pipefail
# One build at a time per machine: a build's prune of replaced images would otherwise remove another build's
# intermediate images, which the legacy builder leaves untagged and labelled while it runs (flock: util-linux).
if command -v flock >/dev/null 2>&1 && [ -z "${BOTBOTTLE_IMAGES_LOCKED:-}" ]; then
  exec 9>"${TMPDIR:-/tmp}/botbottle-build-images.lock"
  flock 9
  export BOTBOTTLE_IMAGES_LOCKED=1
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mirror="${BOTBOTTLE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
suite=bookworm
images=("$@")
[ ${#images[@]} -gt 0 ] || images=(agent bundle prober variants)

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

# mmdebstrap where it can run (root with apt), else the Dockerfiles.
path="${BOTBOTTLE_IMAGE_BUILD:-}"
if [ -z "$path" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then path=mmdebstrap; else path=dockerfile; fi
fi

dockerfile_build() { # image-dir tag hash base [extra build args...]
  local dir="$1" tag="$2" hash="$3" base="$4"; shift 4
  # shellcheck disable=SC1091
  ( . "$here/$dir/recipe.env"
    docker build --quiet --label "dev.botbottle.recipe-hash=$hash" --build-arg "BASE=$base" \
      --build-arg "PACKAGES=$PACKAGES" --build-arg "CLAUDE_NPM_PACKAGE=${CLAUDE_NPM_PACKAGE:-}" --build-arg "CLAUDE_VERSION=${CLAUDE_VERSION:-}" \
      "$@" -t "$tag" -f "$here/$dir/Dockerfile" "$here/$dir" >/dev/null )
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
  if [ "$path" = dockerfile ]; then
    log "docker build $IMAGE (agent/Dockerfile, FROM debian:bookworm-slim)"
    dockerfile_build agent "$IMAGE" "$hash" debian:bookworm-slim --label "dev.botbottle.claude-version=$CLAUDE_VERSION"
    log "built $IMAGE ($hash)"; return
  fi
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

# The harness's own images (the bundle, the prober): Debian packages and, where the image has one, its init script
# (<dir>/<dir>-init, the image's entrypoint), nothing else.
build_harness_image() { # dir
  local dir="$1" hash work init=() config=()
  # shellcheck disable=SC1090
  . "$here/$dir/recipe.env"
  hash="$(recipe_hash "$dir")"
  if [ "$(current_hash "$IMAGE")" = "$hash" ]; then log "$IMAGE is up to date ($hash)"; return; fi
  if [ "$path" = dockerfile ]; then
    log "docker build $IMAGE ($dir/Dockerfile, FROM debian:bookworm-slim)"
    dockerfile_build "$dir" "$IMAGE" "$hash" debian:bookworm-slim
    log "built $IMAGE ($hash)"; return
  fi
  if [ -f "$here/$dir/$dir-init" ]; then
    init=(--customize-hook="copy-in $here/$dir/$dir-init /usr/local/bin" --customize-hook="chmod 0755 \"\$1/usr/local/bin/$dir-init\"")
    config=(--change "ENTRYPOINT [\"/usr/local/bin/$dir-init\"]")
  fi
  need mmdebstrap mmdebstrap
  work="$(mktemp -d)"; trap 'rm -rf "$work"' RETURN
  log "mmdebstrap $suite ($PACKAGES)"
  mmdebstrap --variant=minbase --include="$PACKAGES" "${init[@]}" \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
    "$suite" "$work/rootfs.tar" "$mirror"
  log "docker import -> $IMAGE"
  docker import "${config[@]}" --change "LABEL dev.botbottle.recipe-hash=$hash" "$work/rootfs.tar" "$IMAGE" >/dev/null
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

# Both paths agree: the Dockerfiles, built on a base that mmdebstrap makes locally (Debian's minbase, what
# debian:bookworm-slim is), give the same packages (and versions), users, claude and image config as the
# mmdebstrap images. Needs root and apt (the offline path) and Debian's mirror and npm for the Dockerfile path.
parity() {
  local base=botbottle/parity-base:bookworm work hash fails=0 dir image probe a b
  [ "$path" = mmdebstrap ] || { log "error: the parity check needs the mmdebstrap path (root and apt)"; exit 2; }
  build_agent; build_harness_image bundle; build_harness_image prober
  hash="$( { sha256sum < "$here/build-images.sh"; echo "$suite $mirror"; } | sha256sum | cut -c1-16)"
  if [ "$(current_hash "$base")" != "$hash" ]; then
    need mmdebstrap mmdebstrap
    work="$(mktemp -d)"
    log "mmdebstrap $suite minbase (the Dockerfiles' base, made locally)"
    mmdebstrap --variant=minbase --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' "$suite" "$work/rootfs.tar" "$mirror"
    docker import --change "LABEL dev.botbottle.recipe-hash=$hash" "$work/rootfs.tar" "$base" >/dev/null
    rm -rf "$work"
  fi
  probe='dpkg-query -W -f="package ${Package} ${Version}\n" | sort; awk -F: "{print \"user \" \$1 \":\" \$3 \":\" \$4 \":\" \$6 \":\" \$7}" /etc/passwd | sort; awk -F: "{print \"group \" \$1 \":\" \$3}" /etc/group | sort; for f in /usr/local/bin/*; do echo "file $f $(sha256sum < "$f" | cut -c1-16) $(stat -c %a "$f")"; done'
  for dir in agent bundle prober; do
    image="botbottle/$dir:reference"
    log "docker build $dir/Dockerfile FROM $base"
    dockerfile_build "$dir" "botbottle/$dir:dockerfile" parity "$base"
    a="$(docker run --rm --network none --user 0 --entrypoint /bin/sh "$image" -c "$probe"; docker image inspect -f 'config {{.Config.User}} {{.Config.WorkingDir}} {{.Config.Entrypoint}} {{.Config.Cmd}}' "$image")"
    b="$(docker run --rm --network none --user 0 --entrypoint /bin/sh "botbottle/$dir:dockerfile" -c "$probe"; docker image inspect -f 'config {{.Config.User}} {{.Config.WorkingDir}} {{.Config.Entrypoint}} {{.Config.Cmd}}' "botbottle/$dir:dockerfile")"
    if [ "$a" = "$b" ]; then
      log "$dir: the Dockerfile and mmdebstrap images agree ($(grep -c '^package' <<<"$a") packages, $(grep -c '^user' <<<"$a") users)"
    else
      log "$dir: the Dockerfile and mmdebstrap images differ (< mmdebstrap, > Dockerfile):"
      diff <(echo "$a") <(echo "$b") >&2 || true
      fails=1
    fi
    docker rmi -f "botbottle/$dir:dockerfile" >/dev/null
  done
  return "$fails"
}

for image in "${images[@]}"; do
  case "$image" in
    agent) build_agent ;;
    bundle) build_harness_image bundle ;;
    prober) build_harness_image prober ;;
    variants) build_variants ;;
    parity) parity ;;
    *) log "unknown image '$image' (agent, bundle, prober, variants, parity)"; exit 2 ;;
  esac
done
# Images replaced by a rebuild are left untagged; drop them.
docker image prune -f --filter "label=dev.botbottle.recipe-hash" >/dev/null
