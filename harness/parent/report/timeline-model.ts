/**
 * The model of a case's wire timeline (./timeline.ts draws it): one trace read into connections
 * grouped by the fixture that saw them, the client's requests and the sockets each was given, and
 * the harness's own marks. A fixture's entries are typed wire events (harness/shared/trace.ts), read
 * by their kind; nothing here parses an event name.
 *
 * A client request is put on a connection of its origin (the `issue` entry names it) by the client's
 * local port (= the port the origin saw) and time; the origin's request records on that connection
 * are matched to it by path, else in order. Partial traces are expected: a trace cut at its cap,
 * connections that never close, requests that never got a socket, and requests through a proxy (the
 * origin sees the proxy's port: the client's socket gets a lane of its own, `CLIENT_ONLY`).
 */
import type { TraceEntry } from '../../shared/trace.ts';

const CLIENT_EVENTS = new Set(['socket', 'response', 'end', 'error', 'close', 'timeout']);
/** The lane of client sockets whose port no origin saw (through a proxy). */
export const CLIENT_ONLY = '\u0000client';

export interface ServerRequest {
  nth: number | null;
  path: string;
  at: number | null;
  respondedAt: number | null;
  matched: boolean;
}

export interface Connection {
  group: string;
  id: string;
  port: number | null;
  open: number | null;
  close: number | null;
  by: string | null;
  how: string | null;
  firstSeen: number;
  lastSeen: number;
  requests: ServerRequest[];
  attempts: Attempt[];
  frees: number[];
}

export interface ClientRequest {
  id: string;
  path: string | null;
  origin: string | null;
  issued: number | null;
  attempts: Attempt[];
  /** Events of the request before it had any socket. */
  early: Attempt;
}

/** One socket a request was given (more than one when the agent retried). */
export interface Attempt {
  req: ClientRequest;
  socket: number | null;
  port: number | null;
  reused: boolean;
  connection: Connection | null;
  server: ServerRequest | null;
  response: number | null;
  status: string | null;
  end: number | null;
  error: { t: number; code: string } | null;
  close: number | null;
  timeouts: number[];
}

export interface HarnessMark {
  t: number;
  event: string;
  detail: string;
  ms: number | null;
}

export interface Model {
  t0: number;
  t1: number;
  groups: Map<string, Connection[]>;
  requests: ClientRequest[];
  harness: HarnessMark[];
  end: number | null;
  entries: number;
}

