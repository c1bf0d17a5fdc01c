/**
 * A tiny program run through every runtime launcher: prints one JSON line
 * `{runtime, version, agentOk, enumOk, cjsOk, args}` and nothing else on stdout.
 * Runtime-neutral: `node:` builtins only; the enum and CommonJS modules are imported by absolute
 * file URL built at run time (so tsc does not follow them into the enum file).
 */
import process from 'node:process';

function runtimeInfo(): { runtime: string; version: string } {
  const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };
  if (g.Bun) return { runtime: 'bun', version: g.Bun.version };
  if (g.Deno) return { runtime: 'deno', version: g.Deno.version.deno };
  return { runtime: 'node', version: process.versions.node };
}

async function check(fn: () => Promise<boolean>): Promise<boolean | string> {
  try {
    return await fn();
  } catch (err) {
    return String((err as Error)?.message ?? err);
  }
}

const fixture = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).href;

const result = {
  ...runtimeInfo(),
  agentOk: await check(async () => {
    const agent = new (await import('node:http')).Agent({ keepAlive: true });
    const ok = (agent as unknown as { keepAlive?: unknown }).keepAlive === true;
    agent.destroy();
    return ok;
  }),
  enumOk: await check(async () => {
    const mod = (await import(fixture('probe-target.ts'))) as { enumWorks(): boolean };
    return mod.enumWorks();
  }),
  cjsOk: await check(async () => {
    const mod = (await import(fixture('probe-helper.cjs'))) as { default: { answer: number } };
    return mod.default.answer === 42;
  }),
  args: process.argv.slice(2),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
