/**
 * Subjects: a built-in name (`node`, `agentkeepalive`, `undici`, and the proxy-only `proxy-agents`
 * and `hpagent`) or a path to a module exporting `createAgent(options)`, `createDispatcher(options)`
 * or a default function, and/or a proxy factory (`createProxyAgent` / `createProxyDispatcher`,
 * harness/subject/proxy-contract.ts). Relative paths resolve against the working directory.
 */

import { existsSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { codeFile } from '../shared/paths.ts';
import { UsageError } from './errors.ts';

export const BUILTIN_SUBJECTS: Record<string, string> = {
  node: codeFile('harness/subject/builtins/node'),
  agentkeepalive: codeFile('harness/subject/builtins/agentkeepalive'),
  undici: codeFile('harness/subject/builtins/undici'),
  'proxy-agents': codeFile('harness/subject/builtins/proxy-agents'),
  hpagent: codeFile('harness/subject/builtins/hpagent'),
};

export const MODULE_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

export interface ResolvedSubject {
  name: string;
  module: string;
  builtin: boolean;
}

export function resolveSubject(spec: string, cwd = process.cwd()): ResolvedSubject {
  const looksLikePath =
    spec.includes('/') || spec.includes('\\') || MODULE_EXTENSIONS.includes(extname(spec));
  const builtin = BUILTIN_SUBJECTS[spec];
  if (builtin && !looksLikePath) return { name: spec, module: builtin, builtin: true };
  const path = resolve(cwd, spec);
  if (!existsSync(path)) {
    const names = Object.keys(BUILTIN_SUBJECTS).join(', ');
    throw new UsageError(
      looksLikePath
        ? `no such file: ${path}`
        : `unknown subject "${spec}": give a module path or one of: ${names}`,
    );
  }
  if (statSync(path).isDirectory()) throw new UsageError(`${path} is a directory; give the module file`);
  if (!MODULE_EXTENSIONS.includes(extname(path))) {
    throw new UsageError(`${path}: a subject module ends in ${MODULE_EXTENSIONS.join(' ')}`);
  }
  return { name: spec, module: path, builtin: false };
}
