/**
 * A case's wire transcript, as both processes read it: the suite process writes it (harness/suite/
 * context.ts appends what the fixtures emit, unchanged), the parent reports and draws it
 * (harness/parent/report/). The one definition of a trace entry, of a fixture's wire event and of
 * the cap.
 */

/** A case keeps at most this many trace entries; later ones are dropped (the timeline says so). */
export const TRACE_CAP = 500;

/** Who closed a connection first: the client (a FIN or an RST received), or the fixture itself. */
export type Closer = 'client' | 'server' | 'proxy';

/** How a connection was closed: a FIN (an orderly end) or an RST (a reset). */
export type CloseKind = 'fin' | 'reset';

/**
 * One observation of a fixture that records the wire (the origin, the forward proxy), as it happens,
 * or a real server's access-log line (a `request`, traced when the case first reads it, at the time
 * the server logged it). `peer` is the fixture's label (`A`, `B`, `P`, `nginx`…), `connection` the id
 * of its connection record (a real server's own connection number, else the client's port).
 */
export type WireEvent =
  /** A client connection was accepted; `port` is the client's port. */
  | { kind: 'open'; peer: string; connection: number; port: number }
  /** It closed: who closed it first and how (`by` is `server` for an origin, `proxy` for a proxy). */
  | { kind: 'close'; peer: string; connection: number; port: number; by: Closer; how: CloseKind }
  /** A request arrived as the connection's `nth`; a proxy adds its request line. */
  | { kind: 'request'; peer: string; connection: number; nth: number; path: string; line?: string }
  /** The fixture finished its response to that request. */
  | { kind: 'response'; peer: string; connection: number; nth: number; path: string }
  /** A TLS handshake completed. */
  | {
      kind: 'secure';
      peer: string;
      connection: number;
      servername: string | null;
      resumed: boolean;
      protocol: string | null;
    }
  /** A TLS handshake failed, with the server's error code. */
  | { kind: 'tlsError'; peer: string; connection: number; code: string };

export type WireEventKind = WireEvent['kind'];

/** What a fixture saw: its wire event as emitted, `event` naming its kind. */
export interface ServerTraceEntry {
  /** Milliseconds since the case started. */
  t: number;
  source: 'server';
  event: WireEventKind;
  detail: WireEvent;
}

/** What the client (the subject) reported, or what the harness did. */
export interface NoteTraceEntry {
  /** Milliseconds since the case started. */
  t: number;
  source: 'client' | 'harness';
  event: string;
  detail?: Record<string, unknown>;
}

/** One line of a wire transcript: what the client, a fixture or the harness saw, when. */
export type TraceEntry = ServerTraceEntry | NoteTraceEntry;

/** The trace entry of a wire event at `t` (ms since the case started). */
export function wireEntry(t: number, event: WireEvent): ServerTraceEntry {
  return { t, source: 'server', event: event.kind, detail: event };
}
