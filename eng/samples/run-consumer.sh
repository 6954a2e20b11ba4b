#!/usr/bin/env bash
# Packs the solution into artifacts/packages and runs the consumer sample from those packages, as a user
# would: `dotnet test` (xunit fixtures) and `dotnet build -t:BottleProbes` (MSBuild targets).
# (The test suite does the same in a temporary copy: tests/BotBottle.Testing.Tests/MSBuild/ConsumerSampleTests.cs.)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
version="${BOTBOTTLE_SAMPLE_VERSION:-0.1.0-local}"
eng/engine/ensure-docker.sh
eng/images/build-images.sh
rm -rf artifacts/packages
dotnet pack BotBottle.Testing.sln -c Release -o artifacts/packages -p:Version="$version"
# The same local version is packed again and again: drop it from the package cache so restore takes this one.
cache="$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')"
for id in botbottle.testing botbottle.testing.xunit botbottle.testing.xunit2 botbottle.testing.msbuild; do
  rm -rf "${cache:?}/$id/$version"
done
cd samples/BottleConsumer
dotnet test -p:BotBottleVersion="$version"
dotnet build -t:BottleProbes -p:BotBottleVersion="$version"
