/** The canonical report on disk: `<out>/report.json`. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from './types.ts';

export function writeJsonReport(report: Report, outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'report.json');
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

export function readJsonReport(file: string): Report {
  return JSON.parse(readFileSync(file, 'utf8')) as Report;
}
