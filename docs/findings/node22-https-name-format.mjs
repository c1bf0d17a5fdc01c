// Finding node22-https-name-format (agent-conformance, docs/findings.md).
// The name an https.Agent pools a request without TLS options under: Node 24.21 gives 'a:443:'
// followed by 20 colons; Node 22.23.5 gives 28, with length-prefixed TLS fields.
// Run: node node22-https-name-format.mjs (under the Node line to check)
// Exit 1: the name is not Node 24's; 0: it is.
import https from 'node:https';

const agent = new https.Agent();
const name = agent.getName({ host: 'a', port: 443 });
const withKey = agent.getName({ host: 'a', port: 443, key: 'K', passphrase: 'P' });
const expected = `a:443:${':'.repeat(20)}`;
console.log(
  `Node ${process.version}: getName() ${JSON.stringify(name)} (${name.length - 6} colons after 'a:443:'); with key and passphrase ${JSON.stringify(withKey)}`,
);
process.exit(name === expected ? 0 : 1);
