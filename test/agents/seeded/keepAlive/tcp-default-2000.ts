/**
 * Seeded bug: without a `keepAliveMsecs` option the agent asks for TCP keep-alive after 2000 ms,
 * not 1000 (the ×2 twin of the default; the kernel shows it on the pooled socket).
 */
import http from 'node:http';

export const seeded = {
  catches: ['keepAlive/tcp-keepalive-default-delay'],
  rule: 'keepAliveMsecs defaults to 1000 (the TCP keep-alive initial delay, as the kernel has it)',
};

export function createAgent(options?: http.AgentOptions): http.Agent {
  return new http.Agent({ ...options, keepAliveMsecs: options?.keepAliveMsecs ?? 2000 });
}
