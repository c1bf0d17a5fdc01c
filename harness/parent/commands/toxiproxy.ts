/**
 * agent-conformance toxiproxy [--port 8474] [--host 127.0.0.1] [--config proxies.json]
 *
 * Runs the embedded Toxiproxy 2.12-compatible server (fixtures/toxiproxy) in the foreground until
 * SIGINT or SIGTERM, for other tools, or for `agent-conformance <subject> --toxiproxy-url`. It prints
 * one ready line, `toxiproxy (embedded, API 2.12.0) listening on http://127.0.0.1:<port>`. Loopback
 * only. A bad flag is a usage error (exit 2, one line); a port in use is one line too, exit 2.
 */
import { runStandalone, ToxiproxyArgsError } from '../../../fixtures/toxiproxy/main.ts';
import { SetupError, UsageError } from '../errors.ts';
import type { Io } from '../pipeline.ts';

export const TOXIPROXY_USAGE = `usage: agent-conformance toxiproxy [--port 8474] [--host 127.0.0.1] [--config proxies.json]

  --port <n>             API port (default 8474; 0 picks a free one)
  --host <addr>          127.0.0.1 or localhost: the server listens on loopback only
  --config <file>        proxies to create at start (Toxiproxy's /populate format)
  -h, --help             this text`;

export async function toxiproxyCommand(argv: string[], io: Io): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    io.out.write(`${TOXIPROXY_USAGE}\n`);
    return 0;
  }
  let handle: Awaited<ReturnType<typeof runStandalone>>;
  try {
    handle = await runStandalone(argv, (line) => io.out.write(`${line}\n`));
  } catch (err) {
    if (err instanceof ToxiproxyArgsError) throw new UsageError(`toxiproxy: ${err.message}`);
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE')
      throw new SetupError(`toxiproxy: the port is in use (${e.message})`, 'ERR_LISTEN');
    throw new SetupError(`toxiproxy: ${e.message}`);
  }
  await handle.stopped;
  return 0;
}
