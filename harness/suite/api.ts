/**
 * Everything a suite file needs, in one import: `defineCase`, the context a body gets, the handles
 * it works with and the wire records it asserts on. Suites import from here and from ../../suites/
 * helpers only; the runner, the session and the protocol stay out of their sight.
 */

export type {
  ForwardProxy,
  ProxyConnectionRecord,
  ProxyRequestRecord,
  ProxyUpstreamRecord,
} from '../../fixtures/forward-proxy/server.ts';
export { clientCert, testCa, untrustedCa } from '../../fixtures/origin/certs.ts';
export { type Endpoint, plainAddress } from '../../fixtures/origin/identity.ts';
export type { ConnectionRecord, RequestRecord } from '../../fixtures/origin/log.ts';
export type { Origin, TlsOriginOptions } from '../../fixtures/origin/server.ts';
export type { Capability } from '../shared/capabilities.ts';
export type { CaseSpec, DocRef } from '../shared/case-spec.ts';
export type { CreateConnectionHook } from '../shared/protocol.ts';
export { HOOK_CONNECT_ERROR } from '../shared/protocol.ts';
export type { AgentHandle, Snapshot } from './agent.ts';
export { defineCase } from './case.ts';
export type { CaseBody, CaseContext, OriginSpec, ProxyAgentOptions, StepOutcome } from './context.ts';
export type { FaultProxy } from './fault-proxy.ts';
export { type AccessEntry, peakOf, type RealServer, sampleConnections } from './real-server.ts';
export type { RequestHandle, RequestOptions, Target } from './request.ts';
export { CaseFailure } from './verdict.ts';
