/** `--toxiproxy-url`: which external Toxiproxy the fault cases may use. */
import { UsageError } from './errors.ts';

/**
 * Checks a `--toxiproxy-url` value and returns it as the client wants it (`http://host:port`).
 * Loopback only: the proxies it creates listen on 127.0.0.1 and dial our origins there.
 */
export function checkToxiproxyUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--toxiproxy-url: not a URL: ${raw}`);
  }
  if (url.protocol !== 'http:')
    throw new UsageError(`--toxiproxy-url: only http:// is supported (got ${raw})`);
  const host = url.hostname;
  if (host !== 'localhost' && host !== '[::1]' && !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host))
    throw new UsageError(
      `--toxiproxy-url: the Toxiproxy must be on loopback (127.0.0.1, localhost), got ${host}`,
    );
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/')
    throw new UsageError(`--toxiproxy-url: give only http://host:port (got ${raw})`);
  return `http://${url.host}`;
}
