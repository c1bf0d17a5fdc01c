/**
 * A case's wire timeline: one trace (TraceEntry[]) as one inline SVG, no script. From top to bottom:
 * the open-connection count per origin with the case's cap as a line (`limit`), the harness's own
 * events, then one lane per connection, grouped by origin label, and the time axis and a legend.
 *
 * A lane spans the connection's open to its close; the close mark says who closed it (client or
 * server, by colour) and how (FIN: a bar, RST: a cross). On the lane, one bar per request the
 * connection carried: sent → first byte (light), first byte → end (dark), ticks where the origin
 * received the request and finished its response, a dashed line for the time the request waited in
 * the agent's queue (from the harness's `issue` entry to its `socket` event; absent without it).
 * A client request is put on a connection of its origin (the `issue` entry names it) by the client's
 * local port (= the port the origin saw) and time;
 * the origin's request records on that connection are matched to it by path, else in order.
 *
 * Partial traces are expected: a trace cut at its cap, connections that never close, requests that
 * never got a socket, and requests through a proxy (the origin sees the proxy's port: the client's
 * socket gets a lane of its own, and the origin's requests are drawn from its side only).
 *
 * Every string from the trace is escaped (and stripped of what XML forbids) and shortened; every
 * number is checked to be finite. The SVG is legible both inside the HTML report (text uses
 * `currentColor`) and as a standalone file (`background`).
 */
import escapeHtml from 'escape-html';
import type { TraceEntry } from './types.ts';

/** The case's cap on open connections, e.g. `{ label: 'maxSockets', value: 2 }`. */
export interface TimelineLimit {
  label: string;
  value: number;
}

export interface TimelineOptions {
  /** Drawn over the open-connection count. `maxTotalSockets` is compared with all origins together. */
  limit?: TimelineLimit;
  /** Names the picture (its `<title>` and the heading line), e.g. the case id. */
  title?: string;
  /** Width in user units (default 1000); the height follows the content. */
  width?: number;
  /** A background fill (for a standalone file); transparent by default. */
  background?: string;
}

/** The context keeps at most this many entries per case (harness/context.ts). */
export const TRACE_CAP = 500;

const COLOR = {
  queue: '#bf8700',
  sent: '#54aeff',
  received: '#0969da',
  server: '#8c959f',
  error: '#cf222e',
  client: '#8250df',
  serverClose: '#bc4c00',
  free: '#1a7f37',
  limit: '#cf222e',
  timeout: '#bf8700',
};
const SERIES = ['#0969da', '#8250df', '#1a7f37', '#bc4c00', '#57606a', '#bf3989'];
const FONT = 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';
const CHAR_W = 6.7;
const ROW = 18;
const BAR = 9;
const LEFT = 176;
const RIGHT = 24;
const CHART_H = 54;
const CLIENT_EVENTS = new Set(['socket', 'response', 'end', 'error', 'close', 'timeout']);
/** The lane of client sockets whose port no origin saw (through a proxy). */
const CLIENT_ONLY = '\u0000client';

// ---------------------------------------------------------------------------------------------
// Reading the trace

interface ServerRequest {
  nth: number | null;
  path: string;
  at: number | null;
  respondedAt: number | null;
  matched: boolean;
}

