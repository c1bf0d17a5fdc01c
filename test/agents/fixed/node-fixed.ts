/**
 * Node's `http.Agent` with the behaviours it fails on purpose fixed (expectations/node.json), and
 * nothing else changed. It exists to prove that those cases can pass: a case that had been hollowed
 * into "always fail" would go unnoticed while no subject passes it (test/can-pass.test.ts).
 *
 * - Limits: a socket counts toward `maxSockets` and `maxTotalSockets` from the moment
 *   createConnection is called (also while a callback-style createConnection has not called back),
 *   and a queued request only gets a new socket when both limits leave room. Node checks neither
 *   for a pending socket, nor the total when it opens a socket for another origin's queued request.
 * - Idle sockets: when a request waits only because of `maxTotalSockets`, an idle pooled socket of
 *   another origin is closed to make room, instead of holding the slot until it happens to close.
 * - `Connection: close` on a request: the socket is closed after the response, never reused, even
 *   when the server answers keep-alive (RFC 9112 §9.6; Node reuses it).
 * - The server's `Keep-Alive: timeout=N` hint when the agent has no `timeout` (or 0): the pooled
 *   socket expires at N s less `agentKeepAliveTimeoutBuffer`. Node only lowers an agent timeout to
 *   the hint, so with none the hint is ignored and the socket never expires.
 * - Input on an idle pooled socket: a request that would take a free socket is handed it only after
 *   the event loop has polled once more, so that bytes which reached the socket while the loop was
 *   busy are read by Node's free-socket data guard (which destroys the socket) instead of being
 *   parsed as the request's response. Node 24 hands the socket out at once; Node 22.23.5 asks the
 *   socket for pending input (`hasPendingRead`, not in Node 24.21).
 *
 * Node's own code still does the rest: it keeps the queue (`agent.requests`), hands a freed socket
 * to the next request of its origin, pools, reuses and removes sockets. This agent only decides when
 * a queued request may start, which Node's `addRequest` does when there is room.
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';

/** The parts of Node's agent that the typings leave out (lib/_http_agent.js). */
interface NodeAgent extends http.Agent {
  totalSocketCount: number;
  /** Undefined on Node 20, whose buffer is a fixed 1000 ms. */
  agentKeepAliveTimeoutBuffer?: number;
  options: { timeout?: number };
  addRequest(req: http.ClientRequest, options: http.RequestOptions): void;
  createSocket(req: http.ClientRequest, options: http.RequestOptions, cb: SocketCallback): void;
  removeSocket(socket: Duplex, options: http.RequestOptions): void;
}
type SocketCallback = (err: Error | null, socket?: Duplex) => void;
// biome-ignore lint/suspicious/noExplicitAny: a mixin's base needs exactly this constructor type.
type NodeAgentClass = new (...args: any[]) => NodeAgent;

/** A request header value holds the token `close` (`Connection: close`, `Connection: Close, TE`). */
function saysClose(value: number | string | string[] | undefined): boolean {
  return String(value ?? '')
    .split(',')
    .some((token) => token.trim().toLowerCase() === 'close');
}

