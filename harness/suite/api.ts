/**
 * Everything a suite file needs, in one import: `defineCase`, the context a body gets and the
 * handles it works with (./case-context.ts: `CaseContext`, `AgentHandle`, `RequestHandle`,
 * `FaultProxy`, `RealServer`…), the fixtures a case runs against (`Origin`, `ForwardProxy`) and the
 * wire records it asserts on. Suites import from here and from ../../suites/ helpers only; the
 * runner, the session and the protocol stay out of their sight. suites/README.md is the reference.
 */

// the fixtures: the forward proxy (`ctx.forwardProxy()`) and its records
export type {
  ForwardProxy,
  ProxyConnectionRecord,
  ProxyRequestRecord,
  ProxyUpstreamRecord,
} from '../../fixtures/forward-proxy/server.ts';
// the test PKI, for TLS options
export { clientCert, testCa, untrustedCa } from '../../fixtures/origin/certs.ts';
// one end of a connection, as `Origin.connectionFrom` takes it
export { type Endpoint, plainAddress } from '../../fixtures/origin/identity.ts';
// the origin's records of connections and requests
export type { ConnectionRecord, RequestRecord } from '../../fixtures/origin/log.ts';
export { PFX_BUNDLES, PFX_PASSPHRASE, pfxCommonName } from '../../fixtures/origin/pfx.ts';
// the instrumented origin (`ctx.origin()`) and its TLS options
export type { Origin, TlsOriginOptions } from '../../fixtures/origin/server.ts';
// the case as data
export type { Capability } from '../shared/capabilities.ts';
export type { CaseSpec, DocRef } from '../shared/case-spec.ts';
// the agent hooks' `createConnection` forms, and the error its `'error'` forms call back
export type { CreateConnectionHook } from '../shared/protocol.ts';
export { HOOK_CONNECT_ERROR, IDENTITY_REJECTED_CODE } from '../shared/protocol.ts';
export { defineCase } from './case.ts';
// the author's view: the context and the handles
export type {
  AgentHandle,
  CaseBody,
  CaseContext,
  FaultProxy,
  ForwardProxyCaseOptions,
  OriginSpec,
  ProxyAgentOptions,
  RealServer,
  RequestHandle,
  RequestOptions,
  Snapshot,
  SocketEvent,
  StepOutcome,
  Target,
  TlsHandshake,
  ToxicOptions,
} from './case-context.ts';
// what a body throws to fail the case with a message (as `ctx.fail` does)
export { CaseFailure } from './case-outcome.ts';
// real servers' access logs and their connections as the kernel lists them (`servers` area)
export {
  type AccessEntry,
  type ConnectionSample,
  peakOf,
  sampleConnections,
  sampledConnections,
} from './real-server.ts';
