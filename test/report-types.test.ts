/**
 * `agent-conformance/report`: the Report type and reports/report.schema.json say the same thing.
 * The schema is compiled to TypeScript (json-schema-to-typescript) and tsc checks that a report of
 * either type is assignable to the other, so a field added, removed, renamed or retyped on one side
 * only fails here, and their field names must match at every depth. One deliberate difference: the schema enumerates the areas, the type says
 * `string` (a reader of reports from other suite versions may meet other areas).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { compile, type JSONSchema } from 'json-schema-to-typescript';
import { LEVELS, REPORT_SCHEMA_PATH, STATUSES } from '../harness/api/report.ts';
import { ROOT, tempDir } from './helpers/cli.ts';

const schema = JSON.parse(readFileSync(join(ROOT, 'reports/report.schema.json'), 'utf8')) as JSONSchema & {
  $defs: Record<string, { enum?: string[] }>;
};

test('REPORT_SCHEMA_PATH is the schema; levels and statuses are its enums', () => {
  assert.equal(REPORT_SCHEMA_PATH, join(ROOT, 'reports/report.schema.json'));
  assert.deepEqual(schema.$defs.level?.enum, [...LEVELS]);
  assert.deepEqual(schema.$defs.status?.enum, [...STATUSES]);
});

test('the Report type and the schema are assignable both ways', async () => {
  const dir = tempDir('acp-report-types-');
  const generated = await compile(schema, 'Report', { bannerComment: '', strictIndexSignatures: false });
  writeFileSync(join(dir, 'schema-types.ts'), generated);
  writeFileSync(
    join(dir, 'check.ts'),
    `import type { Report } from ${JSON.stringify(join(ROOT, 'harness/api/report.ts'))};
import type { AgentConformanceReport, Result } from './schema-types.ts';

type Widened = Omit<AgentConformanceReport, 'results'> & { results: (Omit<Result, 'area'> & { area: string })[] };
declare const fromSchema: AgentConformanceReport;
declare const fromTypes: Report;
export const schemaToType: Report = fromSchema;
export const typeToSchema: Widened = fromTypes;

// Same field names at every depth, optional ones included (assignability alone lets an optional
// field be renamed on one side).
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Shape<T> = T extends readonly (infer U)[]
  ? Shape<U>[]
  : T extends object
    ? { [K in keyof T]-?: Shape<NonNullable<T[K]>> }
    : 'leaf';
export const sameFields: Equal<Shape<Report>, Shape<AgentConformanceReport>> = true;
`,
  );
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2023',
        allowImportingTsExtensions: true,
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [join(ROOT, 'node_modules/@types')],
      },
      files: ['check.ts'],
    }),
  );
  const tsc = spawnSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', dir], { encoding: 'utf8' });
  assert.equal(tsc.status, 0, `${tsc.stdout}${tsc.stderr}`);
});
