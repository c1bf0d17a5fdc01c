#!/usr/bin/env node
// Runs the CLI: the package's built JavaScript (dist/), or in a clone the TypeScript sources through
// tsx. Every expected failure is one line on stderr and exit code 2, never a stack dump.
import { existsSync } from 'node:fs';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 22)) {
  process.stderr.write(
    `agent-conformance: needs Node.js ≥ 22.22 to run (this is ${process.versions.node})\n`,
  );
  process.exit(2);
}

// A clone has the sources (the package ships only dist/): run them, so that no build is needed.
const sources = existsSync(new URL('../harness/parent/cli.ts', import.meta.url));
if (sources) {
  const { register } = await import('tsx/esm/api');
  register();
}
const code = sources ? '../harness/parent' : '../dist/harness/parent';
const { main } = await import(`${code}/cli.${sources ? 'ts' : 'js'}`);
const { exitCodeOf } = await import(`${code}/exit-codes.${sources ? 'ts' : 'js'}`);
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  // One line and exit 2 for a usage or setup error; anything else is an internal error (with stack).
  const { code, line } = exitCodeOf(err);
  process.stderr.write(`agent-conformance: ${line}\n`);
  process.exitCode = code;
}
