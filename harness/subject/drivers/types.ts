/**
 * One interface for the two kinds of subject the host drives: an http.Agent (./agent.ts, requests
 * through `http.request({agent})`) and an undici Dispatcher (./dispatcher.ts, requests through
 * `dispatcher.request()`). The host (../host.ts) only speaks the protocol and hands each command to
 * the driver of the loaded subject.
 */
import type {
  AgentHooks,
  AgentSnapshot,
  HostEvent,
  Json,
  RequestAction,
  RequestSpec,
  WireError,
} from '../../shared/protocol.ts';

/** A host-side refusal with a code (ERR_UNKNOWN_AGENT, ERR_SUBJECT_UNSUPPORTED…), sent back as such. */
export class HostError extends Error {
  override name = 'HostError';
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export type Factory = (options: unknown) => unknown;

/** Which agent a `create` asks for: an https one (`createHttpsAgent`), and the CA it trusts by default. */
export interface AgentKind {
  https: boolean;
  trust?: string | undefined;
}

/** What a driver gets from the host. */
export interface HostServices {
  emit(event: HostEvent): void;
}

export interface Driver {
  /** `createAgent` or `createDispatcher`: for messages. */
  readonly factoryName: string;
  /** What this subject can do: the module's declarations completed by probing throwaway instances. */
  capabilities(declared: Record<string, boolean>): Record<string, boolean>;
  create(agentId: string, options: unknown, hooks: AgentHooks | undefined, kind?: AgentKind): void;
  request(agentId: string, reqId: string, spec: RequestSpec): void;
  snapshot(agentId: string): AgentSnapshot;
  getName(agentId: string, options: unknown): Json;
  destroy(agentId: string): void;
  /** Destroys the agent and its requests and drops them (the end of a case). */
  forget(agentId: string): void;
  /** Acts on a request this driver started; false when it does not know the request. */
  action(reqId: string, action: RequestAction): boolean;
}

/** The error as it crosses the protocol; a HostError is marked `host` (subject errors never are). */
export function toWireError(err: unknown): WireError {
  if (err instanceof HostError) return { name: err.name, code: err.code, message: err.message, host: true };
  if (err && typeof err === 'object') {
    const e = err as { name?: unknown; code?: unknown; message?: unknown };
    return {
      name: typeof e.name === 'string' ? e.name : 'Error',
      code: typeof e.code === 'string' ? e.code : null,
      message: typeof e.message === 'string' ? e.message : String(err),
    };
  }
  return { name: 'Error', code: null, message: String(err) };
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const name = (value as { constructor?: { name?: string } }).constructor?.name;
    return name ? `an object (${name})` : 'an object';
  }
  return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
}
