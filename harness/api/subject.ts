/**
 * `agent-conformance/subject`: the subject contract as types, for a subject module to check itself
 * against (docs/subjects.md):
 *
 * ```ts
 * import type { Capabilities, CreateAgent } from 'agent-conformance/subject';
 * export const createAgent: CreateAgent = (options) => new MyAgent(options);
 * export const capabilities: Capabilities = { agentKeepAliveTimeoutBuffer: true };
 * ```
 *
 * Types only: nothing here runs in the subject process.
 */
import type http from 'node:http';
import type https from 'node:https';
import type { Capabilities } from '../shared/capabilities.ts';
import type { ProxyCapabilities, ProxySubjectOptions } from '../subject/proxy-contract.ts';

export type { Capabilities, Capability } from '../shared/capabilities.ts';
export type {
  LoopbackLookup,
  ProxyCapabilities,
  ProxyMode,
  ProxySubjectOptions,
} from '../subject/proxy-contract.ts';

/** The options a case gives a factory: http.Agent's, as in `new http.Agent(options)`. */
export type AgentOptions = http.AgentOptions;

/** `--protocol https` and the `https` area: https.Agent's options (the test CA comes as `ca`). */
export type HttpsAgentOptions = https.AgentOptions;

/** `createAgent(options)` (or a default function or class): an http.Agent-compatible object. */
export type CreateAgent = (options: AgentOptions) => http.Agent;

/** `createHttpsAgent(options)`: an https.Agent for the `https` area and `--protocol https`. */
export type CreateHttpsAgent = (options: HttpsAgentOptions) => https.Agent;

/**
 * `createDispatcher(options)`: an undici Dispatcher (an undici `Agent`, or anything with undici's
 * `request`, `dispatch`, `compose` and `destroy`). The options are http.Agent's; translating them is
 * the module's job. Typed loosely so that the contract does not pin an undici version.
 */
export type CreateDispatcher = (options: AgentOptions) => object;

/** `createProxyAgent(options)`: an http.Agent that goes through the forward proxy (the `proxy` area). */
export type CreateProxyAgent = (options: ProxySubjectOptions) => http.Agent;

/** `createProxyDispatcher(options)`: an undici Dispatcher that goes through the forward proxy. */
export type CreateProxyDispatcher = (options: ProxySubjectOptions) => object;

/**
 * What a subject module may export (all optional, at least one factory): `createAgent` wins over
 * `createDispatcher`; `capabilities` overrides what the host probes; `proxyCapabilities` (`null`:
 * this runtime cannot proxy) describes the proxy factory.
 */
export interface SubjectModule {
  createAgent?: CreateAgent;
  createHttpsAgent?: CreateHttpsAgent;
  createDispatcher?: CreateDispatcher;
  createProxyAgent?: CreateProxyAgent;
  createProxyDispatcher?: CreateProxyDispatcher;
  capabilities?: Capabilities;
  proxyCapabilities?: ProxyCapabilities | null;
}
