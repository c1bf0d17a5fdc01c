/** Validates values against reports/report.schema.json. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { ROOT } from './cli.ts';

const schema = JSON.parse(readFileSync(join(ROOT, 'reports/report.schema.json'), 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
const validate = ajv.compile(schema);

/** Returns the schema errors as text, or null when the value is a valid report. */
export function schemaErrors(value: unknown): string | null {
  if (validate(value)) return null;
  return ajv.errorsText(validate.errors, { separator: '\n' });
}