function withFixes<T extends NodeAgentClass>(Base: T) {
  return class FixedAgent extends Base {
    /** Sockets whose createConnection has been called and has not called back yet, by pool name. */
    #pending = new Map<string, number>();
    /** Requests that waited for the loop to poll before they may take a free socket. */
    #polled = new WeakSet<http.ClientRequest>();
    /** The options each queued request was made with, to start it later through Node's addRequest. */
    #options = new WeakMap<http.ClientRequest, http.RequestOptions>();

    override addRequest(req: http.ClientRequest, options: http.RequestOptions): void {
      if (!this.#polled.has(req) && this.freeSockets[this.getName(options)]?.some((s) => !s.destroyed)) {
        // Two turns: the next loop iteration polls the free socket before the second callback runs.
        this.#polled.add(req);
        setImmediate(() => setImmediate(() => req.destroyed || this.addRequest(req, options)));
        return;
      }
      // Node only marks the request as its connection's last; it must also not be handed on.
      if (saysClose(req.getHeader('connection'))) req.shouldKeepAlive = false;
      this.#options.set(req, options);
      // Let Node file the request under the pool name it computes: with maxSockets 0 its addRequest
      // either reuses a free socket of that origin or queues the request in agent.requests.
      const maxSockets = this.maxSockets;
      this.maxSockets = 0;
      try {
        super.addRequest(req, options);
      } finally {
        this.maxSockets = maxSockets;
      }
      this.#dispatch();
    }

    override createSocket(req: http.ClientRequest, options: http.RequestOptions, cb: SocketCallback): void {
      const name = this.getName(options);
      this.#pending.set(name, (this.#pending.get(name) ?? 0) + 1);
      let pending = true;
      const settle = (err: Error | null) => {
        if (!pending) return;
        pending = false;
        this.#pending.set(name, (this.#pending.get(name) ?? 1) - 1);
        // A socket that never came frees its slot for the queue.
        if (err) process.nextTick(() => this.#dispatch());
      };
      try {
        super.createSocket(req, options, (err, socket) => {
          settle(err);
          cb(err, socket);
        });
      } catch (err) {
        settle(err as Error);
        throw err;
      }
    }

    override keepSocketAlive(socket: Duplex): boolean {
      const keep = super.keepSocketAlive(socket) as unknown as boolean;
      // Node applies the hint only to lower the agent's own timeout: with none it is ignored.
      if (keep && !this.options.timeout) {
        const res = (socket as Duplex & { _httpMessage?: { res?: http.IncomingMessage } })._httpMessage?.res;
        const hint = /^timeout=(\d+)/.exec(String(res?.headers['keep-alive'] ?? ''))?.[1];
        const ms = hint === undefined ? 0 : Number(hint) * 1000 - (this.agentKeepAliveTimeoutBuffer ?? 1000);
        // a hint no longer than the buffer: Node's keepSocketAlive already returned false
        if (ms > 0) (socket as Duplex & { setTimeout(ms: number): void }).setTimeout(ms);
      }
      return keep;
    }

    override removeSocket(socket: Duplex, options: http.RequestOptions): void {
      // Node's removeSocket also opens a socket for a queued request without checking the limits;
      // hide the queue from it so that it only does its bookkeeping.
      const queued = this.requests;
      Object.assign(this, { requests: { __proto__: null } });
      try {
        super.removeSocket(socket, options);
      } finally {
        Object.assign(this, { requests: queued });
      }
      // On the next tick: when a socket is being pooled, Node pushes it to freeSockets only after this.
      // As in Node, the socket's own origin is served first.
      const name = this.getName(options);
      process.nextTick(() => this.#dispatch(name));
    }

    /** Open sockets of one pool (active, free and being created). */
    #count(name: string): number {
      return (
        (this.sockets[name]?.length ?? 0) +
        (this.freeSockets[name]?.length ?? 0) +
        (this.#pending.get(name) ?? 0)
      );
    }

    /** Open sockets across all pools: Node's count (active and free) plus those being created. */
    #total(): number {
      let total = this.totalSocketCount;
      for (const n of this.#pending.values()) total += n;
      return total;
    }

    /** Starts queued requests while the limits leave room: `first`'s, then the oldest origin's. */
    #dispatch(first?: string): void {
      const names = Object.keys(this.requests).sort((x, y) => Number(y === first) - Number(x === first));
      for (const name of names) {
        const queue = this.requests[name];
        // Bounded by the queue's length: a request Node queues again is not retried in this pass.
        for (let n = queue?.length ?? 0; n > 0 && queue?.length; n--) {
          if (!this.freeSockets[name]?.length && !this.#hasRoom(name)) break;
          const req = queue.shift() as http.ClientRequest;
          if (!queue.length) delete (this.requests as Record<string, unknown>)[name];
          super.addRequest(req, this.#options.get(req) ?? {});
        }
      }
      this.#evictIdle();
    }

    #hasRoom(name: string): boolean {
      return this.#count(name) < this.maxSockets && this.#total() < this.maxTotalSockets;
    }

    /**
     * When a queued request waits only for the total, closes an idle socket (of another origin: one
     * of its own would have been reused) to make room; its 'close' dispatches the queue. One at a time.
     */
    #evictIdle(): void {
      if (this.#total() < this.maxTotalSockets) return;
      const starved = Object.keys(this.requests).some((name) => this.#count(name) < this.maxSockets);
      if (!starved) return;
      const idle = Object.values(this.freeSockets).flatMap((sockets) => sockets ?? []);
      if (idle.some((socket) => socket.destroyed)) return;
      idle[0]?.destroy();
    }
  };
}

const FixedHttpAgent = withFixes(http.Agent as unknown as NodeAgentClass);
const FixedHttpsAgent = withFixes(https.Agent as unknown as NodeAgentClass);

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new FixedHttpAgent(options);
}

/** The same for https (the `https` area and `--protocol https`). */
export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new FixedHttpsAgent(options) as unknown as https.Agent;
}
