import type { ConnectionRecord } from '../../fixtures/origin/log.ts';
import type { Capabilities } from '../shared/capabilities.ts';
import type { Command, EventMessage, Json, Outcome, RequestAction } from '../shared/protocol.ts';
import type { NoteTraceEntry } from '../shared/trace.ts';
import type { FaultProxy, RequestHandle, SocketEvent, Target, TlsHandshake } from './case-context.ts';
import { CaseFailure } from './case-outcome.ts';

/**
 * What agent and request handles need from the case that made them. Internal: a case body sees the
 * handles, never this.
 */
export interface Channel {
  readonly capabilities: Capabilities;
  command(command: Command): Promise<Json>;
  batch(commands: Command[]): Promise<Outcome[]>;
  waitFor<T>(what: string, check: () => T | false | null | undefined, timeoutMs: number): Promise<T>;
  registerRequest(handle: SubjectRequest): void;
  note(source: NoteTraceEntry['source'], event: string, detail?: Record<string, unknown>): void;
}

/** The `RequestHandle` of ./case-context.ts, and the routing of the host's events for the request. */
export class SubjectRequest implements RequestHandle {
  readonly id: string;
  readonly origin: Target;
  readonly events: EventMessage[] = [];
  /** Every `'socket'` event (more than one if the subject retried on another socket). */
  readonly sockets: SocketEvent[] = [];
  response: {
    status: number;
    headers: Record<string, string | string[]>;
    reusedSocket: boolean;
    t: number;
  } | null = null;
  ended: { bodyLength: number; body: string; t: number } | null = null;
  error: { code: string | null; message: string; reusedSocket: boolean; t: number } | null = null;
  closed: { t: number } | null = null;
  readonly timeouts: number[] = [];
  /** The same `'timeout'` events on the subject process's clock. */
  private readonly timeoutsSubject: number[] = [];
  /** What the client saw of each new TLS connection's handshake (https requests). */
  readonly secure: TlsHandshake[] = [];
  /** The fault proxy the request went through, if any. */
  readonly via: FaultProxy | null;
  private readonly channel: Channel;

  constructor(channel: Channel, id: string, origin: Target, via: FaultProxy | null = null) {
    this.channel = channel;
    this.id = id;
    this.origin = origin;
    this.via = via;
  }

  /**
   * Ms from when the request got its first socket to its first `'timeout'`, both read on the subject
   * process's clock, so the delays of the messages that report them (uneven on a loaded machine)
   * do not shorten or stretch the interval; null without both. The agent's socket timer starts
   * when the socket is created, a tick before the request gets it: this is never less than the timer
   * by more than that tick.
   */
  timeoutAfterSocket(): number | null {
    const from = this.sockets[0]?.assignedAtSubject;
    const at = this.timeoutsSubject[0];
    return from === undefined || at === undefined ? null : at - from;
  }

  /** The first socket the request was given. */
  get socket(): SocketEvent | null {
    return this.sockets[0] ?? null;
  }

  /** The request has finished one way or the other (`'close'` or `'error'`). */
  get settled(): boolean {
    return this.closed !== null || this.error !== null;
  }

  /**
   * The origin's record of the connection that carried this request: the one from the socket's
   * client end that was open when the request got it. Unknown through a proxy: the origin sees the
   * proxy's end, not the client's.
   */
  get connection(): ConnectionRecord | undefined {
    if (this.via) return undefined;
    const s = this.sockets.at(-1);
    if (!s) return undefined;
    return this.origin.connectionFrom?.({ address: s.localAddress, port: s.localPort }, s.t);
  }

  /** Internal: the case routes the host's events for this request here. */
  onEvent(event: EventMessage, t: number): void {
    this.events.push(event);
    switch (event.ev) {
      case 'socket':
        this.sockets.push({
          localAddress: event.localAddress ?? null,
          localPort: event.localPort,
          reusedSocket: event.reusedSocket,
          socketTimeout: event.socketTimeout,
          t,
          assignedAt: t - (event.connectMs ?? 0),
          assignedAtSubject: event.t - (event.connectMs ?? 0),
        });
        break;
      case 'response':
        this.response = { status: event.status, headers: event.headers, reusedSocket: event.reusedSocket, t };
        break;
      case 'end':
        this.ended = { bodyLength: event.bodyLength, body: event.body, t };
        break;
      case 'error':
        this.error = { code: event.code, message: event.message, reusedSocket: event.reusedSocket, t };
        break;
      case 'close':
        this.closed = { t };
        break;
      case 'timeout':
        this.timeouts.push(t);
        this.timeoutsSubject.push(event.t);
        break;
      case 'secure': {
        const { ev: _ev, req: _req, type: _type, t: _t, ...seen } = event;
        this.secure.push({ ...seen, t });
        break;
      }
    }
  }

  /** Waits until the request settles (`'close'` or `'error'`). */
  done(timeoutMs = 3000): Promise<this> {
    return this.channel.waitFor(`request ${this.id} to settle`, () => this.settled && this, timeoutMs);
  }

  /** Waits for the response to be fully read (`'end'`); a request `'error'` fails the case. */
  completed(timeoutMs = 3000): Promise<this> {
    return this.channel.waitFor(
      `request ${this.id} to complete`,
      () => {
        if (this.error)
          throw new CaseFailure(`request ${this.id} failed: ${this.error.code ?? ''} ${this.error.message}`);
        return this.ended !== null && this;
      },
      timeoutMs,
    );
  }

  /** Waits for the response head. */
  responded(timeoutMs = 3000): Promise<this> {
    return this.channel.waitFor(`a response to ${this.id}`, () => this.response !== null && this, timeoutMs);
  }

  /** Waits until the request has a socket with a known local port. */
  assigned(timeoutMs = 3000): Promise<this> {
    return this.channel.waitFor(
      `request ${this.id} to get a socket`,
      () => this.sockets.length > 0 && this,
      timeoutMs,
    );
  }

  act(action: RequestAction): Promise<void> {
    return this.channel.command({ op: 'action', req: this.id, action }).then(() => undefined);
  }
}
