#!/usr/bin/env bash
# Brings PublicAPI.Unshipped.txt of each shipped project in line with its code: adds the public API the analyzer
# reports as undeclared (RS0016) and drops declared lines whose symbol is gone (RS0017). Review the diff, then commit it
# with the change that made it. Needs python3. Usage: eng/update-public-api.sh [project.csproj ...]
set -euo pipefail
cd "$(dirname "$0")/.."

projects=("$@")
if [ ${#projects[@]} -eq 0 ]; then
  projects=(src/Flock.Extensions.AI/Flock.Extensions.AI.csproj src/Flock.SemanticKernel/Flock.SemanticKernel.csproj src/Flock.Emulator/Flock.Emulator.csproj src/Flock.HealthChecks/Flock.HealthChecks.csproj src/Flock.Emulator.Xunit/Flock.Emulator.Xunit.csproj src/Flock.Emulator.Tool/Flock.Emulator.Tool.csproj src/Flock.Aspire/Flock.Aspire.csproj src/Flock.Aspire.SemanticKernel/Flock.Aspire.SemanticKernel.csproj src/Flock.Aspire.Hosting/Flock.Aspire.Hosting.csproj)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for project in "${projects[@]}"; do
  dir=$(dirname "$project")
  for file in PublicAPI.Shipped.txt PublicAPI.Unshipped.txt; do
    [ -f "$dir/$file" ] || printf '#nullable enable\n' > "$dir/$file"
  done

  frameworks=$(dotnet msbuild "$project" -getProperty:TargetFrameworks)
  [ -n "$frameworks" ] || frameworks=$(dotnet msbuild "$project" -getProperty:TargetFramework)
  logs=()
  for tfm in ${frameworks//;/ }; do
    log="$work/$(basename "$project" .csproj).$tfm.sarif"
    # The build fails while API is undeclared; the analyzer's SARIF log still names every symbol exactly.
    dotnet build "$project" -f "$tfm" --no-incremental -p:ErrorLog="$log%2Cversion=2.1" >/dev/null 2>&1 || true
    [ -f "$log" ] || { echo "no analyzer log for $project ($tfm): does it build apart from RS0016/RS0017?" >&2; exit 1; }
    logs+=("$log")
  done

  python3 - "$dir/PublicAPI.Unshipped.txt" "${logs[@]}" <<'PY'
import json, re, sys

unshipped, logs = sys.argv[1], sys.argv[2:]
added, removed = set(), set()
for path in logs:
    for run in json.load(open(path, encoding="utf-8-sig"))["runs"]:
        for result in run.get("results", []):
            if result.get("ruleId") == "RS0016":
                name = result.get("properties", {}).get("customProperties", {}).get("APIName")
                if name:
                    added.add(name)
            elif result.get("ruleId") == "RS0017":
                match = re.match(r"Symbol '(.*)' is part of the declared API", result["message"]["text"], re.S)
                if match:
                    removed.add(match.group(1))

lines = [l.rstrip("\n") for l in open(unshipped, encoding="utf-8")]
header = [l for l in lines if l.startswith("#")] or ["#nullable enable"]
body = {l for l in lines if l and not l.startswith("#")}
body = (body - removed) | added
with open(unshipped, "w", encoding="utf-8", newline="\n") as f:
    f.write("\n".join(header + sorted(body, key=lambda s: (s.lstrip("~").replace("static ", "").replace("override ", "").replace("abstract ", "").replace("virtual ", "").replace("const ", ""), s))) + "\n")
print(f"{unshipped}: {len(added)} added, {len(removed & set(lines))} removed")
PY
done
