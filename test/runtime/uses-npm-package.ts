/**
 * Imports an npm package by bare name, the way a user's agent module would: it must resolve from the
 * node_modules folder nearest this file (the repo's), whatever the runtime and its cwd.
 */
import process from 'node:process';
import Agent from 'agentkeepalive';

const agent = new Agent({ keepAlive: true }) as Agent & { addRequest?: unknown; keepAlive?: unknown };
process.stdout.write(
  `${JSON.stringify({ npmOk: typeof agent.addRequest === 'function' && agent.keepAlive === true })}\n`,
);
agent.destroy();
