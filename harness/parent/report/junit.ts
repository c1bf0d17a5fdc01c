/**
 * The JUnit XML view of a report, for CI test tabs: one <testsuite> per area inside <testsuites>, one
 * <testcase name="<id>" classname="<area>" time="<seconds>"> per case.
 *
 *   fail                → <failure message="…" type="fail">expected/observed/doc/repro</failure>
 *   error, timeout      → <error message="…" type="error|timeout">…</error>
 *   unsupported, skip   → <skipped message="…"/>
 *
 * A fatal run adds a `harness` suite with one erroring `fatal` case, so CI shows it as a failure.
 * The XML is built with fast-xml-parser's XMLBuilder, which escapes `& < > " '` in text and
 * attributes unconditionally (xmlbuilder2 leaves `&amp;`-looking input alone, which corrupts
 * messages and lets `&nbsp;` through as an undefined entity). Characters XML 1.0 cannot hold at all
 * (ANSI escapes from assertion messages, NUL, lone surrogates) become U+FFFD first.
 */

import { XMLBuilder } from 'fast-xml-parser';
import { incompleteText } from './terminal.ts';
import type { CaseResult, Report, TraceEntry } from './types.ts';

type XmlNode = { [key: string]: string | XmlNode | XmlNode[] };

/** Replaces what the XML 1.0 `Char` production excludes. */
export function xmlSafe(text: string): string {
  return text.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD');
}

function attrs(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`@_${k}`, xmlSafe(v)]));
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function body(r: CaseResult): string {
  const lines: string[] = [`${r.title} (${r.level})`];
  if (r.message !== null) lines.push(`message:  ${r.message}`);
  if (r.expected !== null) lines.push(`expected: ${r.expected}`);
  if (r.observed !== null) lines.push(`observed: ${r.observed}`);
  lines.push(`docs:     "${r.doc.quote}"`, `          ${r.doc.url}`, `repro:    ${r.repro}`);
  return xmlSafe(lines.join('\n'));
}

export function traceLines(trace: readonly TraceEntry[]): string {
  return trace
    .map((e) => {
      const detail = e.detail && Object.keys(e.detail).length > 0 ? ` ${JSON.stringify(e.detail)}` : '';
      return `${e.t.toFixed(1).padStart(8)} ms  ${e.source.padEnd(7)} ${e.event}${detail}`;
    })
    .join('\n');
}

interface Totals {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  ms: number;
}

function totals(results: readonly CaseResult[]): Totals {
  const t: Totals = { tests: results.length, failures: 0, errors: 0, skipped: 0, ms: 0 };
  for (const r of results) {
    if (r.status === 'fail') t.failures++;
    else if (r.status === 'error' || r.status === 'timeout') t.errors++;
    else if (r.status === 'unsupported' || r.status === 'skip') t.skipped++;
    t.ms += r.durationMs;
  }
  return t;
}

function counts(t: Totals): Record<string, string> {
  return {
    tests: String(t.tests),
    failures: String(t.failures),
    errors: String(t.errors),
    skipped: String(t.skipped),
    time: seconds(t.ms),
  };
}

function testcase(r: CaseResult): XmlNode {
  const tc: XmlNode = attrs({ name: r.id, classname: r.area, time: seconds(r.durationMs) });
  const message = r.message ?? r.status;
  if (r.status === 'fail') tc.failure = { ...attrs({ message, type: 'fail' }), '#text': body(r) };
  else if (r.status === 'error' || r.status === 'timeout') {
    tc.error = { ...attrs({ message, type: r.status }), '#text': body(r) };
  } else if (r.status === 'unsupported' || r.status === 'skip') {
    tc.skipped = attrs({ message: `${r.status}: ${message}` });
  }
  if (r.trace && r.trace.length > 0) tc['system-out'] = { '#text': xmlSafe(traceLines(r.trace)) };
  return tc;
}

export function renderJUnit(report: Report): string {
  const { subject, suite } = report;
  const areas = new Map<string, CaseResult[]>();
  for (const r of report.results) areas.set(r.area, [...(areas.get(r.area) ?? []), r]);

  const properties: XmlNode = {
    property: [
      attrs({ name: 'subject', value: subject.name }),
      attrs({ name: 'module', value: subject.module }),
      attrs({ name: 'runtime', value: `${subject.runtime.name} ${subject.runtime.version}` }),
      attrs({ name: 'suite', value: `${suite.name} ${suite.version}` }),
      ...(report.incomplete ? [attrs({ name: 'incomplete', value: incompleteText(report) })] : []),
    ],
  };
  const suites: XmlNode[] = [];
  const all = totals(report.results);
  if (report.fatal) {
    all.tests++;
    all.errors++;
    suites.push({
      ...attrs({
        name: 'harness',
        ...counts({ tests: 1, failures: 0, errors: 1, skipped: 0, ms: report.durationMs }),
      }),
      ...attrs({ timestamp: report.startedAt }),
      properties,
      testcase: [
        {
          ...attrs({ name: 'fatal', classname: 'harness', time: seconds(report.durationMs) }),
          error: {
            ...attrs({ message: report.fatal.message, type: 'fatal' }),
            '#text': xmlSafe(report.fatal.message),
          },
        },
      ],
    });
  }
  for (const [area, results] of areas) {
    suites.push({
      ...attrs({ name: area, ...counts(totals(results)), timestamp: report.startedAt }),
      properties,
      testcase: results.map(testcase),
    });
  }
  const root: XmlNode = {
    testsuites: {
      ...attrs({
        name: `${suite.name} ${suite.version}: ${subject.name} on ${subject.runtime.name} ${subject.runtime.version}`,
        ...counts(all),
        timestamp: report.startedAt,
      }),
      testsuite: suites,
    },
  };
  const builder = new XMLBuilder({ ignoreAttributes: false, format: true, suppressEmptyNode: true });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(root)}`;
}
