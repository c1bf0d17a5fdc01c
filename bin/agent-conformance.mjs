#!/usr/bin/env node
// Loads the TypeScript sources through tsx (Node refuses to strip types inside node_modules), then
// runs the CLI. Every expected failure is one line on stderr and exit code 2, never a stack dump.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 22)) {
  process.stderr.write(
    `agent-conformance: needs Node.js ≥ 22.22 to run (this is ${process.versions.node})\n`,
  );
  process.exit(2);
}

const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../harness/parent/cli.ts');
const { exitCodeOf } = await import('../harness/parent/errors.ts');
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  // One line and exit 2 for a usage or setup error; anything else is an internal error (with stack).
  const { code, line } = exitCodeOf(err);
  process.stderr.write(`agent-conformance: ${line}\n`);
  process.exitCode = code;
}
