#!/usr/bin/env bash
# The main job: makes a docker engine reachable, builds the reference images (cached by recipe hash),
# launches a reference bottle on the docker backend, runs the checks inside it and prints outcomes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
eng/engine/ensure-docker.sh
eng/images/build-images.sh
dotnet run --project src/BotBottle.Testing.Cli -c Release -- "$@"
