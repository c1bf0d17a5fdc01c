// Finding stray-bytes-before-request (agent-conformance, docs/findings.md).
// On a reused keep-alive connection responses are matched to requests by their order (Node's http
// docs, "Response ordering with connection reuse"), so bytes that reached an idle pooled connection
// before the next request was written cannot be that request's response (the suite's case
// faults/stray-bytes-before-request). Here the server, in a worker thread, writes a whole
// unsolicited response on the idle pooled connection while the main thread's event loop is busy;
// the next request is issued in the same turn, before the loop has read those bytes.
// Run: node stray-bytes-before-request.mjs | bun … | deno run -A …
// Exit 1: the request got the unsolicited response; 0: it got its own.
import http from 'node:http';
import { Worker } from 'node:worker_threads';

const written = new Int32Array(new SharedArrayBuffer(4));
const server = new Worker(
  `
const { workerData, parentPort } = require('node:worker_threads');
const http = require('node:http');
const written = new Int32Array(workerData);
let idle = null;
const server = http.createServer((req, res) => {
  idle = req.socket;
  res.setHeader('x-path', req.url);
  res.end('own response to ' + req.url);
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
parentPort.on('message', (m) => {
  if (m === 'stray')
    idle.write('HTTP/1.1 200 OK\\r\\nX-Stray: 1\\r\\nContent-Length: 7\\r\\n\\r\\npoison!', () => Atomics.store(written, 0, 1));
  if (m === 'stop') server.close(() => process.exit(0));
});
`,
  { eval: true, workerData: written.buffer },
);
const port = await new Promise((resolve) => server.once('message', resolve));
const agent = new http.Agent({ keepAlive: true });

function get(path) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ stray: res.headers['x-stray'] === '1', body, reused: req.reusedSocket }));
    });
    req.on('error', (err) => resolve({ stray: false, body: `error ${err.code}`, reused: req.reusedSocket }));
  });
}

await get('/one');
// the socket is back in the pool once the response ended; one more turn for the 'free' handling
await new Promise((resolve) => setImmediate(resolve));
server.postMessage('stray');
// keep the event loop busy until the bytes are written (nothing reads them meanwhile)
const from = performance.now();
while (Atomics.load(written, 0) === 0 && performance.now() - from < 2000);
const second = await get('/two');
console.log(
  `stray bytes written while the loop was busy; the next request (reusedSocket ${second.reused}) got ${second.stray ? 'the unsolicited response' : 'its own response'}: ${JSON.stringify(second.body)}`,
);
agent.destroy();
server.postMessage('stop');
process.exit(second.stray ? 1 : 0);
