import assert from 'node:assert/strict';
import { defineCase } from '../harness/case.ts';

const DOC = 'https://nodejs.org/api/http.html';

defineCase(
  {
    id: 'keepAlive/reuse',
    title: 'a pooled socket carries the next request',
    level: 'must',
    doc: {
      url: `${DOC}#new-agentoptions`,
      quote:
        'keepAlive: Keep sockets around even when there are no outstanding requests, so they can be used for future requests without having to reestablish a TCP connection.',
    },
    expected: 'two sequential requests share one server connection; the second has reusedSocket === true',
  },
  async (ctx) => {
    const origin = await ctx.origin();
    const agent = await ctx.agent({ keepAlive: true });
    const first = await (await agent.request({ origin })).completed();
    await ctx.waitFor('the socket to be pooled', () => agent.frees.length === 1, 1000);
    const second = await (await agent.request({ origin })).completed();
    ctx.observe(
      `server saw ${origin.connections.length} connection(s); reusedSocket ${first.socket?.reusedSocket} then ${second.socket?.reusedSocket}`,
    );
    assert.equal(origin.connections.length, 1, 'one connection for both requests');
    assert.equal(origin.requests[1]?.nth, 2, 'the second request is the 2nd on its connection');
    assert.equal(second.socket?.reusedSocket, true, 'req.reusedSocket is true on the reused socket');
  },
);
