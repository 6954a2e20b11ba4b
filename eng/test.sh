#!/usr/bin/env bash
# The test command: makes a docker engine reachable, builds the reference images (cached by recipe
# hash), runs every test of the solution and prints 'N passed, N failed, N skipped' with the reason
# of every skip. Extra arguments go to `dotnet test` (e.g. --filter Category=Isolation).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
eng/engine/ensure-docker.sh
eng/images/build-images.sh
results="$root/artifacts/test-results"
rm -rf "$results"
status=0
dotnet test BotBottle.Testing.sln -c Release --logger "trx;LogFilePrefix=results" --logger "console;verbosity=normal" \
  --results-directory "$results" "$@" || status=$?
shopt -s nullglob
trx=("$results"/*.trx)
if [ ${#trx[@]} -eq 0 ]; then
  echo "tests: no results were written (dotnet test exited $status)" >&2
  exit 1
fi
python3 eng/ci/summarize-trx.py "${trx[@]}" || status=1
exit "$status"
