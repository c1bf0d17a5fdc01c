// Finding agentkeepalive-https-default-port (agent-conformance, docs/findings.md).
// new https.Agent({ defaultPort }) sends requests without a port to defaultPort; agentkeepalive's
// HttpsAgent resets defaultPort to 443.
// Needs: npm install agentkeepalive (without it the repro exits 2).
// Run: node agentkeepalive-https-default-port.mjs
// Exit 1: the option was not kept; 0: it was.
const { HttpsAgent } = await import('agentkeepalive').catch(() => {
  console.error('this repro needs agentkeepalive: npm install agentkeepalive');
  process.exit(2);
});

const agent = new HttpsAgent({ defaultPort: 8443 });
console.log(
  `new HttpsAgent({ defaultPort: 8443 }): agent.defaultPort ${agent.defaultPort}, protocol ${agent.protocol}`,
);
agent.destroy();
process.exit(agent.defaultPort === 8443 ? 0 : 1);
