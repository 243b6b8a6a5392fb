#!/usr/bin/env bash
# Process start to first streamed token, five clients, one fresh process per measurement (see README.md).
# Builds Release, then starts the built program directly (never through `dotnet run`). Arguments go to the driver:
#   first-call.sh                       7 interleaved runs of the five clients
#   first-call.sh --runs 15             more runs
#   first-call.sh --clients raw,flock-meai,flock-meai@DIR   a client from another build (DIR holds its Flock.FirstCall)
#   first-call.sh --packages --clients raw,flock-sk,flock-sk@artifacts/first-call/packaged,sk-openai
#                                       first packs the library as it ships (its ReadyToRun images included) and builds
#                                       the program against those packages into artifacts/first-call/packaged
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build "$here/Flock.FirstCall.csproj" -c Release -warnaserror --nologo -v quiet >/dev/null
if [ "${1:-}" = "--packages" ]; then
  shift
  root="$(cd "$here/../.." && pwd)"
  out="$root/artifacts/first-call"
  rm -rf "$out"
  for project in Flock.Extensions.AI Flock.SemanticKernel; do
    dotnet pack "$root/src/$project/$project.csproj" -c Release -p:FlockReadyToRun=true -o "$out/feed" --nologo -v quiet >/dev/null
  done
  version=$(dotnet msbuild "$root/src/Flock.SemanticKernel/Flock.SemanticKernel.csproj" -getProperty:Version)
  # Restored into a private folder, so the packages just packed are used, never an older copy of the same version.
  dotnet build "$here/Flock.FirstCall.csproj" -c Release -warnaserror --nologo -v quiet \
    -p:FlockFirstCallPackageVersion="$version" -p:RestoreAdditionalProjectSources="$out/feed" \
    -p:RestorePackagesPath="$out/nuget" -p:BaseIntermediateOutputPath="$out/obj/" -o "$out/packaged" >/dev/null
fi
# Started from the caller's directory, so a relative DIR in NAME@DIR means what it says.
exec "$here/bin/Release/net10.0/Flock.FirstCall" "$@"
