/** The JUnit reporter: well-formed XML (checked by an independent parser) listing every case. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { renderJUnit } from '../../harness/parent/report/junit.ts';
import type { Report } from '../../harness/parent/report/types.ts';
import { fixture, result } from './helpers.ts';

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
  parseAttributeValue: false,
  trimValues: false,
  textNodeName: '#text',
});

function parse(xml: string): { root: Node; suites: Node[] } {
  assert.equal(XMLValidator.validate(xml), true, 'well-formed');
  const doc = parser.parse(xml) as Node;
  const root = doc.testsuites as Node;
  return { root, suites: root.testsuite as Node[] };
}

function text(node: unknown): string {
  return typeof node === 'string' ? node : String((node as Node)['#text'] ?? '');
}

const report = fixture('hostile');
const xml = renderJUnit(report);
const { root, suites } = parse(xml);

test('one testsuite per area, in report order, with correct counts', () => {
  const areas = [...new Set(report.results.map((r) => r.area))];
  assert.deepEqual(
    suites.map((s) => s.name),
    areas,
  );
  for (const suite of suites) {
    const cases = report.results.filter((r) => r.area === suite.name);
    const n = (f: (s: string) => boolean) => String(cases.filter((r) => f(r.status)).length);
    assert.equal(suite.tests, String(cases.length));
    assert.equal(
      suite.failures,
      n((s) => s === 'fail'),
    );
    assert.equal(
      suite.errors,
      n((s) => s === 'error' || s === 'timeout'),
    );
    assert.equal(
      suite.skipped,
      n((s) => s === 'unsupported' || s === 'skip'),
    );
    assert.equal(suite.time, (cases.reduce((a, r) => a + r.durationMs, 0) / 1000).toFixed(3));
  }
  assert.equal(root.tests, '12');
  assert.equal(root.failures, '3');
  assert.equal(root.errors, '2');
  assert.equal(root.skipped, '2');
  assert.equal(root.timestamp, report.startedAt);
});

test('every case is a testcase with name, classname and time; the status decides the child', () => {
  const cases = suites.flatMap((s) => s.testcase as Node[]);
  assert.deepEqual(
    cases.map((c) => c.name),
    report.results.map((r) => r.id),
  );
  for (const c of cases) {
    const r = result(report, String(c.name));
    assert.equal(c.classname, r.area);
    assert.equal(c.time, (r.durationMs / 1000).toFixed(3));
    const children = ['failure', 'error', 'skipped'].filter((k) => k in c);
    const expected = {
      pass: [],
      fail: ['failure'],
      error: ['error'],
      timeout: ['error'],
      unsupported: ['skipped'],
      skip: ['skipped'],
    };
    assert.deepEqual(children, expected[r.status], r.id);
  }
});

test('hostile strings survive the round trip exactly (attribute and body)', () => {
  const cases = suites.flatMap((s) => s.testcase as Node[]);
  const get = (id: string) => cases.find((c) => c.name === id) as Node;
  const hint = get('keepAlive/hint-parse').failure as Node;
  assert.equal(hint.message, result(report, 'keepAlive/hint-parse').message);
  const header = get('keepAlive/connection-header-default').failure as Node;
  assert.equal(header.message, 'header mismatch | pipes | in the message');
  const body = text(header);
  assert.ok(body.includes('observed: Connection: <script>alert(1)</script>'));
  assert.ok(body.includes('expected: the request carries Connection: keep-alive'));
  assert.ok(body.includes('docs:     "Not to be confused'));
  assert.ok(body.includes('https://nodejs.org/api/http.html#new-agentoptions'));
  assert.ok(body.includes(`repro:    ${result(report, 'keepAlive/connection-header-default').repro}`));
  const timeout = get('timeout/free-destroyed').error as Node;
  assert.equal(timeout.type, 'timeout');
  assert.equal(timeout.message, 'no close within 2000 ms; last event: <img src=x onerror=alert(2)>');
  const trace = text(get('keepAlive/connection-header-default')['system-out']);
  assert.ok(trace.includes('"line":"<script>alert(1)</script> \\"quotes\\" & | pipes | ]]>"'), trace);
  const skipped = get('keepAlive/hint-buffer').skipped as Node;
  assert.equal(skipped.message, 'unsupported: the subject does not declare agentKeepAliveTimeoutBuffer');
  const props = ((suites[0] as Node).properties as Node).property as Node[];
  assert.deepEqual(props.find((p) => p.name === 'subject')?.value, './agents/<i>hostile</i>|agent.ts');
});

test('characters XML cannot hold are replaced, so the file stays well-formed', () => {
  const r: Report = fixture('hostile');
  const c = result(r, 'keepAlive/hint-parse');
  c.message = 'red \u001b[31mX\u001b[0m nul \u0000 lone \ud800 &nbsp; end';
  const out = renderJUnit(r);
  assert.doesNotMatch(out, /&nbsp;/, 'an entity XML does not define never reaches the output');
  const { suites: s } = parse(out);
  const failure = ((s[0] as Node).testcase as Node[]).find((t) => t.name === c.id)?.failure as Node;
  assert.equal(failure.message, 'red \uFFFD[31mX\uFFFD[0m nul \uFFFD lone \uFFFD &nbsp; end');
});

test('a fatal run adds an erroring harness testcase', () => {
  const fatal: Report = {
    ...fixture('hostile'),
    fatal: { message: 'subject failed to load: <x>' },
    results: [],
  };
  const { root: r, suites: s } = parse(renderJUnit(fatal));
  assert.equal(r.tests, '1');
  assert.equal(r.errors, '1');
  assert.equal(s.length, 1);
  const tc = (s[0] as Node).testcase as Node[];
  assert.equal(tc.length, 1);
  const fatalCase = tc[0] as Node;
  assert.equal(fatalCase.name, 'fatal');
  assert.equal((fatalCase.error as Node).message, 'subject failed to load: <x>');
});
