/**
 * What a case is, as data: defined in a suite file (suite process), listed and planned by the parent
 * (`--list`, `--only`, the report). Stable ids `<area>/<slug>`.
 */
import type { Capability } from './capabilities.ts';

/**
 * `must`: a documented sentence (Node's docs, or RFC 9112 where they leave a header's meaning to
 * HTTP). `should`: Node-compatible, undocumented. `info`: observed only.
 */
export type Level = 'must' | 'should' | 'info';
export const LEVELS: readonly Level[] = ['must', 'should', 'info'];

/** Where a case's doc may come from: Node's API docs, or RFC 9112 where they defer to HTTP. */
export const DOC_SOURCES = ['https://nodejs.org/api/', 'https://www.rfc-editor.org/rfc/rfc9112#'] as const;

export interface DocRef {
  /** https://nodejs.org/api/http.html#… (or https://www.rfc-editor.org/rfc/rfc9112#section-…) */
  url: string;
  /** The sentence of the documentation the case checks, quoted. */
  quote: string;
  /**
   * The releases whose docs have this text, when it is not in all of them (`v24.5.0, v22.21.0 (…)`
   * for text added then; a rewrite names its pull request and the text it replaced).
   */
  since?: string;
}

export const AREAS = [
  'maxSockets',
  'maxTotalSockets',
  'maxFreeSockets',
  'scheduling',
  'timeout',
  'keepAlive',
  'getName',
  'lifecycle',
  'defaults',
  'faults',
  'proxy',
  'createConnection',
  'https',
  'servers',
] as const;

export type Area = (typeof AREAS)[number];

export interface CaseSpec {
  /** `<area>/<slug>`: stable, never derived from measured values. */
  id: string;
  title: string;
  level: Level;
  /** From the registry in suites/docs.ts. */
  doc: DocRef;
  /** Capabilities the subject must have; otherwise the case is `unsupported`. */
  requires?: Capability[];
  /** What the documentation demands, in words (shown beside what was observed). */
  expected: string;
  /** The body's budget; past it the case is `timeout`. */
  budgetMs?: number;
  /**
   * Run with no other case at the same time (a case that loads the CPU, counts file descriptors or
   * needs the machine quiet for its timing). Every other case may overlap its neighbours.
   */
  alone?: boolean;
}

/** A case's budget unless it says otherwise. */
export const DEFAULT_BUDGET_MS = 6000;

export function areaOf(id: string): string {
  return id.slice(0, id.indexOf('/'));
}
