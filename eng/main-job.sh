#!/usr/bin/env bash
# The main job: makes a docker engine reachable, builds the reference images (cached by recipe hash),
# launches a reference bottle on the docker backend, runs the checks inside it and prints outcomes.
#   eng/main-job.sh [options]            botbottle conformance [options]
#   eng/main-job.sh COMMAND [options]    any botbottle command (probes, prerequisites, images, --help)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
eng/engine/ensure-docker.sh
eng/images/build-images.sh
case "${1:-}" in
  conformance|probes|prerequisites|images|-h|--help|-\?|--version) ;;
  *) set -- conformance "$@" ;;
esac
dotnet run --project src/BotBottle.Testing.Cli -c Release -- "$@"
