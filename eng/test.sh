#!/usr/bin/env bash
# The test command: makes a docker engine reachable, builds the reference images (cached by recipe hash),
# starts the docker-in-docker test engines where it can (a second engine generation, and an engine with
# CVE-2024-29018's condition; eng/engine/test-engines.sh), runs every test of the solution, then the docker
# tests again on the second engine, and prints 'N passed, N failed, N skipped' per pass with the reason of every
# skip. Extra arguments go to `dotnet test` (e.g. --filter Category=Isolation). BOTBOTTLE_TEST_ENGINES=off
# skips the test engines.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
eng/engine/ensure-docker.sh
eng/images/build-images.sh
if [ "${BOTBOTTLE_TEST_ENGINES:-on}" != off ]; then
  eval "$(eng/engine/test-engines.sh start)"
  trap 'eng/engine/test-engines.sh stop' EXIT
fi
results="$root/artifacts/test-results"
rm -rf "$results"
dotnet build BotBottle.Testing.sln -c Release -v quiet -nologo

run_pass() { # name, extra dotnet test arguments...
  local name="$1" status=0; shift
  dotnet test BotBottle.Testing.sln -c Release --no-build --logger "trx;LogFilePrefix=$name" --logger "console;verbosity=normal" \
    --results-directory "$results/$name" "$@" || status=$?
  shopt -s nullglob
  local trx=("$results/$name"/*.trx)
  if [ ${#trx[@]} -eq 0 ]; then
    echo "tests ($name): no results were written (dotnet test exited $status)" >&2
    return 1
  fi
  echo "== $name"
  python3 eng/ci/summarize-trx.py "${trx[@]}" || return 1
  return "$status"
}

status=0
run_pass all "$@" || status=1
if [ -n "${BOTBOTTLE_SECOND_ENGINE:-}" ] && [ $# -eq 0 ]; then
  # The docker tests again, on the other engine generation (DOCKER_HOST is what every discovery honours first).
  # Not the smolmachines ones: the emulated guest and the proxy bridge need an engine that publishes on this
  # host's loopback and sees its paths, which a docker-in-docker engine does not.
  DOCKER_HOST="$BOTBOTTLE_SECOND_ENGINE" run_pass second-engine \
    --filter "(Category=Docker|Category=Isolation|BottleBackend=docker)&FullyQualifiedName!~ImageRecipeParity&FullyQualifiedName!~TwoEngineParity&FullyQualifiedName!~Smolmachines" || status=1
fi
exit "$status"