export function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function str(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

function detailText(detail: Record<string, unknown> | undefined): string {
  if (!detail) return '';
  try {
    return JSON.stringify(detail) ?? '';
  } catch {
    return '';
  }
}

function newAttempt(
  req: ClientRequest,
  socket: number | null,
  port: number | null,
  reused: boolean,
): Attempt {
  return {
    req,
    socket,
    port,
    reused,
    connection: null,
    server: null,
    response: null,
    status: null,
    end: null,
    error: null,
    close: null,
    timeouts: [],
  };
}

function pathname(path: string): string {
  return path.split('?')[0] ?? path;
}

/**
 * A fixture's entry as this schema writes it (a report file is read as it is: a version-1 report's
 * fixture entries, whose `detail` has no `peer`, are left out).
 */
function isWireEvent(detail: unknown): boolean {
  if (detail === null || typeof detail !== 'object') return false;
  const d = detail as Record<string, unknown>;
  return (
    typeof d.kind === 'string' &&
    typeof d.peer === 'string' &&
    (num(d.connection) !== null || typeof d.connection === 'string')
  );
}

/** The model of one trace: its connections by origin, the client's requests, the harness's marks. */
export function readTimeline(trace: readonly TraceEntry[]): Model {
  const entries = (Array.isArray(trace) ? trace : []).filter(
    (e): e is TraceEntry =>
      e !== null &&
      typeof e === 'object' &&
      num(e.t) !== null &&
      typeof e.source === 'string' &&
      typeof e.event === 'string' &&
      (e.source !== 'server' || isWireEvent(e.detail)),
  );
  const connections = new Map<string, Connection>();
  const groups = new Map<string, Connection[]>();
  const requests = new Map<string, ClientRequest>();
  const harness: HarnessMark[] = [];
  const frees: { t: number; port: number }[] = [];
  let end: number | null = null;
  let t0 = Number.POSITIVE_INFINITY;
  let t1 = Number.NEGATIVE_INFINITY;
  /** The harness's set-up (a fault proxy created before anything) does not stretch the axis. */
  let all0 = Number.POSITIVE_INFINITY;

  const connection = (group: string, id: string, t: number): Connection => {
    const key = `${group}\u0000${id}`;
    let c = connections.get(key);
    if (!c) {
      c = {
        group,
        id,
        port: null,
        open: null,
        close: null,
        by: null,
        how: null,
        firstSeen: t,
        lastSeen: t,
        requests: [],
        attempts: [],
        frees: [],
      };
      connections.set(key, c);
      groups.set(group, [...(groups.get(group) ?? []), c]);
    }
    c.lastSeen = Math.max(c.lastSeen, t);
    return c;
  };
  const request = (id: string): ClientRequest => {
    let r = requests.get(id);
    if (!r) {
      const created: ClientRequest = {
        id,
        path: null,
        origin: null,
        issued: null,
        attempts: [],
        early: undefined as unknown as Attempt,
      };
      created.early = newAttempt(created, null, null, false);
      requests.set(id, created);
      r = created;
    }
    return r;
  };
  /** The attempt a client event at `t` belongs to: the last socket given before it. */
  const attemptAt = (r: ClientRequest, t: number): Attempt => {
    let found: Attempt | null = null;
    for (const a of r.attempts) if (a.socket !== null && a.socket <= t) found = a;
    return found ?? r.attempts[0] ?? r.early;
  };

  for (const e of entries) {
    const t = e.t;
    all0 = Math.min(all0, t);
    t1 = Math.max(t1, t);
    if (e.source !== 'harness' || e.event === 'issue') t0 = Math.min(t0, t);
    const d: Record<string, unknown> = e.detail && typeof e.detail === 'object' ? e.detail : {};
    if (e.source === 'server') {
      // typed as the suite writes it, but a report file is read as it is: values are checked still
      const w = e.detail;
      const c = connection(w.peer, String(w.connection), t);
      switch (w.kind) {
        case 'open':
          c.open ??= t;
          c.port ??= num(w.port);
          break;
        case 'close':
          c.close ??= t;
          c.port ??= num(w.port);
          c.by = str(w.by);
          c.how = str(w.how);
          break;
        case 'request':
          c.requests.push({
            nth: num(w.nth),
            path: str(w.path) ?? '',
            at: t,
            respondedAt: null,
            matched: false,
          });
          break;
        case 'response': {
          const q = c.requests.find((r) => r.respondedAt === null && r.nth === w.nth);
          if (q) q.respondedAt = t;
          else
            c.requests.push({
              nth: num(w.nth),
              path: str(w.path) ?? '',
              at: null,
              respondedAt: t,
              matched: false,
            });
          break;
        }
        case 'secure':
        case 'tlsError':
          break;
      }
    } else if (e.source === 'client') {
      if (e.event === 'free') {
        const port = num(d.localPort);
        if (port !== null) frees.push({ t, port });
        continue;
      }
      const id = str(d.req);
      if (id === null || !CLIENT_EVENTS.has(e.event)) {
        if (e.event !== 'call')
          harness.push({ t, event: `client ${e.event}`, detail: detailText(e.detail), ms: null });
        continue;
      }
      const r = request(id);
      switch (e.event) {
        case 'socket': {
          r.attempts.push(newAttempt(r, t, num(d.localPort), d.reusedSocket === true));
          break;
        }
        case 'response': {
          const a = attemptAt(r, t);
          a.response ??= t;
          a.status = str(d.status);
          break;
        }
        case 'end':
          attemptAt(r, t).end ??= t;
          break;
        case 'error':
          attemptAt(r, t).error ??= { t, code: str(d.code) ?? str(d.message) ?? 'error' };
          break;
        case 'close':
          attemptAt(r, t).close ??= t;
          break;
        case 'timeout':
          attemptAt(r, t).timeouts.push(t);
          break;
      }
    } else if (e.source === 'harness') {
      if (e.event === 'issue') {
        const id = str(d.req);
        if (id === null) continue;
        const r = request(id);
        r.issued ??= t;
        r.path = str(d.path);
        r.origin = str(d.origin);
      } else if (e.event === 'end') {
        end = t;
      } else {
        harness.push({ t, event: e.event, detail: detailText(e.detail), ms: num(d.ms) });
      }
    }
  }

  // The connection of the request's origin (when the trace names it) that had this client port at
  // time t: the kernel reuses a port after a close, and at once towards another destination.
  const serverConnections = [...connections.values()];
  const byPort = (port: number, t: number, origin: string | null = null): Connection | null => {
    let best: Connection | null = null;
    let bestGap = Number.POSITIVE_INFINITY;
    for (const c of serverConnections) {
      if (c.port !== port || (origin !== null && c.group !== origin)) continue;
      const open = c.open ?? c.firstSeen;
      const closedBefore = c.close !== null && c.close < t - 1;
      const gap = Math.abs(open - t) + (closedBefore ? 1e9 : 0);
      if (gap < bestGap) {
        best = c;
        bestGap = gap;
      }
    }
    return best;
  };
  const clientOnly = (port: number, t: number): Connection => {
    const c = connection(CLIENT_ONLY, String(port), t);
    c.port = port;
    return c;
  };

  for (const r of requests.values()) {
    for (const a of r.attempts) {
      if (a.port === null || a.socket === null) continue;
      a.connection = byPort(a.port, a.socket, r.origin) ?? clientOnly(a.port, a.socket);
      a.connection.attempts.push(a);
      const last = a.end ?? a.error?.t ?? a.close ?? a.response ?? a.socket;
      a.connection.lastSeen = Math.max(a.connection.lastSeen, last);
    }
  }
  for (const f of frees) {
    const c = byPort(f.port, f.t);
    if (c) c.frees.push(f.t);
  }
  // Match the origin's records to the client's requests on each connection: by path, else in order.
  for (const c of connections.values()) {
    const attempts = [...c.attempts].sort((a, b) => (a.socket ?? 0) - (b.socket ?? 0));
    for (const a of attempts) {
      const free = c.requests.filter((q) => !q.matched);
      const want = a.req.path;
      const q =
        (want !== null &&
          (free.find((s) => s.path === want) ?? free.find((s) => pathname(s.path) === pathname(want)))) ||
        free[0];
      if (q) {
        q.matched = true;
        a.server = q;
      }
    }
  }

  if (!Number.isFinite(t0)) t0 = all0;
  if (!Number.isFinite(t0)) {
    t0 = 0;
    t1 = 1;
  }
  return { t0, t1, groups, requests: [...requests.values()], harness, end, entries: entries.length };
}
