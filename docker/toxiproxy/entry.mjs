// `agent-conformance toxiproxy` inside the container: the same flags (--port, --host 127.0.0.1,
// --config) and the same ready line, without the rest of the CLI. Node strips the types of the
// .ts sources itself (they are not under node_modules). Stops on SIGINT or SIGTERM.
import { runStandalone } from './toxiproxy/main.ts';

try {
  const handle = await runStandalone(process.argv.slice(2));
  await handle.stopped;
} catch (err) {
  process.stderr.write(`toxiproxy: ${String(err?.message ?? err).split('\n')[0]}\n`);
  process.exitCode = 2;
}
