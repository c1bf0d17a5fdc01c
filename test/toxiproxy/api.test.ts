/**
 * Every endpoint through toxiproxy-node-client, and the exact responses
 * (status, content type, JSON shape and key order, error bodies) with plain
 * fetch where the client hides them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Latency, ToxiproxyError } from 'toxiproxy-node-client';
import { createProxy, type Env, echoServer, portOf, setup, tryConnect } from './helpers.ts';

const T = { timeout: 10_000 };

async function call(
  env: Env,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string | null; text: string; headers: Headers }> {
  const res = await fetch(`${env.tp.url}${path}`, { method, body, headers });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    text: await res.text(),
    headers: res.headers,
  };
}

const errorBody = (error: string, status: number): string => `${JSON.stringify({ error, status })}\n`;

async function assertError(
  env: Env,
  method: string,
  path: string,
  body: string | undefined,
  status: number,
  message: string,
): Promise<void> {
  const r = await call(env, method, path, body);
  assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
  assert.equal(r.type, 'text/plain; charset=utf-8');
  assert.equal(r.text, errorBody(message, status));
}

test('version: the client gets Toxiproxy 2.12.0 raw text', T, async (t) => {
  const env = await setup(t);
  assert.equal(await env.client.getVersion(), '{"version": "2.12.0"}\n');
  const r = await call(env, 'GET', '/version');
  assert.equal(r.type, 'application/json;charset=utf-8');
  assert.match(r.headers.get('x-toxiproxy-request-id') ?? '', /^\S+$/);
});

test('proxy create, get, getAll, update, remove through the client', T, async (t) => {
  const env = await setup(t);
  const upstream = `127.0.0.1:${await echoServer(t)}`;
  const created = await env.client.createProxy({ name: 'api', listen: '127.0.0.1:0', upstream });
  assert.equal(created.name, 'api');
  assert.equal(created.upstream, upstream);
  assert.equal(created.enabled, true);
  assert.match(created.listen, /^127\.0\.0\.1:\d+$/);
  assert.notEqual(portOf(created.listen), 0);
  assert.equal(await tryConnect(portOf(created.listen)), 'connected');

  const got = await env.client.get('api');
  assert.deepEqual(got.toJson(), created.toJson());
  const all = await env.client.getAll();
  assert.deepEqual(Object.keys(all), ['api']);
  assert.equal(all.api?.listen, created.listen);

  const disabled = await got.update({ enabled: false, listen: got.listen, upstream });
  assert.equal(disabled.enabled, false);
  assert.equal(disabled.listen, created.listen, 'disabling keeps the address');
  assert.equal(await tryConnect(portOf(created.listen)), 'ECONNREFUSED');
  const enabled = await got.update({ enabled: true, listen: got.listen, upstream });
  assert.equal(enabled.enabled, true);
  assert.equal(enabled.listen, created.listen, 're-enabling listens on the stored address');
  assert.equal(await tryConnect(portOf(created.listen)), 'connected');

  await got.remove();
  await assert.rejects(env.client.get('api'), (e: unknown) => {
    assert.ok(e instanceof ToxiproxyError);
    assert.equal(e.message, 'Request failed with status code 404');
    return true;
  });
  assert.equal(await tryConnect(portOf(created.listen)), 'ECONNREFUSED');
  assert.deepEqual(await env.client.getAll(), {});
});

test('proxy JSON: Go key order, Logger, toxics upstream first; GET /proxies sorted by name', T, async (t) => {
  const env = await setup(t);
  const port = await echoServer(t);
  const b = await createProxy(env, 'b', port);
  await createProxy(env, 'a', port);
  await b.addToxic<Latency>({
    name: 'down1',
    type: 'latency',
    stream: 'downstream',
    toxicity: 1,
    attributes: { latency: 5, jitter: 0 },
  });
  await b.addToxic<Latency>({
    name: 'up1',
    type: 'latency',
    stream: 'upstream',
    toxicity: 0.5,
    attributes: { latency: 7, jitter: 1 },
  });
  const r = await call(env, 'GET', '/proxies/b');
  assert.equal(r.status, 200);
  assert.equal(r.type, 'application/json');
  assert.equal(
    r.text,
    `{"name":"b","listen":"${b.listen}","upstream":"127.0.0.1:${port}","enabled":true,"Logger":{},"toxics":[` +
      '{"attributes":{"latency":7,"jitter":1},"name":"up1","type":"latency","stream":"upstream","toxicity":0.5},' +
      '{"attributes":{"latency":5,"jitter":0},"name":"down1","type":"latency","stream":"downstream","toxicity":1}]}',
  );
  const index = await call(env, 'GET', '/proxies');
  assert.deepEqual(Object.keys(JSON.parse(index.text)), ['a', 'b']);
  assert.match(index.text, /^\{"a":\{"name":"a",/);
});

test(
  'listen: localhost:0 becomes 127.0.0.1:<port>; non-loopback hosts are refused with a 500',
  T,
  async (t) => {
    const env = await setup(t);
    const port = await echoServer(t);
    const p = await env.client.createProxy({
      name: 'lh',
      listen: 'localhost:0',
      upstream: `127.0.0.1:${port}`,
    });
    assert.match(p.listen, /^127\.0\.0\.1:[1-9]\d*$/);
    for (const listen of ['0.0.0.0:0', ':0', '[::1]:0', '10.0.0.1:0']) {
      const r = await call(env, 'POST', '/proxies', JSON.stringify({ name: 'x', listen, upstream: 'a:1' }));
      assert.equal(r.status, 500, listen);
      assert.match(JSON.parse(r.text).error, /^listen tcp .*loopback only/);
    }
    assert.deepEqual(
      Object.keys(await env.client.getAll()),
      ['lh'],
      'a proxy that failed to start is not added',
    );
    // Disabled: not started, listen stays as sent.
    const d = await env.client.createProxy({
      name: 'off',
      listen: 'localhost:0',
      upstream: `127.0.0.1:${port}`,
      enabled: false,
    });
    assert.equal(d.listen, 'localhost:0');
    assert.equal(d.enabled, false);
  },
);

test("bind failure: address already in use is a 500 with Go's message", T, async (t) => {
  const env = await setup(t);
  const p = await createProxy(env, 'first', await echoServer(t));
  await assertError(
    env,
    'POST',
    '/proxies',
    JSON.stringify({ name: 'second', listen: p.listen, upstream: 'x:1' }),
    500,
    `listen tcp ${p.listen}: bind: address already in use`,
  );
});

test(
  'update: re-sending the resolved listen keeps connections; a new address moves the proxy',
  T,
  async (t) => {
    const env = await setup(t);
    const port = await echoServer(t);
    const p = await createProxy(env, 'mv', port);
    const same = await p.update({ enabled: true, listen: p.listen, upstream: p.upstream });
    assert.equal(same.listen, p.listen);
    const moved = await p.update({ enabled: true, listen: '127.0.0.1:0', upstream: p.upstream });
    assert.notEqual(moved.listen, p.listen);
    assert.equal(await tryConnect(portOf(moved.listen)), 'connected');
    assert.equal(await tryConnect(portOf(p.listen)), 'ECONNREFUSED');
    // PATCH works like POST, and missing fields keep their values.
    const r = await call(env, 'PATCH', '/proxies/mv', '{"Enabled":false}');
    assert.equal(r.status, 200);
    const body = JSON.parse(r.text);
    assert.equal(body.enabled, false);
    assert.equal(body.listen, moved.listen);
    assert.equal(body.upstream, p.upstream);
  },
);

test('populate: creates, keeps an identical proxy with its toxics, replaces a changed one', T, async (t) => {
  const env = await setup(t);
  const port = await echoServer(t);
  const up = `127.0.0.1:${port}`;
  const first = await env.client.populate([
    { name: 'p1', listen: '127.0.0.1:0', upstream: up },
    { name: 'p2', listen: '127.0.0.1:0', upstream: up, enabled: false },
  ]);
  assert.deepEqual(Object.keys(first).sort(), ['p1', 'p2']);
  assert.equal(first.p1?.enabled, true);
  assert.equal(first.p2?.enabled, false);
  const p1 = first.p1!;
  await p1.addToxic<Latency>({
    name: 'keep',
    type: 'latency',
    stream: 'downstream',
    toxicity: 1,
    attributes: { latency: 1, jitter: 0 },
  });
  const second = await env.client.populate([{ name: 'p1', listen: p1.listen, upstream: up }]);
  assert.equal(second.p1?.listen, p1.listen);
  let toxics = JSON.parse((await call(env, 'GET', '/proxies/p1/toxics')).text) as { name: string }[];
  assert.deepEqual(
    toxics.map((x) => x.name),
    ['keep'],
    'an identical entry keeps the proxy and its toxics',
  );
  const third = await env.client.populate([{ name: 'p1', listen: '127.0.0.1:0', upstream: up }]);
  assert.notEqual(third.p1?.listen, p1.listen);
  toxics = JSON.parse((await call(env, 'GET', '/proxies/p1/toxics')).text);
  assert.deepEqual(toxics, [], 'a replaced proxy loses its toxics');
  assert.deepEqual(Object.keys(await env.client.getAll()).sort(), ['p1', 'p2'], 'populate never deletes');

  const r = await call(env, 'POST', '/populate', '[]');
  assert.equal(r.status, 201);
  assert.equal(r.text, '{"proxies":null}');
  await assert.rejects(env.client.populate([]), TypeError, 'the client throws on {"proxies":null}');
});

test(
  'populate errors: nothing is created when an entry lacks a field; partial list on a start failure',
  T,
  async (t) => {
    const env = await setup(t);
    let r = await call(
      env,
      'POST',
      '/populate',
      JSON.stringify([{ name: 'ok', upstream: 'a:1' }, { name: 'bad' }]),
    );
    assert.equal(r.status, 400);
    assert.equal(r.type, 'application/json');
    assert.equal(
      r.text,
      '{"error":"missing required field: upstream at proxy 2","status":400,"proxies":null}',
    );
    assert.deepEqual(await env.client.getAll(), {});
    r = await call(
      env,
      'POST',
      '/populate',
      JSON.stringify([
        { name: 'good', listen: '127.0.0.1:0', upstream: 'a:1' },
        { name: 'bad', listen: '0.0.0.0:0', upstream: 'a:1' },
        { name: 'never', listen: '127.0.0.1:0', upstream: 'a:1' },
      ]),
    );
    assert.equal(r.status, 500);
    const body = JSON.parse(r.text);
    assert.deepEqual(Object.keys(body), ['error', 'status', 'proxies']);
    assert.equal(body.status, 500);
    assert.deepEqual(
      body.proxies.map((p: { name: string }) => p.name),
      ['good'],
    );
    assert.deepEqual(Object.keys(await env.client.getAll()), ['good']);
  },
);

test('reset: re-enables every proxy and removes every toxic', T, async (t) => {
  const env = await setup(t);
  const port = await echoServer(t);
  const p = await createProxy(env, 'r1', port);
  await p.addToxic<Latency>({
    name: 'l',
    type: 'latency',
    stream: 'upstream',
    toxicity: 1,
    attributes: { latency: 10, jitter: 0 },
  });
  await p.update({ enabled: false, listen: p.listen, upstream: p.upstream });
  assert.equal(await tryConnect(portOf(p.listen)), 'ECONNREFUSED');
  await env.client.reset();
  const after = await env.client.get('r1');
  assert.equal(after.enabled, true);
  assert.equal(after.listen, p.listen);
  assert.equal((await call(env, 'GET', '/proxies/r1/toxics')).text, '[]');
  assert.equal(await tryConnect(portOf(p.listen)), 'connected');
  const r = await call(env, 'POST', '/reset');
  assert.equal(r.status, 204);
  assert.equal(r.text, '');
});

test('toxics CRUD through the client: add, get, update (merge), remove', T, async (t) => {
  const env = await setup(t);
  const p = await createProxy(env, 'tx', await echoServer(t));
  const added = await p.addToxic<Latency>({
    name: 'lat',
    type: 'latency',
    stream: 'upstream',
    toxicity: 0.25,
    attributes: { latency: 100, jitter: 10 },
  });
  assert.deepEqual(added.toJson(), {
    attributes: { latency: 100, jitter: 10 },
    name: 'lat',
    stream: 'upstream',
    toxicity: 0.25,
    type: 'latency',
  });
  const got = await p.getToxic<Latency>('lat');
  assert.deepEqual(got.toJson(), added.toJson());
  // The server merges attributes and keeps toxicity when absent (the client types demand all fields).
  const r = await call(env, 'POST', '/proxies/tx/toxics/lat', '{"attributes":{"jitter":3}}');
  assert.equal(r.status, 200);
  assert.equal(
    r.text,
    '{"attributes":{"latency":100,"jitter":3},"name":"lat","type":"latency","stream":"upstream","toxicity":0.25}',
  );
  const updated = await got.update({ ...got.toJson(), toxicity: 1, attributes: { latency: 5, jitter: 0 } });
  assert.deepEqual(updated.attributes, { latency: 5, jitter: 0 });
  assert.equal(updated.toxicity, 1);
  await updated.remove();
  await assert.rejects(p.getToxic('lat'), /Request failed with status code 404/);
});

test(
  'toxic defaults: name <type>_<stream>, downstream, toxicity 1, zero-filled attributes; 200 not 201',
  T,
  async (t) => {
    const env = await setup(t);
    await createProxy(env, 'd', await echoServer(t));
    let r = await call(env, 'POST', '/proxies/d/toxics', '{"type":"slicer"}');
    assert.equal(r.status, 200);
    assert.equal(
      r.text,
      '{"attributes":{"average_size":0,"size_variation":0,"delay":0},"name":"slicer_downstream","type":"slicer","stream":"downstream","toxicity":1}',
    );
    r = await call(
      env,
      'POST',
      '/proxies/d/toxics',
      '{"type":"limit_data","stream":"UpStream","toxicity":0.1}',
    );
    assert.equal(
      r.text,
      '{"attributes":{"bytes":0},"name":"limit_data_UpStream","type":"limit_data","stream":"UpStream","toxicity":0.1}',
    );
    for (const type of ['latency', 'bandwidth', 'slow_close', 'timeout', 'reset_peer', 'noop']) {
      r = await call(env, 'POST', '/proxies/d/toxics', JSON.stringify({ type, name: type }));
      assert.equal(r.status, 200, type);
    }
    const list = JSON.parse((await call(env, 'GET', '/proxies/d/toxics')).text) as { name: string }[];
    assert.deepEqual(
      list.map((x) => x.name),
      [
        'limit_data_UpStream',
        'slicer_downstream',
        'latency',
        'bandwidth',
        'slow_close',
        'timeout',
        'reset_peer',
        'noop',
      ],
    );
  },
);

test('error responses match Toxiproxy', T, async (t) => {
  const env = await setup(t);
  await createProxy(env, 'e', await echoServer(t));
  await call(env, 'POST', '/proxies/e/toxics', '{"type":"latency","name":"lat"}');
  await assertError(env, 'GET', '/proxies/nope', undefined, 404, 'proxy not found');
  await assertError(env, 'DELETE', '/proxies/nope', undefined, 404, 'proxy not found');
  await assertError(env, 'GET', '/proxies/nope/toxics', undefined, 404, 'proxy not found');
  await assertError(env, 'POST', '/proxies', '{"name":"e","upstream":"a:1"}', 409, 'proxy already exists');
  await assertError(env, 'POST', '/proxies', '{"upstream":"a:1"}', 400, 'missing required field: name');
  await assertError(env, 'POST', '/proxies', '{"name":"n"}', 400, 'missing required field: upstream');
  await assertError(env, 'POST', '/proxies', '', 400, 'bad request body: EOF');
  await assertError(env, 'POST', '/proxies', '{"name":', 400, 'bad request body: unexpected EOF');
  await assertError(
    env,
    'POST',
    '/proxies',
    'nope',
    400,
    "bad request body: invalid character 'o' in literal null (expecting 'u')",
  );
  // Go's encoder escapes <, > and & in JSON strings.
  const lt = await call(env, 'POST', '/proxies', '<x>');
  assert.equal(lt.status, 400);
  assert.equal(
    lt.text,
    `{"error":"bad request body: invalid character '\\u003c' looking for beginning of value","status":400}\n`,
  );
  await assertError(
    env,
    'POST',
    '/proxies',
    '{"name":1,"upstream":"a:1"}',
    400,
    'bad request body: json: cannot unmarshal number into Go struct field Proxy.name of type string',
  );
  await assertError(
    env,
    'POST',
    '/proxies/e/toxics',
    '{"type":"latency","stream":"sideways"}',
    400,
    'stream was invalid, can be either upstream or downstream',
  );
  await assertError(env, 'POST', '/proxies/e/toxics', '{"type":"down"}', 400, 'invalid toxic type');
  await assertError(
    env,
    'POST',
    '/proxies/e/toxics',
    '{"type":"latency","name":"lat"}',
    409,
    'toxic already exists',
  );
  await assertError(
    env,
    'POST',
    '/proxies/e/toxics',
    '{"type":"timeout","name":"lat","stream":"upstream"}',
    409,
    'toxic already exists',
  );
  await assertError(
    env,
    'POST',
    '/proxies/e/toxics',
    '{"type":"latency","name":"l2","attributes":{"latency":1.5}}',
    400,
    'bad request body: json: cannot unmarshal number 1.5 into Go struct field LatencyToxic.attributes.latency of type int64',
  );
  await assertError(env, 'POST', '/proxies/nope/toxics', '{"type":"latency"}', 404, 'proxy not found');
  await assertError(env, 'GET', '/proxies/e/toxics/nope', undefined, 404, 'toxic not found');
  await assertError(env, 'POST', '/proxies/e/toxics/nope', '{}', 404, 'toxic not found');
  await assertError(env, 'DELETE', '/proxies/e/toxics/nope', undefined, 404, 'toxic not found');
  await assertError(env, 'GET', '/proxies/nope/toxics/lat', undefined, 404, 'proxy not found');

  let r = await call(env, 'GET', '/nothing');
  assert.equal(r.status, 404);
  assert.equal(r.text, '404 page not found\n');
  r = await call(env, 'PUT', '/proxies');
  assert.equal(r.status, 405);
  assert.equal(r.text, '');
  r = await call(env, 'GET', '/proxies', undefined, { 'user-agent': 'Mozilla/5.0' });
  assert.equal(r.status, 403);
  assert.equal(r.text, 'User agent not allowed\n');
});

test('the client reports refused API connections as fetch failures', T, async (t) => {
  const env = await setup(t);
  await env.tp.stop();
  await assert.rejects(env.client.getAll(), (e: unknown) => {
    assert.ok(e instanceof ToxiproxyError);
    assert.equal(e.name, 'TypeError');
    assert.equal(e.message, 'fetch failed');
    return true;
  });
});
