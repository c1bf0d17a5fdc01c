// `agent-conformance toxiproxy` inside the container: the same flags (--port, --host 127.0.0.1,
// --config) and the same ready line, without the rest of the CLI. The fixture's code is the
// package's built JavaScript (main.js) or, from a clone, the .ts sources, whose types Node strips
// itself (they are not under node_modules). Stops on SIGINT or SIGTERM.
import { existsSync } from 'node:fs';

const built = new URL('./toxiproxy/main.js', import.meta.url);
const { runStandalone } = await import(existsSync(built) ? built.href : './toxiproxy/main.ts');
try {
  const handle = await runStandalone(process.argv.slice(2));
  await handle.stopped;
} catch (err) {
  process.stderr.write(`toxiproxy: ${String(err?.message ?? err).split('\n')[0]}\n`);
  process.exitCode = 2;
}
