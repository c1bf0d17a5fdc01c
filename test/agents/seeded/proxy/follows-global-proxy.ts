/**
 * Seeded bug: an agent package that follows the process's global proxy settings. It watches
 * `http.setGlobalProxyFromEnv()` and gives every agent it makes afterwards the same proxy
 * variables, so a request through an agent of its own goes through the global proxy too (the docs
 * configure the global agents only; an agent made with `new Agent()` without `proxyEnv` goes
 * directly).
 */
import http from 'node:http';

export const seeded = {
  catches: ['proxy/global-env-proxy'],
  rule: 'http.setGlobalProxyFromEnv() configures the global agents, not an agent made without proxyEnv',
};

type SetGlobal = (env?: Record<string, string>) => () => void;
const runtime = http as unknown as { setGlobalProxyFromEnv?: SetGlobal };
let globalEnv: Record<string, string> | null = null;
const original = runtime.setGlobalProxyFromEnv;
if (original) {
  runtime.setGlobalProxyFromEnv = (env) => {
    const restore = original(env);
    globalEnv = env ? { ...env } : null;
    return () => {
      globalEnv = null;
      restore();
    };
  };
}

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new http.Agent(globalEnv ? { ...options, proxyEnv: globalEnv } : options);
}
