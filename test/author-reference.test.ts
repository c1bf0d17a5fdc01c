/**
 * suites/README.md is the case author's reference: it must name every public member of
 * `CaseContext` (as `ctx.<member>`), every member of the handles a body works with, and every helper
 * `suites/wire.ts` exports. The members are read from the TypeScript source of
 * harness/suite/case-context.ts: the interface's body, comments stripped, cut at the `;` that end
 * its members at the top level of its braces (TypeScript 7's package offers only an unstable API).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from './helpers/cli.ts';

const CONTEXT_FILE = join(ROOT, 'harness', 'suite', 'case-context.ts');
const WIRE_FILE = join(ROOT, 'suites', 'wire.ts');
const README = readFileSync(join(ROOT, 'suites', 'README.md'), 'utf8');

function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

/** The names of the members declared in `interface <name> … { … }` of `source`. */
function interfaceMembers(source: string, name: string): string[] {
  const text = withoutComments(source);
  const head = new RegExp(`\\binterface\\s+${name}\\b[^{]*\\{`).exec(text);
  assert.ok(head, `interface ${name} is declared`);
  const members: string[] = [];
  let depth = 1;
  let current = '';
  for (let i = head.index + head[0].length; i < text.length && depth > 0; i++) {
    const ch = text[i]!;
    if (ch === '{' || ch === '(' || ch === '[') depth++;
    else if (ch === '}' || ch === ')' || ch === ']') depth--;
    if (depth === 0 || (depth === 1 && ch === ';')) {
      const m = /^(?:readonly\s+)?([A-Za-z_$][\w$]*)\??\s*[(<:]/.exec(current.trim());
      if (m) members.push(m[1]!);
      current = '';
    } else current += ch;
  }
  return members;
}

/** The names `source` exports (functions, constants, classes, types). */
function exportedNames(source: string): string[] {
  return [
    ...withoutComments(source).matchAll(
      /^export\s+(?:async\s+)?(?:function\*?|const|let|class|interface|type)\s+([A-Za-z_$][\w$]*)/gm,
    ),
  ].map((m) => m[1]!);
}

/** The README's code: its code blocks and code spans (a span may run over a line break). */
const code = [...README.matchAll(/```[\s\S]*?```|`[^`]+`/g)].map((m) => m[0]).join('\n');
/** Every word written in the README's code. */
const codeWords = new Set(code.match(/[A-Za-z_$][\w$]*/g) ?? []);

test('the member reader reads an interface as TypeScript declares it', () => {
  const sample = `
    /** doc */
    export interface Sample extends Base {
      readonly a: { x: number; y: string }[];
      // a comment; with a semicolon
      b?(x: number): void;
      c<T>(f: () => T): Promise<T>;
      readonly d: 'x' | 'y';
    }
    interface Other { e: number }`;
  assert.deepEqual(interfaceMembers(sample, 'Sample'), ['a', 'b', 'c', 'd']);
  assert.deepEqual(interfaceMembers(sample, 'Other'), ['e']);
});

test('suites/README.md names every member of CaseContext as ctx.<member>', () => {
  const members = interfaceMembers(readFileSync(CONTEXT_FILE, 'utf8'), 'CaseContext');
  // the reader found the interface, not an empty or cut body
  for (const known of ['origin', 'agent', 'waitFor', 'mayFail', 'skip']) assert.ok(members.includes(known));
  const missing = members.filter((m) => !new RegExp(`\\bctx\\.${m}(?![\\w$])`).test(code));
  assert.deepEqual(missing, [], 'CaseContext members suites/README.md does not name as `ctx.<member>`');
});

test('suites/README.md names every member of the handles a body works with', () => {
  const source = readFileSync(CONTEXT_FILE, 'utf8');
  const missing: string[] = [];
  for (const handle of [
    'AgentHandle',
    'RequestHandle',
    'SocketEvent',
    'Snapshot',
    'FaultProxy',
    'RealServer',
  ]) {
    const members = interfaceMembers(source, handle);
    assert.ok(members.length > 0, `${handle} has members`);
    for (const m of members) if (!codeWords.has(m)) missing.push(`${handle}.${m}`);
  }
  assert.deepEqual(missing, [], 'handle members suites/README.md does not name');
});

test('suites/README.md names every helper suites/wire.ts exports', () => {
  const names = exportedNames(readFileSync(WIRE_FILE, 'utf8'));
  for (const known of ['arrived', 'timerWindow', 'upstreamConnection']) assert.ok(names.includes(known));
  const missing = names.filter((n) => !codeWords.has(n));
  assert.deepEqual(missing, [], 'suites/wire.ts exports suites/README.md does not name');
});
