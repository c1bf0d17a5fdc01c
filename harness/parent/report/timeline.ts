/**
 * A case's wire timeline, drawn: the model of one trace (./timeline-model.ts: connections, requests,
 * the harness's marks) as one inline SVG, no script. From top to bottom:
 * the open-connection count per origin with the case's cap as a line (`limit`), the harness's own
 * events, then one lane per connection, grouped by origin label, and the time axis and a legend.
 *
 * A lane spans the connection's open to its close; the close mark says who closed it (the client,
 * or the origin or proxy itself, by colour) and how (FIN: a bar, RST: a cross). On the lane, one bar per request the
 * connection carried: sent → first byte (light), first byte → end (dark), ticks where the origin
 * received the request and finished its response, a dashed line for the time the request waited in
 * the agent's queue (from the harness's `issue` entry to its `socket` event; absent without it).
 * How requests are put on connections, and which partial traces are expected: ./timeline-model.ts.
 *
 * Every string from the trace is escaped (and stripped of what XML forbids) and shortened; every
 * number is checked to be finite. The SVG is legible both inside the HTML report (text uses
 * `currentColor`) and as a standalone file (`background`).
 */
import escapeHtml from 'escape-html';
import { TRACE_CAP, type TraceEntry } from '../../shared/trace.ts';
import {
  type Attempt,
  CLIENT_ONLY,
  type Connection,
  type HarnessMark,
  num,
  readTimeline,
  type ServerRequest,
} from './timeline-model.ts';

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
  const color =
    by === 'client' ? COLOR.client : by === 'server' || by === 'proxy' ? COLOR.serverClose : COLOR.server;
  if (how === 'reset') return cross(cx, cy, 5, color, 2.5);
  return `<rect x="${f(cx - 1.5)}" y="${f(cy - 7)}" width="3" height="14" fill="${color}"/>`;
}

function closeText(by: string | null, how: string | null): string {
  const who = by === 'client' || by === 'server' || by === 'proxy' ? by : 'closed';
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
  const m = readTimeline(trace);
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