interface Connection {
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

interface ClientRequest {
  id: string;
  path: string | null;
  origin: string | null;
  issued: number | null;
  attempts: Attempt[];
  /** Events of the request before it had any socket. */
  early: Attempt;
}

/** One socket a request was given (more than one when the agent retried). */
interface Attempt {
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

interface HarnessMark {
  t: number;
  event: string;
  detail: string;
  ms: number | null;
}

interface Model {
  t0: number;
  t1: number;
  groups: Map<string, Connection[]>;
  requests: ClientRequest[];
  harness: HarnessMark[];
  end: number | null;
  entries: number;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function str(v: unknown): string | null {
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

function readTrace(trace: readonly TraceEntry[]): Model {
  const entries = (Array.isArray(trace) ? trace : []).filter(
    (e): e is TraceEntry =>
      e !== null &&
      typeof e === 'object' &&
      num(e.t) !== null &&
      typeof e.source === 'string' &&
      typeof e.event === 'string',
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
      const colon = e.event.lastIndexOf(':');
      if (colon < 0) continue;
      const label = e.event.slice(0, colon);
      const kind = e.event.slice(colon + 1);
      const c = connection(label, str(d.connection) ?? '?', t);
      if (kind === 'open') {
        c.open ??= t;
        c.port ??= num(d.port);
      } else if (kind === 'close') {
        c.close ??= t;
        c.port ??= num(d.port);
        c.by = str(d.by);
        c.how = str(d.how);
      } else if (kind === 'request') {
        c.requests.push({
          nth: num(d.nth),
          path: str(d.path) ?? '',
          at: t,
          respondedAt: null,
          matched: false,
        });
      } else if (kind === 'response') {
        const nth = num(d.nth);
        const path = str(d.path) ?? '';
        const q = c.requests.find(
          (r) => r.respondedAt === null && (nth !== null ? r.nth === nth : r.path === path),
        );
        if (q) q.respondedAt = t;
        else c.requests.push({ nth, path, at: null, respondedAt: t, matched: false });
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
    } else {
      harness.push({ t, event: `${e.source}:${e.event}`, detail: detailText(e.detail), ms: null });
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

// ---------------------------------------------------------------------------------------------
// Drawing

/** XML-safe text: what XML 1.0 forbids (control characters, lone surrogates) becomes U+FFFD. */
function x(text: string): string {
  return escapeHtml(text.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD'));
}

function short(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

function f(n: number): string {
  return String(Math.round(n * 10) / 10);
}

function ms(t: number | null): string {
  return t === null ? '?' : `${f(t)} ms`;
}

/** A step of 1, 2 or 5 × 10^k giving about `count` ticks over `span`. */
function niceStep(span: number, count: number): number {
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const n = raw / mag;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
}

interface Item {
  x0: number;
  x1: number;
  draw: (y: number) => string;
}

/** Greedy interval packing: items that overlap (label included) go on separate rows. */
function pack(items: Item[]): Item[][] {
  const rows: { end: number; items: Item[] }[] = [];
  for (const item of [...items].sort((a, b) => a.x0 - b.x0)) {
    const row = rows.find((r) => r.end + 4 <= item.x0);
    if (row) {
      row.items.push(item);
      row.end = item.x1;
    } else rows.push({ end: item.x1, items: [item] });
  }
  return rows.map((r) => r.items);
}

/**
 * Where a bar's label goes: inside the bar when it fits (dark text with a light halo, readable on
 * both bar colours), else after it, else before it, else inside anyway. Returns the span it takes
 * (for packing) and the text at a row's centre line.
 */
function placeLabel(
  barX0: number,
  barX1: number,
  label: string,
  bounds: { left: number; right: number },
): { x0: number; x1: number; at: (cy: number) => string } {
  const w = [...label].length * CHAR_W + 6;
  if (barX1 - barX0 >= w + 6)
    return { x0: barX0, x1: barX1, at: (cy) => text(barX0 + 4, cy + 4, label, HALO) };
  if (barX1 + w <= bounds.right)
    return { x0: barX0, x1: barX1 + w, at: (cy) => text(barX1 + 5, cy + 4, label) };
  if (barX0 - w >= bounds.left)
    return { x0: barX0 - w, x1: barX1, at: (cy) => text(barX0 - 5, cy + 4, label, 'text-anchor="end"') };
  return { x0: barX0, x1: Math.max(barX1, barX0 + w), at: (cy) => text(barX0 + 4, cy + 4, label, HALO) };
}

const HALO =
  'fill="#1f2328" stroke="#ffffff" stroke-opacity=".85" stroke-width="3" stroke-linejoin="round" paint-order="stroke"';

function text(xPos: number, y: number, content: string, attrs = ''): string {
  return `<text x="${f(xPos)}" y="${f(y)}"${attrs ? ` ${attrs}` : ''}>${x(content)}</text>`;
}

function tip(content: string): string {
  return `<title>${x(short(content, 400))}</title>`;
}

function cross(cx: number, cy: number, r: number, color: string, width = 2): string {
  return `<path d="M${f(cx - r)} ${f(cy - r)}L${f(cx + r)} ${f(cy + r)}M${f(cx - r)} ${f(cy + r)}L${f(cx + r)} ${f(cy - r)}" stroke="${color}" stroke-width="${width}"/>`;
}

function closeGlyph(cx: number, cy: number, by: string | null, how: string | null): string {
  const color = by === 'client' ? COLOR.client : by === 'server' ? COLOR.serverClose : COLOR.server;
  if (how === 'reset') return cross(cx, cy, 5, color, 2.5);
  return `<rect x="${f(cx - 1.5)}" y="${f(cy - 7)}" width="3" height="14" fill="${color}"/>`;
}

function closeText(by: string | null, how: string | null): string {
  const who = by === 'client' || by === 'server' ? by : 'closed';
  const kind = how === 'reset' ? 'RST' : how === 'fin' ? 'FIN' : '';
  return kind ? `${who} ${kind}` : who;
}

/** The open-connection count per origin over time, as [t, count] steps. */
function counts(connections: readonly Connection[], t1: number): [number, number][] {
  const deltas: [number, number][] = [];
  for (const c of connections) {
    deltas.push([c.open ?? c.firstSeen, 1]);
    deltas.push([c.close ?? t1, -1]);
  }
  deltas.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const steps: [number, number][] = [];
  let n = 0;
  for (const [t, d] of deltas) {
    n += d;
    const last = steps.at(-1);
    if (last && last[0] === t) last[1] = n;
    else steps.push([t, n]);
  }
  return steps;
}

export function renderTimeline(trace: readonly TraceEntry[], options: TimelineOptions = {}): string {
  const m = readTrace(trace);
  const W = Math.max(480, Math.round(num(options.width) ?? 1000));
  const plotL = LEFT;
  const plotR = W - RIGHT;
  const step = niceStep(Math.max(m.t1 - m.t0, 1), 8);
  const d0 = Math.floor(m.t0 / step) * step;
  const d1 = Math.max(Math.ceil(m.t1 / step) * step, d0 + step);
  const X = (t: number) => plotL + ((t - d0) / (d1 - d0)) * (plotR - plotL);
  const out: string[] = [];
  const grid: string[] = [];
  let y = 0;

  const serverGroups = [...m.groups].filter(([g]) => g !== CLIENT_ONLY);
  const allServer = serverGroups.flatMap(([, cs]) => cs);
  const attempts = m.requests.flatMap((r) => r.attempts);
  const unplaced = m.requests.filter((r) => r.attempts.every((a) => a.connection === null));

  // Heading.
  y += 16;
  const truncated = m.entries >= TRACE_CAP;
  const summary = `${allServer.length} connection(s) at the origin, ${m.requests.length} request(s) from the client, ${f(m.t0)}–${f(m.t1)} ms`;
  const heading = options.title ? `${short(options.title, 60)} · ${summary}` : `wire timeline · ${summary}`;
  out.push(text(4, y, heading, 'font-weight="600"'));
  if (truncated) {
    y += 15;
    out.push(
      text(
        4,
        y,
        `the trace has ${m.entries} entries, the cap: later events are missing, lanes may end early`,
        `fill="${COLOR.error}"`,
      ),
    );
  }
  y += 10;
  const plotTop = y;

  // The open-connection count per origin, and the limit.
  const limit =
    options.limit && typeof options.limit.label === 'string' && num(options.limit.value) !== null
      ? options.limit
      : null;
  if (allServer.length > 0) {
    const series: { name: string; steps: [number, number][]; color: string }[] = serverGroups.map(
      ([g, cs], i) => ({ name: `origin ${g}`, steps: counts(cs, m.t1), color: SERIES[i % SERIES.length]! }),
    );
    if (serverGroups.length > 1)
      series.push({ name: 'all', steps: counts(allServer, m.t1), color: '#57606a' });
    const peak = Math.max(1, ...series.flatMap((s) => s.steps.map(([, n]) => n)), limit?.value ?? 0);
    const top = y + 6;
    const Y = (n: number) => top + CHART_H - (n / peak) * CHART_H;
    out.push(text(4, top + 10, 'open connections'));
    out.push(`<g fill="currentColor" opacity=".75">${text(plotL - 6, Y(0) + 4, '0', 'text-anchor="end"')}`);
    out.push(`${text(plotL - 6, Y(peak) + 4, f(peak), 'text-anchor="end"')}`);
    if (limit && limit.value > 0 && limit.value < peak)
      out.push(text(plotL - 6, Y(limit.value) + 4, f(limit.value), 'text-anchor="end"'));
    out.push('</g>');
    out.push(
      `<line x1="${f(plotL)}" y1="${f(Y(0))}" x2="${f(plotR)}" y2="${f(Y(0))}" stroke="currentColor" stroke-opacity=".35"/>`,
    );
    const compareAll = limit !== null && /total/i.test(limit.label);
    const checked = compareAll
      ? series.length > 1
        ? [series.at(-1)!]
        : series
      : series.slice(0, serverGroups.length);
    if (limit) {
      // Red where a count is over the cap.
      for (const s of checked) {
        s.steps.forEach(([t, n], i) => {
          if (n <= limit.value) return;
          const next = s.steps[i + 1]?.[0] ?? m.t1;
          out.push(
            `<rect class="over-limit" x="${f(X(t))}" y="${f(Y(n))}" width="${f(Math.max(1, X(next) - X(t)))}" height="${f(Y(limit.value) - Y(n))}" fill="${COLOR.limit}" fill-opacity=".18">${tip(`${s.name}: ${n} open at ${ms(t)}, over ${limit.label} ${limit.value}`)}</rect>`,
          );
        });
      }
    }
    for (const s of series) {
      let d = `M${f(plotL)} ${f(Y(0))}`;
      for (const [t, n] of s.steps) d += `H${f(X(t))}V${f(Y(n))}`;
      d += `H${f(plotR)}`;
      const peakOf = Math.max(0, ...s.steps.map(([, n]) => n));
      out.push(
        `<path class="count" d="${d}" fill="none" stroke="${s.color}" stroke-width="2">${tip(`${s.name}: peak ${peakOf} open connection(s)`)}</path>`,
      );
    }
    if (limit) {
      out.push(
        `<g class="limit"><line x1="${f(plotL)}" y1="${f(Y(limit.value))}" x2="${f(plotR)}" y2="${f(Y(limit.value))}" stroke="${COLOR.limit}" stroke-width="1.5" stroke-dasharray="6 4"/>` +
          `${text(plotL + 4, Y(limit.value) - 4, `${short(limit.label, 40)} ${f(limit.value)}`, `fill="${COLOR.limit}"`)}</g>`,
      );
    }
    // Series names, under the chart's label.
    series.forEach((s, i) => {
      out.push(`${text(4, top + 26 + i * 13, short(s.name, 24), `fill="${s.color}"`)}`);
    });
    y = top + Math.max(CHART_H, 26 + series.length * 13 - 10) + 8;
  } else if (limit) {
    y += 14;
    out.push(text(4, y, `${short(limit.label, 40)} ${f(limit.value)}: no connection reached an origin`));
    y += 6;
  }

  // The harness's own events (fault proxy, observations, subject exits) and unknown client events.
  if (m.harness.length > 0) {
    y += 6;
    const mark = (h: HarnessMark, label: string): Item => {
      const cx = X(Math.max(h.t, d0));
      const w = label ? label.length * CHAR_W + 10 : 0;
      return {
        x0: cx - 5,
        x1: cx + 5 + w,
        draw: (ry) => {
          const mid = ry + ROW / 2;
          const span =
            h.ms !== null && h.event === 'observe'
              ? `<rect x="${f(cx)}" y="${f(mid - 3)}" width="${f(Math.max(1, X(Math.max(h.t + h.ms, d0)) - cx))}" height="6" fill="currentColor" fill-opacity=".15"/>`
              : '';
          const before = h.t < d0 ? ' (before the first wire event)' : '';
          return `<g class="harness-event">${tip(`${h.event} at ${ms(h.t)}${before} ${h.detail}`)}${span}<path d="M${f(cx)} ${f(mid - 5)}L${f(cx + 5)} ${f(mid)}L${f(cx)} ${f(mid + 5)}L${f(cx - 5)} ${f(mid)}Z" fill="currentColor" fill-opacity=".6"/>${label ? text(cx + 8, mid + 4, label, 'fill-opacity=".8"') : ''}</g>`;
        },
      };
    };
    let rows = pack(
      m.harness.map((h) => mark(h, short(h.ms !== null ? `${h.event} ${f(h.ms)} ms` : h.event, 24))),
    );
    if (rows.length > 3) rows = [m.harness.map((h) => mark(h, ''))];
    out.push(text(4, y + ROW / 2 + 4, 'harness'));
    rows.forEach((row, i) => {
      for (const item of row) out.push(item.draw(y + i * ROW));
    });
    y += rows.length * ROW + 2;
  }

  // Lanes.
  const bounds = { left: plotL, right: W - 2 };
  const attemptItem = (a: Attempt, lane: Connection | null): Item => {
    const r = a.req;
    const first = r.attempts[0] === a || r.attempts.length === 0;
    const start = first && r.issued !== null ? r.issued : (a.socket ?? a.server?.at ?? r.issued ?? m.t0);
    const settled = a.end ?? a.error?.t ?? a.close;
    const stop = settled ?? m.t1;
    const retry = first ? '' : ' (retry)';
    const path = r.path ?? a.server?.path ?? '';
    const name = `${short(r.id.slice(r.id.lastIndexOf('.') + 1), 10)}${retry} ${short(path, 28)}`.trimEnd();
    const label = a.error ? `${name} ✕ ${short(a.error.code, 20)}` : name;
    const placed = placeLabel(X(a.socket ?? start), X(stop), label, bounds);
    const tipText = [
      `${r.id}${retry}${path ? ` ${path}` : ''}`,
      r.issued !== null ? `issued ${ms(r.issued)}` : 'issue time not in the trace',
      a.socket !== null
        ? `socket ${ms(a.socket)}${a.port !== null ? ` (local port ${a.port}${a.reused ? ', reused' : ''})` : ''}`
        : 'no socket',
      a.server?.at != null ? `origin received ${ms(a.server.at)}` : '',
      a.server?.respondedAt != null ? `origin responded ${ms(a.server.respondedAt)}` : '',
      a.response !== null ? `first byte ${ms(a.response)}${a.status ? ` (${a.status})` : ''}` : '',
      a.end !== null ? `end ${ms(a.end)}` : '',
      a.error ? `error ${a.error.code} ${ms(a.error.t)}` : '',
      a.close !== null && a.end === null ? `close ${ms(a.close)}` : '',
      settled === null ? 'not settled within the trace' : '',
      lane === null ? 'no connection known' : '',
    ]
      .filter(Boolean)
      .join(' · ');
    return {
      x0: Math.min(X(start), placed.x0),
      x1: placed.x1,
      draw: (ry: number) => {
        const cy = ry + ROW / 2;
        const top = cy - BAR / 2;
        const parts: string[] = [tip(tipText)];
        if (first && r.issued !== null) {
          const waitEnd = a.socket ?? stop;
          if (waitEnd > r.issued) {
            parts.push(
              `<line class="queue" x1="${f(X(r.issued))}" y1="${f(cy)}" x2="${f(X(waitEnd))}" y2="${f(cy)}" stroke="${COLOR.queue}" stroke-width="2" stroke-dasharray="4 3"/>`,
            );
          }
          parts.push(
            `<line x1="${f(X(r.issued))}" y1="${f(cy - 4)}" x2="${f(X(r.issued))}" y2="${f(cy + 4)}" stroke="${COLOR.queue}" stroke-width="2"/>`,
          );
        }
        if (a.socket !== null) {
          const firstByte = a.response ?? settled ?? m.t1;
          parts.push(
            `<rect class="sent" x="${f(X(a.socket))}" y="${f(top)}" width="${f(Math.max(1.5, X(firstByte) - X(a.socket)))}" height="${BAR}" fill="${COLOR.sent}"${settled === null && a.response === null ? ' fill-opacity=".45" stroke-dasharray="3 2" stroke="currentColor" stroke-opacity=".5"' : ''}/>`,
          );
          if (a.response !== null) {
            const endAt = settled ?? m.t1;
            parts.push(
              `<rect class="received" x="${f(X(a.response))}" y="${f(top)}" width="${f(Math.max(1.5, X(endAt) - X(a.response)))}" height="${BAR}" fill="${COLOR.received}"${settled === null ? ' fill-opacity=".5"' : ''}/>`,
            );
          }
        }
        if (a.server?.at != null) {
          const sx = X(a.server.at);
          parts.push(
            `<path class="origin-received" d="M${f(sx - 3.5)} ${f(top - 4)}H${f(sx + 3.5)}L${f(sx)} ${f(top + 1)}Z" fill="currentColor"/>`,
          );
        }
        if (a.server?.respondedAt != null) {
          const sx = X(a.server.respondedAt);
          parts.push(
            `<path class="origin-responded" d="M${f(sx - 3.5)} ${f(top + BAR + 4)}H${f(sx + 3.5)}L${f(sx)} ${f(top + BAR - 1)}Z" fill="currentColor"/>`,
          );
        }
        for (const t of a.timeouts) {
          const tx = X(t);
          parts.push(
            `<path class="timeout" d="M${f(tx)} ${f(cy - 6)}L${f(tx + 5)} ${f(cy)}L${f(tx)} ${f(cy + 6)}L${f(tx - 5)} ${f(cy)}Z" fill="${COLOR.timeout}" stroke="currentColor" stroke-width=".5"/>`,
          );
        }
        if (a.error) parts.push(`<g class="error">${cross(X(a.error.t), cy, 4.5, COLOR.error, 2.5)}</g>`);
        parts.push(placed.at(cy));
        return `<g class="request" data-req="${x(short(r.id, 80))}">${parts.join('')}</g>`;
      },
    };
  };
  const serverItem = (q: ServerRequest, c: Connection): Item => {
    const start = q.at ?? q.respondedAt ?? c.firstSeen;
    const stop = q.respondedAt ?? c.close ?? m.t1;
    const x0 = X(start);
    const x1 = X(stop);
    const placed = placeLabel(x0, x1, short(q.path, 30), bounds);
    return {
      x0: placed.x0,
      x1: placed.x1,
      draw: (ry: number) => {
        const cy = ry + ROW / 2;
        return `<g class="origin-only">${tip(`at the origin only (no client request matched): ${q.path} · received ${ms(q.at)} · responded ${ms(q.respondedAt)}`)}<rect x="${f(x0)}" y="${f(cy - BAR / 2)}" width="${f(Math.max(1.5, x1 - x0))}" height="${BAR}" fill="${COLOR.server}"${q.respondedAt === null ? ' fill-opacity=".5"' : ''}/>${placed.at(cy)}</g>`;
      },
    };
  };

  const laneGroups: [string, Connection[]][] = [...serverGroups];
  const clientOnly = m.groups.get(CLIENT_ONLY);
  if (clientOnly) laneGroups.push([CLIENT_ONLY, clientOnly]);
  for (const [group, lanes] of laneGroups) {
    y += 8;
    const name =
      group === CLIENT_ONLY
        ? 'client sockets no origin saw (a proxy in between?)'
        : `origin ${short(group, 40)}`;
    out.push(text(4, y + 11, name, 'font-weight="600"'));
    y += ROW;
    for (const c of lanes) {
      const items = [
        ...c.attempts.map((a) => attemptItem(a, c)),
        ...c.requests.filter((q) => !q.matched).map((q) => serverItem(q, c)),
      ];
      if (c.close !== null) {
        // The close's words are packed like a label, so that they never cover a request's.
        const cx = X(c.close);
        const words = closeText(c.by, c.how);
        const w = words.length * CHAR_W + 8;
        const after = cx + w <= W - 2;
        items.push({
          x0: after ? cx + 2 : cx - w,
          x1: after ? cx + w : cx + 4,
          draw: (ry) =>
            `<g class="close-label">${after ? text(cx + 7, ry + ROW / 2 + 4, words) : text(cx - 7, ry + ROW / 2 + 4, words, 'text-anchor="end"')}</g>`,
        });
      }
      const rows = pack(items);
      const height = Math.max(1, rows.length) * ROW;
      const open = c.open ?? c.firstSeen;
      const closeAt = c.close ?? (group === CLIENT_ONLY ? c.lastSeen : m.t1);
      const laneLabel =
        group === CLIENT_ONLY
          ? `client :${c.port ?? '?'}`
          : `#${short(c.id, 8)}${c.port !== null ? ` :${c.port}` : ''}`;
      const who = c.close !== null ? closeText(c.by, c.how) : 'no close in the trace';
      const parts: string[] = [
        tip(
          `${group === CLIENT_ONLY ? 'client socket' : `origin ${group} connection #${c.id}`}${c.port !== null ? ` (client port ${c.port})` : ''} · open ${c.open !== null ? ms(c.open) : 'not in the trace'} · ${c.close !== null ? `closed ${ms(c.close)} by ${who}` : who}`,
        ),
        text(14, y + 13, laneLabel),
        `<rect class="conn" x="${f(X(open))}" y="${f(y + 1)}" width="${f(Math.max(1, X(closeAt) - X(open)))}" height="${f(height - 2)}" fill="currentColor" fill-opacity=".07"/>`,
      ];
      if (c.open !== null)
        parts.push(
          `<line class="open" x1="${f(X(c.open))}" y1="${f(y + 1)}" x2="${f(X(c.open))}" y2="${f(y + height - 1)}" stroke="${COLOR.free}" stroke-width="2"/>`,
        );
      if (c.close !== null) {
        parts.push(
          `<g class="close" data-by="${x(c.by ?? '')}" data-how="${x(c.how ?? '')}">${closeGlyph(X(c.close), y + height / 2, c.by, c.how)}</g>`,
        );
      } else if (group !== CLIENT_ONLY) {
        parts.push(
          `<line class="still-open" x1="${f(X(closeAt))}" y1="${f(y + 1)}" x2="${f(X(closeAt))}" y2="${f(y + height - 1)}" stroke="currentColor" stroke-opacity=".6" stroke-dasharray="2 2"/>`,
        );
      }
      for (const t of c.frees) {
        parts.push(
          `<circle class="free" cx="${f(X(t))}" cy="${f(y + height - 3)}" r="2.5" fill="${COLOR.free}">${tip(`free (back in the pool) at ${ms(t)}`)}</circle>`,
        );
      }
      rows.forEach((row, i) => {
        for (const item of row) parts.push(item.draw(y + i * ROW));
      });
      out.push(
        `<g class="lane" data-group="${group === CLIENT_ONLY ? '(client)' : x(short(group, 80))}" data-connection="${x(short(c.id, 40))}">${parts.join('')}</g>`,
      );
      y += height + 2;
    }
  }
  if (unplaced.length > 0) {
    y += 8;
    out.push(text(4, y + 11, 'requests with no known connection', 'font-weight="600"'));
    y += ROW;
    const rows = pack(unplaced.map((r) => attemptItem(r.attempts[0] ?? r.early, null)));
    out.push(text(14, y + 13, 'no socket'));
    rows.forEach((row, i) => {
      for (const item of row) out.push(item.draw(y + i * ROW));
    });
    y += rows.length * ROW + 2;
  }
  if (m.groups.size === 0 && unplaced.length === 0) {
    y += 18;
    out.push(text(plotL, y, 'no connection or request in this trace', 'fill-opacity=".7"'));
    y += 6;
  }

  // The end of the case, the time axis and its grid.
  const plotBottom = y + 6;
  if (m.end !== null) {
    const ex = X(m.end);
    grid.push(
      `<line class="case-end" x1="${f(ex)}" y1="${f(plotTop)}" x2="${f(ex)}" y2="${f(plotBottom)}" stroke="currentColor" stroke-opacity=".5" stroke-dasharray="1 3"/>`,
    );
  }
  y = plotBottom;
  out.push(
    `<line x1="${f(plotL)}" y1="${f(y)}" x2="${f(plotR)}" y2="${f(y)}" stroke="currentColor" stroke-opacity=".6"/>`,
  );
  for (let t = d0, i = 0; t <= d1 + step / 2 && i < 40; t += step, i++) {
    const tx = X(t);
    grid.push(
      `<line x1="${f(tx)}" y1="${f(plotTop)}" x2="${f(tx)}" y2="${f(y)}" stroke="currentColor" stroke-opacity=".08"/>`,
    );
    out.push(
      `<line x1="${f(tx)}" y1="${f(y)}" x2="${f(tx)}" y2="${f(y + 4)}" stroke="currentColor" stroke-opacity=".6"/>`,
    );
    out.push(text(tx, y + 16, f(t), 'text-anchor="middle"'));
  }
  out.push(text(4, y + 16, 'ms since case start'));
  y += 30;

  // Legend.
  const legend: [string, string][] = [
    [
      `<line x1="0" y1="0" x2="16" y2="0" stroke="${COLOR.queue}" stroke-width="2" stroke-dasharray="4 3"/>`,
      attempts.length > 0 && m.requests.every((r) => r.issued === null)
        ? 'queued (issue time not in this trace)'
        : 'queued in the agent',
    ],
    [`<rect x="0" y="-4.5" width="16" height="9" fill="${COLOR.sent}"/>`, 'sent → first byte'],
    [`<rect x="0" y="-4.5" width="16" height="9" fill="${COLOR.received}"/>`, 'first byte → end'],
    [`<path d="M4.5 -5H11.5L8 0Z" fill="currentColor"/>`, 'origin received'],
    [`<path d="M4.5 5H11.5L8 0Z" fill="currentColor"/>`, 'origin responded'],
    [`<rect x="0" y="-4.5" width="16" height="9" fill="${COLOR.server}"/>`, 'origin only'],
    [cross(8, 0, 4.5, COLOR.error, 2.5), 'error'],
    [`<path d="M8 -6L13 0L8 6L3 0Z" fill="${COLOR.timeout}"/>`, 'timeout'],
    [`<line x1="8" y1="-7" x2="8" y2="7" stroke="${COLOR.free}" stroke-width="2"/>`, 'open'],
    [`<circle cx="8" cy="0" r="2.5" fill="${COLOR.free}"/>`, 'free'],
    [closeGlyph(8, 0, 'client', 'fin'), 'client FIN'],
    [closeGlyph(8, 0, 'client', 'reset'), 'client RST'],
    [closeGlyph(8, 0, 'server', 'fin'), 'server FIN'],
    [closeGlyph(8, 0, 'server', 'reset'), 'server RST'],
    [
      `<line x1="8" y1="-7" x2="8" y2="7" stroke="currentColor" stroke-opacity=".6" stroke-dasharray="2 2"/>`,
      'no close in trace',
    ],
  ];
  if (limit)
    legend.push([
      `<line x1="0" y1="0" x2="16" y2="0" stroke="${COLOR.limit}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
      `${short(limit.label, 40)} (limit)`,
    ]);
  let lx = 4;
  const legendParts: string[] = [];
  for (const [glyph, label] of legend) {
    const w = 22 + label.length * CHAR_W + 14;
    if (lx + w > W - 4) {
      lx = 4;
      y += 18;
    }
    legendParts.push(`<g transform="translate(${f(lx)} ${f(y)})">${glyph}${text(22, 4, label)}</g>`);
    lx += w;
  }
  out.push(`<g class="legend">${legendParts.join('')}</g>`);
  y += 14;

  const H = Math.ceil(y);
  const title = options.title ? `wire timeline of ${options.title}` : 'wire timeline';
  const bg = options.background ? `<rect width="100%" height="100%" fill="${x(options.background)}"/>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${x(short(title, 200))}" font-family="${FONT}" font-size="11" fill="currentColor">
<title>${x(short(title, 200))}</title>${bg}
<g class="grid">${grid.join('')}</g>
${out.join('\n')}
</svg>`;
}

/** Whether a trace has anything for a timeline: a server or client event. */
export function hasTimeline(trace: readonly TraceEntry[] | undefined): boolean {
  return (trace ?? []).some((e) => e && (e.source === 'server' || e.source === 'client'));
}
