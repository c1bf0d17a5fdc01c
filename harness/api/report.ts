/**
 * `agent-conformance/report`: the report types (what `report.json` holds, and what `run()` returns)
 * and the path of their JSON Schema, `reports/report.schema.json` (test/report-types.test.ts keeps
 * the two in step).
 */
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../shared/paths.ts';

export type {
  CaseResult,
  ContainersInfo,
  DocRef,
  Level,
  NoteTraceEntry,
  Report,
  ServerTraceEntry,
  Status,
  StatusCounts,
  Summary,
  TraceEntry,
  WireEvent,
} from '../parent/report/types.ts';
export { LEVELS, SCHEMA_VERSION, STATUSES } from '../parent/report/types.ts';

/** Absolute path of the report's JSON Schema (also exported as `agent-conformance/report.schema.json`). */
export const REPORT_SCHEMA_PATH: string = join(PACKAGE_ROOT, 'reports', 'report.schema.json');
