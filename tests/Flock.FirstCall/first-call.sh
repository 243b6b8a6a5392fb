#!/usr/bin/env bash
# Process start to first streamed token, five clients, one fresh process per measurement (see README.md).
# Builds Release, then starts the built program directly (never through `dotnet run`). Arguments go to the driver:
#   first-call.sh                       7 interleaved runs of the five clients
#   first-call.sh --runs 15             more runs
#   first-call.sh --clients raw,flock-meai,flock-meai@DIR   a client from another build (DIR holds its Flock.FirstCall)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build "$here/Flock.FirstCall.csproj" -c Release -warnaserror --nologo -v quiet >/dev/null
# Started from the caller's directory, so a relative DIR in NAME@DIR means what it says.
exec "$here/bin/Release/net10.0/Flock.FirstCall" "$@"
