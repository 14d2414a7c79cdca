#!/usr/bin/env bash
# Try ambraconf with no Ambra account: start the local sandbox (an emulator of the Ambra
# v3 API) seeded with the gateways the Northshore example pushes to, then validate, plan,
# apply, and plan again (which now shows no changes). The sandbox stops when this ends.
set -euo pipefail
cd "$(dirname "$0")/.."

port="${AMBRACONF_SANDBOX_PORT:-8765}"
log="$(mktemp)"
ambraconf sandbox --port "$port" --seed examples/sandbox/northshore.seed.yaml >"$log" 2>&1 &
sandbox=$!
trap 'kill "$sandbox" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 50); do
  grep -q "listening on" "$log" && break
  kill -0 "$sandbox" 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.1
done

export AMBRA_URL="http://127.0.0.1:$port/api/v3"
export AMBRA_LOGIN=admin@sandbox.local AMBRA_PASSWORD=sandbox
export NORTHSHORE_REPORTING_TOKEN=demo-token   # the example's webhook secret

# each command is echoed quoted as a shell would need it, so it can be pasted
step() { printf '\n\033[1m$'; printf ' %q' "$@"; printf '\033[0m\n'; "$@"; }
step ambraconf validate examples/northshore
step ambraconf plan examples/northshore
step ambraconf apply examples/northshore --auto-approve
step ambraconf plan examples/northshore --detailed-exitcode
