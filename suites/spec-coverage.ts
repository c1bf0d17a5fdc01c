/**
 * The spec coverage map: every testable sentence of the agent-related parts of Node's http, https and
 * net documentation, with the cases that check it, and the sentences left out with the reason.
 * `scripts/spec-coverage.ts` renders it into docs/spec-coverage.md; test/spec-coverage.test.ts keeps
 * it honest (every case id exists, every suites/docs.ts entry has its sentence here, a case's `doc`
 * is a sentence the map says the case covers, the md is current).
 *
 * Status: `covered` when a case fails an agent that breaks the sentence (seen on the wire, or on the
 * agent's API where the sentence is about the API); `partly` when cases check some of it or only
 * indirectly; `not` when no case does. A quote is short: the sentence, or the part the status is
 * about, in the docs' words.
 */
import type { DocName } from './docs.ts';

export const SOURCE = {
  /** What the sentences were read from. */
  basis:
    'the newest docs this map could be checked against: v26.5.0 is the newest release seen, and every sentence below was read in the sources listed',
  read: [
    'nodejs/node doc/api/http.md and doc/api/https.md at 2894849284fd58f902f2066e6c134429c4c0fc0c (main after v24.5.0), from the public-source index: the full text of every section below',
    'the changes after it, from the v26.5.0 / nightly doc pages: nodejs/node#58205 (agent.createConnection rewritten), #60953 (http.setGlobalProxyFromEnv(), v25.4.0 / v24.14.0), the "Response ordering with connection reuse" section, request.destroy() returning the socket to the pool "if possible", clientCertEngine marked "(deprecated)"',
    'doc/api/net.md, socket.connect(options) and net.createConnection(options): the options an agent passes on (checked against index copies of net.md)',
    'doc/api/https.md with clientCertEngine "(deprecated)" (nodejs/node#53329) and the https.globalAgent keep-alive sentence, from a newer index copy',
  ],
  note: 'A full clone of nodejs/node was over the size the tool library can fetch, so the text is the index copy plus the later changes named above, each checked against a published page.',
} as const;

export const PAGES = {
  http: 'https://nodejs.org/api/http.html',
  https: 'https://nodejs.org/api/https.html',
  net: 'https://nodejs.org/api/net.html',
  tls: 'https://nodejs.org/api/tls.html',
  rfc9112: 'https://www.rfc-editor.org/rfc/rfc9112',
} as const;
export type Page = keyof typeof PAGES;

export const SECTIONS = [
  'http.Agent',
  'new Agent([options])',
  'agent.createConnection()',
  'agent.keepSocketAlive() and agent.reuseSocket()',
  'agent.destroy() and the properties',
  'http.ClientRequest',
  'http.globalAgent',
  'http.request()',
  'Built-in proxy support',
  'https',
  'socket.connect() options',
  'tls.connect() options a request passes on',
  'RFC 9112, where the docs defer to HTTP',
] as const;
export type Section = (typeof SECTIONS)[number];

export type Status = 'covered' | 'partly' | 'not';

export interface Sentence {
  /** Stable id: `<section key>/<slug>`. */
  id: string;
  section: Section;
  page: Page;
  anchor: string;
  quote: string;
  status: Status;
  /** The cases that check it (for `partly`, the ones that check part of it). */
  cases: string[];
  /** The suites/docs.ts entry that quotes this sentence, when cases take it as their `doc`. */
  doc?: DocName;
  /** What is missing, for `partly` and `not`; what makes it count, where that is not obvious. */
  note?: string;
}

export type SkipReason =
  | 'prose'
  | 'advice'
  | 'example'
  | 'history'
  | 'deprecation'
  | 'type'
  | 'not the agent';

export interface Skipped {
  section: Section;
  page: Page;
  anchor: string;
  quote: string;
  reason: SkipReason;
}

/**
 * Case ids this map names that the `spec-cases` branch adds (issue #20's ten sentences). They may be
 * missing until that branch is merged; the integrator deletes this list then, and the test requires
 * every id again.
 */
export const PENDING_CASES: readonly string[] = [];

type Row = Omit<Sentence, 'section' | 'page'>;

function section(name: Section, page: Page, rows: Row[]): Sentence[] {
  return rows.map((r) => ({ section: name, page, ...r }));
}

const AGENT = 'class-httpagent';
const OPTS = 'new-agentoptions';
const CC = 'agentcreateconnectionoptions-callback';
const KSA = 'agentkeepsocketalivesocket';
const RS = 'agentreusesocketsocket-request';
const REQ = 'httprequesturl-options-callback';
const PROXY = 'built-in-proxy-support';
const NOPROXY = 'no_proxy-format';
const CONNECT = 'socketconnectoptions-connectlistener';
const GLOBAL_PROXY = 'httpsetglobalproxyfromenvproxyenv';

export const SENTENCES: Sentence[] = [
  ...section('http.Agent', 'http', [
    {
      id: 'agent/queue-per-host',
      anchor: AGENT,
      quote:
        'It maintains a queue of pending requests for a given host and port, reusing a single socket connection for each until the queue is empty, at which time the socket is either destroyed or put into a pool',
      status: 'covered',
      cases: ['faults/slow-body-busy', 'maxSockets/queue-fifo'],
      doc: 'agentQueuePerHost',
    },
    {
      id: 'agent/destroyed-or-pooled',
      anchor: AGENT,
      quote: 'Whether it is destroyed or pooled depends on the `keepAlive` option.',
      status: 'covered',
      cases: [
        'keepAlive/disabled-destroys-idle',
        'keepAlive/disabled-serves-queue',
        'keepAlive/replacement-pooled-after-close',
      ],
      doc: 'agentQueueDestroyedOrPooled',
    },
    {
      id: 'agent/pooled-tcp-keepalive',
      anchor: AGENT,
      quote:
        'Pooled connections have TCP Keep-Alive enabled for them, but servers may still close idle connections, in which case they will be removed from the pool',
      status: 'covered',
      cases: [
        'faults/idle-fin',
        'faults/idle-reset',
        'faults/proxy-reenabled',
        'keepAlive/tcp-keepalive-pooled',
        'keepAlive/tcp-keepalive-active',
        'proxy/tunnel-closed-by-proxy',
        'servers/nginx-idle-close',
        'servers/haproxy-idle-close',
      ],
      doc: 'pooledTcpKeepAlive',
    },
    {
      id: 'agent/server-refuses-reuse',
      anchor: AGENT,
      quote:
        'Servers may also refuse to allow multiple requests over the same connection, in which case the connection will have to be remade for every request and cannot be pooled.',
      status: 'covered',
      cases: [
        'faults/slow-close',
        'keepAlive/response-close-not-reused',
        'servers/httpd-max-countdown',
        'servers/nginx-requests-limit',
        'servers/haproxy-requests-limit',
      ],
      doc: 'serverMayRefuseReuse',
    },
    {
      id: 'agent/still-makes-requests',
      anchor: AGENT,
      quote:
        'The `Agent` will still make the requests to that server, but each one will occur over a new connection.',
      status: 'covered',
      cases: ['keepAlive/response-close-not-reused', 'servers/nginx-requests-limit'],
    },
    {
      id: 'agent/closed-removed',
      anchor: AGENT,
      quote: 'When a connection is closed by the client or the server, it is removed from the pool.',
      status: 'covered',
      cases: [
        'faults/cut-mid-body',
        'https/failed-connection-not-pooled',
        'scheduling/skip-destroyed',
        'servers/httpd-idle-close',
      ],
      doc: 'closedConnectionRemoved',
    },
    {
      id: 'agent/unused-unrefed',
      anchor: AGENT,
      quote:
        'Any unused sockets in the pool will be unrefed so as not to keep the Node.js process running when there are no outstanding requests.',
      status: 'covered',
      cases: ['lifecycle/pooled-socket-unref'],
      doc: 'pooledSocketsUnref',
    },
    {
      id: 'agent/agent-remove',
      anchor: AGENT,
      quote:
        "Sockets are removed from an agent when the socket emits either a `'close'` event or an `'agentRemove'` event.",
      status: 'covered',
      cases: ['lifecycle/agent-remove'],
      doc: 'agentRemove',
    },
    {
      id: 'agent/agent-false',
      anchor: AGENT,
      quote:
        'By providing `{agent: false}` as an option to the `http.get()` or `http.request()` functions, a one-time use `Agent` with default options will be used for the client connection.',
      status: 'covered',
      cases: ['defaults/agent-false'],
      doc: 'agentFalse',
    },
  ]),

  ...section('new Agent([options])', 'http', [
    {
      id: 'options/keepalive',
      anchor: OPTS,
      quote:
        'Keep sockets around even when there are no outstanding requests, so they can be used for future requests without having to reestablish a TCP connection.',
      status: 'covered',
      cases: [
        'keepAlive/reuse',
        'proxy/keep-alive-one-connection',
        'proxy/https-keep-alive-one-tunnel',
        'servers/nginx-keepalive-reuse',
        'servers/httpd-keepalive-reuse',
        'servers/haproxy-keepalive-reuse',
        'timeout/none-keeps-pooled',
      ],
      doc: 'keepAliveOption',
    },
    {
      id: 'options/connection-header',
      anchor: OPTS,
      quote:
        'The `Connection: keep-alive` header is always sent when using an agent except when the `Connection` header is explicitly specified or when the `keepAlive` and `maxSockets` options are respectively set to `false` and `Infinity`, in which case `Connection: close` will be used.',
      status: 'covered',
      cases: [
        'keepAlive/connection-header-default',
        'keepAlive/connection-header-explicit',
        'keepAlive/request-close-not-reused',
      ],
      doc: 'connectionHeader',
    },
    {
      id: 'options/keepalive-default',
      anchor: OPTS,
      quote: '`keepAlive` … **Default:** `false`.',
      status: 'covered',
      cases: ['defaults/keepalive-false', 'defaults/connection-close-header'],
      doc: 'keepAliveOptionFull',
      note: 'the registry entry quotes the whole option; its cases check the default and the header it implies',
    },
    {
      id: 'options/keepalive-msecs',
      anchor: OPTS,
      quote:
        '`keepAliveMsecs` When using the `keepAlive` option, specifies the initial delay for TCP Keep-Alive packets.',
      status: 'covered',
      cases: [
        'keepAlive/tcp-keepalive-default-delay',
        'createConnection/options-keepalive',
        'defaults/option-fields',
        'defaults/falsy-options',
        'keepAlive/tcp-keepalive-delay',
        'createConnection/options-no-keepalive',
        'keepAlive/tcp-keepalive-off',
      ],
      doc: 'keepAliveMsecsOption',
    },
    {
      id: 'options/keepalive-msecs-ignored',
      anchor: OPTS,
      quote: 'Ignored when the `keepAlive` option is `false` or `undefined`.',
      status: 'covered',
      cases: ['keepAlive/tcp-keepalive-off', 'createConnection/options-no-keepalive'],
    },
    {
      id: 'options/keepalive-msecs-default',
      anchor: OPTS,
      quote: '`keepAliveMsecs` … **Default:** `1000`.',
      status: 'covered',
      cases: ['keepAlive/tcp-keepalive-default-delay', 'defaults/option-fields'],
    },
    {
      id: 'options/timeout-buffer',
      anchor: OPTS,
      quote:
        'Milliseconds to subtract from the server-provided `keep-alive: timeout=...` hint when determining socket expiration time.',
      status: 'covered',
      cases: [
        'keepAlive/hint-lowers-free-timeout',
        'keepAlive/hint-without-agent-timeout',
        'keepAlive/hint-with-timeout-zero',
        'keepAlive/hint-too-short',
        'keepAlive/hint-buffer',
        'keepAlive/hint-parse',
        'https/keep-alive-hint',
        'servers/httpd-hint-expiry',
        'defaults/keepalive-timeout-buffer',
      ],
      doc: 'keepAliveTimeoutBufferOption',
    },
    {
      id: 'options/timeout-buffer-default',
      anchor: OPTS,
      quote: '`agentKeepAliveTimeoutBuffer` … **Default:** `1000`.',
      status: 'covered',
      cases: ['defaults/keepalive-timeout-buffer', 'keepAlive/hint-lowers-free-timeout'],
    },
    {
      id: 'options/max-sockets',
      anchor: OPTS,
      quote: 'Maximum number of sockets to allow per host.',
      status: 'covered',
      cases: [
        'maxSockets/limit-per-origin',
        'maxSockets/queue-beyond-limit',
        'maxSockets/counts-free',
        'createConnection/error-frees-slot',
        'createConnection/max-sockets-pending',
        'https/max-sockets',
        'servers/nginx-max-sockets',
      ],
      doc: 'maxSocketsOption',
    },
    {
      id: 'options/max-sockets-new-socket',
      anchor: OPTS,
      quote:
        'If the same host opens multiple concurrent connections, each request will use new socket until the `maxSockets` value is reached.',
      status: 'covered',
      cases: ['maxSockets/limit-per-origin'],
    },
    {
      id: 'options/max-sockets-queue',
      anchor: OPTS,
      quote:
        'If the host attempts to open more connections than `maxSockets`, the additional requests will enter into a pending request queue, and will enter active connection state when an existing connection terminates.',
      status: 'covered',
      cases: [
        'maxSockets/queue-fifo',
        'maxSockets/queue-served-after-close',
        'faults/blackhole-queue',
        'faults/queued-survive-reset',
        'createConnection/error-queue-continues',
      ],
      doc: 'maxSocketsQueue',
    },
    {
      id: 'options/max-sockets-at-most',
      anchor: OPTS,
      quote:
        'This makes sure there are at most `maxSockets` active connections at any point in time, from a given host.',
      status: 'covered',
      cases: ['maxSockets/limit-per-origin', 'maxSockets/counts-free'],
    },
    {
      id: 'options/max-sockets-default',
      anchor: OPTS,
      quote: '`maxSockets` … **Default:** `Infinity`.',
      status: 'covered',
      cases: ['defaults/max-sockets-infinity'],
    },
    {
      id: 'options/max-total-sockets',
      anchor: OPTS,
      quote:
        'Maximum number of sockets allowed for all hosts in total. Each request will use a new socket until the maximum is reached.',
      status: 'covered',
      cases: [
        'maxTotalSockets/limit-across-origins',
        'maxTotalSockets/limit-without-keepalive',
        'maxTotalSockets/idle-not-starving',
        'maxTotalSockets/invalid-type',
        'maxTotalSockets/out-of-range',
        'defaults/max-total-with-max-sockets-total',
        'createConnection/max-total-sockets-pending',
        'proxy/max-total-sockets-through-proxy',
        'servers/nginx-haproxy-max-total-sockets',
      ],
      doc: 'maxTotalSocketsOption',
    },
    {
      id: 'options/max-total-sockets-default',
      anchor: OPTS,
      quote: '`maxTotalSockets` … **Default:** `Infinity`.',
      status: 'covered',
      cases: ['defaults/max-total-sockets-infinity'],
    },
    {
      id: 'options/max-free-sockets',
      anchor: OPTS,
      quote:
        'Maximum number of sockets per host to leave open in a free state. Only relevant if `keepAlive` is set to `true`. **Default:** `256`.',
      status: 'covered',
      cases: ['maxFreeSockets/cap', 'maxFreeSockets/per-origin', 'maxFreeSockets/zero-means-default'],
      doc: 'maxFreeSocketsOption',
      note: '"Only relevant if keepAlive": without keepAlive nothing is pooled at all (keepAlive/disabled-destroys-idle)',
    },
    {
      id: 'options/scheduling',
      anchor: OPTS,
      quote:
        "Scheduling strategy to apply when picking the next free socket to use. It can be `'fifo'` or `'lifo'`. The main difference between the two scheduling strategies is that `'lifo'` selects the most recently used socket, while `'fifo'` selects the least recently used socket.",
      status: 'covered',
      cases: ['scheduling/lifo', 'scheduling/fifo', 'scheduling/invalid-rejected'],
      doc: 'schedulingOption',
    },
    {
      id: 'options/scheduling-default',
      anchor: OPTS,
      quote:
        "In case of a high rate of request per second, the `'fifo'` scheduling will maximize the number of open sockets, while the `'lifo'` scheduling will keep it as low as possible. **Default:** `'lifo'`.",
      status: 'covered',
      cases: ['scheduling/default-lifo'],
      doc: 'schedulingDefault',
    },
    {
      id: 'options/timeout',
      anchor: OPTS,
      quote: 'Socket timeout in milliseconds. This will set the timeout when the socket is created.',
      status: 'covered',
      cases: [
        'timeout/set-at-creation',
        'timeout/pooled-uses-agent-timeout',
        'timeout/hint-carry-over',
        'createConnection/options-timeout',
      ],
      doc: 'timeoutOption',
    },
    {
      id: 'options/proxy-env',
      anchor: OPTS,
      quote: '`proxyEnv` Environment variables for proxy configuration.',
      status: 'covered',
      cases: ['proxy/http-through-proxy', 'proxy/https-connect'],
    },
    {
      id: 'options/proxy-env-http-undefined',
      anchor: OPTS,
      quote: '`HTTP_PROXY` … If undefined, no proxy is used for HTTP requests.',
      status: 'covered',
      cases: ['proxy/env-one-scheme-only'],
    },
    {
      id: 'options/proxy-env-https-undefined',
      anchor: OPTS,
      quote: '`HTTPS_PROXY` … If undefined, no proxy is used for HTTPS requests.',
      status: 'covered',
      cases: ['proxy/env-one-scheme-only'],
    },
    {
      id: 'options/default-port',
      anchor: OPTS,
      quote:
        '`defaultPort` Default port to use when the port is not specified in requests. **Default:** `80`.',
      status: 'covered',
      cases: ['defaults/default-port'],
      doc: 'defaultPortOption',
    },
    {
      id: 'options/protocol',
      anchor: OPTS,
      quote: "`protocol` The protocol to use for the agent. **Default:** `'http:'`.",
      status: 'covered',
      cases: ['defaults/protocol-http'],
      doc: 'protocolOption',
    },
    {
      id: 'options/socket-connect',
      anchor: OPTS,
      quote: '`options` in `socket.connect()` are also supported.',
      status: 'covered',
      cases: ['createConnection/agent-connect-options'],
      doc: 'agentConnectOptions',
    },
  ]),

  ...section('agent.createConnection()', 'http', [
    {
      id: 'createConnection/options',
      anchor: CC,
      quote:
        '`options` Options containing connection details. Check `net.createConnection()` for the format of the options. For custom agents, this object is passed to the custom `createConnection` function.',
      status: 'covered',
      cases: ['createConnection/options-host-port'],
      doc: 'createConnectionOptions',
    },
    {
      id: 'createConnection/callback-param',
      anchor: CC,
      quote:
        '`callback` (Optional, primarily for custom agents) A function to be called by a custom `createConnection` implementation when the socket is created, especially for asynchronous operations.',
      status: 'covered',
      cases: ['createConnection/callback-form', 'createConnection/callback-later'],
    },
    {
      id: 'createConnection/err-param',
      anchor: CC,
      quote: '`err` An error object if socket creation failed.',
      status: 'covered',
      cases: ['createConnection/callback-error', 'createConnection/callback-error-later'],
    },
    {
      id: 'createConnection/returns',
      anchor: CC,
      quote:
        'Returns: The created socket. This is returned by the default implementation or by a custom synchronous `createConnection` implementation.',
      status: 'covered',
      cases: ['createConnection/return-form'],
    },
    {
      id: 'createConnection/default-like-net',
      anchor: CC,
      quote:
        'By default, this function behaves identically to `net.createConnection(options)`, synchronously returning the created socket.',
      status: 'partly',
      cases: ['createConnection/options-host-port'],
      note: "every case runs the agent's own createConnection, but no case checks that a direct call returns a connected net.Socket at once",
    },
    {
      id: 'createConnection/default-ignores-callback',
      anchor: CC,
      quote:
        'The optional `callback` parameter in the signature is **not** used by this default implementation.',
      status: 'not',
      cases: [],
    },
    {
      id: 'createConnection/sync-form',
      anchor: CC,
      quote: 'The overriding method can return the socket/stream directly.',
      status: 'covered',
      cases: ['createConnection/return-form'],
      doc: 'createConnectionReturn',
    },
    {
      id: 'createConnection/async-form',
      anchor: CC,
      quote:
        'The overriding method can accept the `callback` and pass the created socket/stream to it (e.g., `callback(null, newSocket)`).',
      status: 'covered',
      cases: ['createConnection/callback-form', 'createConnection/callback-later'],
      doc: 'createConnectionForms',
    },
    {
      id: 'createConnection/async-error',
      anchor: CC,
      quote:
        'If an error occurs during socket creation, it should be passed as the first argument to the `callback` (e.g., `callback(err)`).',
      status: 'covered',
      cases: ['createConnection/callback-error', 'createConnection/callback-error-later'],
      doc: 'createConnectionCallback',
    },
    {
      id: 'createConnection/agent-callback',
      anchor: CC,
      quote:
        'The agent will call the provided `createConnection` function with `options` and this internal `callback`. The `callback` provided by the agent has a signature of `(err, stream)`.',
      status: 'covered',
      cases: ['createConnection/callback-form', 'createConnection/callback-error'],
    },
  ]),

  ...section('agent.keepSocketAlive() and agent.reuseSocket()', 'http', [
    {
      id: 'keepSocketAlive/called',
      anchor: KSA,
      quote: 'Called when `socket` is detached from a request and could be persisted by the `Agent`.',
      status: 'covered',
      cases: [
        'keepAlive/unfinished-request-holds-socket',
        'keepAlive/slow-body-holds-socket',
        'lifecycle/free-event',
      ],
      doc: 'keepSocketAlive',
    },
    {
      id: 'keepSocketAlive/default',
      anchor: KSA,
      quote:
        'Default behavior is to: `socket.setKeepAlive(true, this.keepAliveMsecs); socket.unref(); return true;`',
      status: 'covered',
      cases: ['keepAlive/keep-socket-alive-default', 'lifecycle/pooled-socket-unref'],
      doc: 'keepSocketAliveDefault',
    },
    {
      id: 'keepSocketAlive/falsy',
      anchor: KSA,
      quote:
        'If this method returns a falsy value, the socket will be destroyed instead of persisting it for use with the next request.',
      status: 'covered',
      cases: ['keepAlive/keep-socket-alive-false'],
      doc: 'keepSocketAliveFalsy',
    },
    {
      id: 'reuseSocket/called',
      anchor: RS,
      quote:
        'Called when `socket` is attached to `request` after being persisted because of the keep-alive options.',
      status: 'covered',
      cases: ['keepAlive/reuse-socket-called', 'keepAlive/handoff-not-reused-socket'],
      doc: 'reuseSocket',
    },
    {
      id: 'reuseSocket/default',
      anchor: RS,
      quote: 'Default behavior is to: `socket.ref();`',
      status: 'covered',
      cases: ['lifecycle/pooled-socket-unref'],
    },
  ]),

  ...section('agent.destroy() and the properties', 'http', [
    {
      id: 'destroy/sockets',
      anchor: 'agentdestroy',
      quote: 'Destroy any sockets that are currently in use by the agent.',
      status: 'covered',
      cases: [
        'lifecycle/destroy-closes-free',
        'lifecycle/destroy-closes-active',
        'lifecycle/destroy-queued-continue',
      ],
      doc: 'agentDestroy',
    },
    {
      id: 'freeSockets/contents',
      anchor: 'agentfreesockets',
      quote:
        'An object which contains arrays of sockets currently awaiting use by the agent when `keepAlive` is enabled.',
      status: 'covered',
      cases: ['lifecycle/free-sockets-lists-idle', 'defaults/null-prototype-maps'],
      doc: 'agentFreeSocketsProperty',
    },
    {
      id: 'freeSockets/timeout',
      anchor: 'agentfreesockets',
      quote:
        "Sockets in the `freeSockets` list will be automatically destroyed and removed from the array on `'timeout'`.",
      status: 'covered',
      cases: [
        'timeout/free-destroyed',
        'timeout/reused-not-destroyed',
        'keepAlive/hint-agent-timeout-smaller',
      ],
      doc: 'freeSocketsTimeout',
    },
    {
      id: 'maps/null-prototype',
      anchor: 'agentfreesockets',
      quote: 'The property now has a `null` prototype.',
      status: 'covered',
      cases: ['defaults/null-prototype-maps'],
      doc: 'nullPrototypeMaps',
      note: 'a change note, but a testable one (freeSockets, requests and sockets alike, v16.0.0)',
    },
    {
      id: 'getName/purpose',
      anchor: 'agentgetnameoptions',
      quote:
        'Get a unique name for a set of request options, to determine whether a connection can be reused.',
      status: 'covered',
      cases: [
        'getName/host-not-normalised',
        'getName/local-address-keyed',
        'getName/family-keyed',
        'getName/port-keyed',
      ],
      doc: 'getNamePurpose',
    },
    {
      id: 'getName/format',
      anchor: 'agentgetnameoptions',
      quote: 'For an HTTP agent, this returns `host:port:localAddress` or `host:port:localAddress:family`.',
      status: 'covered',
      cases: ['getName/format', 'getName/empty-options'],
      doc: 'getNameFormat',
    },
    {
      id: 'getName/https',
      anchor: 'agentgetnameoptions',
      quote:
        'For an HTTPS agent, the name includes the CA, cert, ciphers, and other HTTPS/TLS-specific options that determine socket reusability.',
      status: 'covered',
      cases: ['https/name-format', 'https/key-separates-ca', 'https/key-separates-ciphers'],
    },
    {
      id: 'getName/family',
      anchor: 'agentgetnameoptions',
      quote: "`family` Must be 4 or 6 if this doesn't equal `undefined`.",
      status: 'covered',
      cases: ['getName/family-other-ignored'],
      doc: 'getNameFamily',
    },
    {
      id: 'maxFreeSockets/property',
      anchor: 'agentmaxfreesockets',
      quote:
        'By default set to 256. For agents with `keepAlive` enabled, this sets the maximum number of sockets that will be left open in the free state.',
      status: 'covered',
      cases: [
        'defaults/max-free-sockets-256',
        'defaults/max-free-sockets-assigned',
        'maxFreeSockets/keeps-first-released',
      ],
      doc: 'maxFreeSocketsProperty',
    },
    {
      id: 'maxSockets/default',
      anchor: 'agentmaxsockets',
      quote: 'By default set to `Infinity`.',
      status: 'covered',
      cases: ['defaults/max-sockets-infinity'],
      doc: 'maxSocketsDefault',
      note: 'the registry entry quotes the whole property text',
    },
    {
      id: 'maxSockets/per-origin',
      anchor: 'agentmaxsockets',
      quote:
        'Determines how many concurrent sockets the agent can have open per origin. Origin is the returned value of `agent.getName()`.',
      status: 'covered',
      cases: [
        'maxSockets/per-origin',
        'defaults/max-sockets-assigned',
        'proxy/max-sockets-through-proxy',
        'proxy/max-sockets-per-target-origin',
      ],
      doc: 'maxSocketsPerOrigin',
    },
    {
      id: 'maxTotalSockets/property',
      anchor: 'agentmaxtotalsockets',
      quote:
        'By default set to `Infinity`. Determines how many concurrent sockets the agent can have open. Unlike `maxSockets`, this parameter applies across all origins.',
      status: 'covered',
      cases: [
        'defaults/max-total-sockets-infinity',
        'defaults/max-total-sockets-assigned',
        'defaults/max-total-with-max-sockets-per-origin',
        'maxTotalSockets/pooled-socket-counts',
        'maxTotalSockets/unblock-on-close',
        'maxTotalSockets/origin-priority',
        'maxTotalSockets/accepts-infinity-fraction',
        'maxTotalSockets/total-socket-count',
      ],
      doc: 'maxTotalSocketsProperty',
    },
    {
      id: 'requests/contents',
      anchor: 'agentrequests',
      quote: 'An object which contains queues of requests that have not yet been assigned to sockets.',
      status: 'covered',
      cases: ['lifecycle/requests-lists-queued', 'lifecycle/abort-before-socket-returns'],
      doc: 'agentRequestsProperty',
    },
    {
      id: 'sockets/contents',
      anchor: 'agentsockets',
      quote: 'An object which contains arrays of sockets currently in use by the agent.',
      status: 'covered',
      cases: ['lifecycle/sockets-lists-in-use'],
      doc: 'agentSocketsProperty',
    },
  ]),

  ...section('http.ClientRequest', 'http', [
    {
      id: 'request/no-response-handler',
      anchor: 'class-httpclientrequest',
      quote: "If no `'response'` handler is added, then the response will be entirely discarded.",
      status: 'covered',
      cases: ['keepAlive/no-response-handler-reused'],
      doc: 'responseDiscarded',
    },
    {
      id: 'request/response-must-be-consumed',
      anchor: 'class-httpclientrequest',
      quote:
        "if a `'response'` event handler is added, then the data from the response object **must** be consumed … Until the data is consumed, the `'end'` event will not fire.",
      status: 'covered',
      cases: ['keepAlive/unconsumed-body-holds-socket'],
      doc: 'responseMustBeConsumed',
    },
    {
      id: 'request/timeout-event',
      anchor: 'event-timeout',
      quote:
        'Emitted when the underlying socket times out from inactivity. This only notifies that the socket has been idle. The request must be destroyed manually.',
      status: 'covered',
      cases: ['faults/active-timeout', 'timeout/active-not-destroyed'],
      doc: 'requestTimeoutEvent',
    },
    {
      id: 'request/destroy',
      anchor: 'requestdestroyerror',
      quote:
        'Calling this will cause remaining data in the response to be dropped, and the socket to be destroyed if used, or returned to the corresponding Agent pool otherwise if possible.',
      status: 'covered',
      cases: ['lifecycle/request-destroy-not-pooled', 'lifecycle/abort-before-socket-returns'],
      doc: 'requestDestroy',
    },
    {
      id: 'request/reused-socket',
      anchor: 'requestreusedsocket',
      quote: '`reusedSocket` Whether the request is send through a reused socket.',
      status: 'covered',
      cases: ['keepAlive/reuse', 'keepAlive/handoff-not-reused-socket'],
    },
    {
      id: 'request/reused-socket-reset',
      anchor: 'requestreusedsocket',
      quote:
        "When sending request through a keep-alive enabled agent, the underlying socket might be reused. But if server closes connection at unfortunate time, client may run into a 'ECONNRESET' error.",
      status: 'covered',
      cases: [
        'faults/reused-reset',
        'servers/nginx-reuse-race',
        'servers/haproxy-reuse-race',
        'servers/httpd-reuse-race',
      ],
      doc: 'reusedSocket',
    },
    {
      id: 'request/response-ordering',
      anchor: 'response-ordering-with-connection-reuse',
      quote:
        'On a reused HTTP/1.1 keep-alive connection, responses are associated with requests by their order on that connection.',
      status: 'covered',
      cases: ['faults/stray-bytes', 'faults/stray-bytes-before-request'],
      doc: 'responseOrdering',
    },
  ]),

  ...section('http.globalAgent', 'http', [
    {
      id: 'globalAgent/default',
      anchor: 'httpglobalagent',
      quote: 'Global instance of `Agent` which is used as the default for all HTTP client requests.',
      status: 'covered',
      cases: ['defaults/global-agent-keepalive'],
    },
    {
      id: 'globalAgent/keepalive-timeout',
      anchor: 'httpglobalagent',
      quote:
        'Diverges from a default `Agent` configuration by having `keepAlive` enabled and a `timeout` of 5 seconds.',
      status: 'covered',
      cases: ['defaults/global-agent-keepalive', 'defaults/global-agent-timeout'],
      doc: 'globalAgent',
    },
  ]),

  ...section('http.request()', 'http', [
    {
      id: 'request/agent-undefined',
      anchor: REQ,
      quote: '`undefined` (default): use `http.globalAgent` for this host and port.',
      status: 'covered',
      cases: ['defaults/global-agent-keepalive'],
    },
    {
      id: 'request/agent-object',
      anchor: REQ,
      quote: '`Agent` object: explicitly use the passed in `Agent`.',
      status: 'covered',
      cases: ['keepAlive/reuse', 'maxSockets/limit-per-origin'],
    },
    {
      id: 'request/agent-false',
      anchor: REQ,
      quote: '`false`: causes a new `Agent` with default values to be used.',
      status: 'covered',
      cases: ['defaults/agent-false'],
    },
    {
      id: 'request/create-connection',
      anchor: REQ,
      quote:
        '`createConnection` A function that produces a socket/stream to use for the request when the `agent` option is not used.',
      status: 'not',
      cases: [],
    },
    {
      id: 'request/default-port',
      anchor: REQ,
      quote:
        '`defaultPort` Default port for the protocol. **Default:** `agent.defaultPort` if an `Agent` is used, else `undefined`.',
      status: 'covered',
      cases: ['defaults/default-port-host-header'],
      doc: 'requestDefaultPort',
    },
    {
      id: 'request/family',
      anchor: REQ,
      quote:
        '`family` IP address family to use when resolving `host` or `hostname`. Valid values are `4` or `6`.',
      status: 'partly',
      cases: ['getName/family-keyed'],
      note: 'family keys the pool; no case checks which address family the connection used',
    },
    {
      id: 'request/host-default',
      anchor: REQ,
      quote:
        "`host` A domain name or IP address of the server to issue the request to. **Default:** `'localhost'`.",
      status: 'partly',
      cases: ['getName/empty-options'],
      note: 'only as the name getName() gives; no request without a host is sent',
    },
    {
      id: 'request/hostname-wins',
      anchor: REQ,
      quote:
        '`hostname` Alias for `host`. … `hostname` will be used if both `host` and `hostname` are specified.',
      status: 'not',
      cases: [],
    },
    {
      id: 'request/local-address',
      anchor: REQ,
      quote: '`localAddress` Local interface to bind for network connections.',
      status: 'covered',
      cases: ['getName/local-address-keyed'],
      note: 'the origin sees each pool connect from its own local address',
    },
    {
      id: 'request/local-port',
      anchor: REQ,
      quote: '`localPort` Local port to connect from.',
      status: 'covered',
      cases: ['createConnection/request-local-port'],
      doc: 'requestLocalPortOption',
    },
    {
      id: 'request/lookup',
      anchor: REQ,
      quote: '`lookup` Custom lookup function. **Default:** `dns.lookup()`.',
      status: 'covered',
      cases: ['createConnection/request-lookup'],
      doc: 'requestLookupOption',
    },
    {
      id: 'request/port-default',
      anchor: REQ,
      quote: '`port` Port of remote server. **Default:** `defaultPort` if set, else `80`.',
      status: 'partly',
      cases: ['defaults/default-port', 'https/defaults'],
      note: 'the agent\'s defaultPort is checked; "else 80" would need port 80 on loopback',
    },
    {
      id: 'request/protocol',
      anchor: REQ,
      quote: "`protocol` Protocol to use. **Default:** `'http:'`.",
      status: 'covered',
      cases: ['defaults/protocol-mismatch'],
      doc: 'requestProtocol',
    },
    {
      id: 'request/socket-path',
      anchor: REQ,
      quote: '`socketPath` Unix domain socket.',
      status: 'covered',
      cases: ['keepAlive/socket-path-reuse', 'proxy/unix-socket-not-proxied'],
      doc: 'requestSocketPathOption',
    },
    {
      id: 'request/timeout',
      anchor: REQ,
      quote:
        'A number specifying the socket timeout in milliseconds. This will set the timeout before the socket is connected.',
      status: 'covered',
      cases: [
        'timeout/per-request-wins',
        'createConnection/options-request-timeout',
        'proxy/silent-proxy-timeout',
      ],
      doc: 'requestTimeoutOption',
    },
    {
      id: 'request/socket-connect',
      anchor: REQ,
      quote: '`options` in `socket.connect()` are also supported.',
      status: 'partly',
      cases: [
        'getName/local-address-keyed',
        'createConnection/request-lookup',
        'createConnection/request-local-port',
      ],
      note: 'localAddress, localPort and lookup per request are checked; family, keepAlive, noDelay and the other socket.connect() options per request are not',
    },
    {
      id: 'request/error',
      anchor: REQ,
      quote:
        "If any error is encountered during the request (be that with DNS resolution, TCP level errors, or actual HTTP parse errors) an `'error'` event is emitted on the returned request object.",
      status: 'covered',
      cases: [
        'createConnection/error-queue-settles',
        'faults/upstream-down-queue',
        'https/handshake-reset-error',
        'proxy/refused-connect-403-settles',
        'proxy/refused-connect-502-settles',
        'proxy/auth-required-settles',
        'proxy/refused-queued-settle',
        'proxy/refused-queued-settle-https',
        'proxy/reset-queued-settle',
        'proxy/reset-queued-settle-https',
        'proxy/tunnel-closed-queued-settle',
      ],
      doc: 'requestError',
    },
    {
      id: 'request/connection-keep-alive',
      anchor: REQ,
      quote:
        "Sending a 'Connection: keep-alive' will notify Node.js that the connection to the server should be persisted until the next request.",
      status: 'partly',
      cases: ['keepAlive/connection-header-explicit'],
      note: "an explicit header is checked as sent; that it keeps a keepAlive:false agent's connection for a queued request is not",
    },
    {
      id: 'request/timeout-only-event',
      anchor: REQ,
      quote:
        "Setting the `timeout` option or using the `setTimeout()` function will not abort the request or do anything besides add a `'timeout'` event.",
      status: 'covered',
      cases: ['timeout/active-not-destroyed'],
    },
    {
      id: 'request/abort-signal',
      anchor: REQ,
      quote:
        'Passing an `AbortSignal` and then calling `abort()` on the corresponding `AbortController` will behave the same way as calling `.destroy()` on the request.',
      status: 'partly',
      cases: ['lifecycle/abort-before-socket-returns'],
      note: 'aborting a queued request is checked; an abort after the socket was assigned is not',
    },
  ]),

  ...section('Built-in proxy support', 'http', [
    {
      id: 'proxy/global-agent-env',
      anchor: PROXY,
      quote:
        'When Node.js creates the global agent, if the `NODE_USE_ENV_PROXY` environment variable is set to `1` or `--use-env-proxy` is enabled, the global agent will be constructed with `proxyEnv: process.env`',
      status: 'covered',
      cases: ['proxy/global-env-proxy', 'proxy/env-proxy-at-start'],
      doc: 'useEnvProxy',
    },
    {
      id: 'proxy/custom-agents',
      anchor: PROXY,
      quote:
        'Custom agents can also be created with proxy support by passing a `proxyEnv` option when constructing the agent.',
      status: 'covered',
      cases: ['proxy/http-absolute-form', 'proxy/reused-connection-absolute-url'],
      doc: 'proxyEnvOption',
    },
    {
      id: 'proxy/env-value',
      anchor: PROXY,
      quote:
        'The value can be `process.env` if they just want to inherit the configuration from the environment variables, or an object with specific setting overriding the environment.',
      status: 'partly',
      cases: ['proxy/http-through-proxy'],
      note: 'the object form is checked; `proxyEnv: process.env` is not',
    },
    {
      id: 'proxy/http-proxy',
      anchor: PROXY,
      quote:
        '`HTTP_PROXY` or `http_proxy`: Proxy server URL for HTTP requests. If both are set, `http_proxy` takes precedence.',
      status: 'covered',
      cases: ['proxy/http-through-proxy', 'proxy/http-proxy-lower-case-wins', 'proxy/env-one-scheme-only'],
      doc: 'proxyHttpVariable',
    },
    {
      id: 'proxy/https-proxy',
      anchor: PROXY,
      quote:
        '`HTTPS_PROXY` or `https_proxy`: Proxy server URL for HTTPS requests. If both are set, `https_proxy` takes precedence.',
      status: 'covered',
      cases: ['proxy/https-connect', 'proxy/https-proxy-lowercase-wins'],
      doc: 'proxyHttpsVariable',
    },
    {
      id: 'proxy/no-proxy',
      anchor: PROXY,
      quote:
        '`NO_PROXY` or `no_proxy`: Comma-separated list of hosts to bypass the proxy. If both are set, `no_proxy` takes precedence.',
      status: 'covered',
      cases: ['proxy/no-proxy-lower-case-wins'],
      doc: 'proxyNoProxyVariable',
    },
    {
      id: 'proxy/unix-socket',
      anchor: PROXY,
      quote: 'If the request is made to a Unix domain socket, the proxy settings will be ignored.',
      status: 'covered',
      cases: ['proxy/unix-socket-not-proxied'],
      doc: 'proxyUnixSocketIgnored',
    },
    {
      id: 'proxy/url-http',
      anchor: 'proxy-url-format',
      quote: 'HTTP proxy: `http://proxy.example.com:8080`',
      status: 'covered',
      cases: ['proxy/http-through-proxy'],
    },
    {
      id: 'proxy/url-https',
      anchor: 'proxy-url-format',
      quote: 'HTTPS proxy: `https://proxy.example.com:8080`',
      status: 'covered',
      cases: ['proxy/https-proxy-url'],
      doc: 'proxyHttpsUrl',
    },
    {
      id: 'proxy/url-auth',
      anchor: 'proxy-url-format',
      quote: 'Proxy with authentication: `http://username:password@proxy.example.com:8080`',
      status: 'covered',
      cases: ['proxy/authorization-to-proxy-only', 'proxy/credentials-percent-decoded'],
      doc: 'proxyUrlWithAuth',
    },
    {
      id: 'proxy/no-proxy-all',
      anchor: NOPROXY,
      quote: '`*` - Bypass proxy for all hosts',
      status: 'covered',
      cases: ['proxy/no-proxy-star'],
      doc: 'noProxyAll',
    },
    {
      id: 'proxy/no-proxy-exact',
      anchor: NOPROXY,
      quote: '`example.com` - Exact host name match',
      status: 'covered',
      cases: ['proxy/no-proxy-exact-host', 'proxy/no-proxy-case-insensitive'],
      doc: 'noProxyExactHost',
    },
    {
      id: 'proxy/no-proxy-suffix',
      anchor: NOPROXY,
      quote: '`.example.com` - Domain suffix match (matches `sub.example.com`)',
      status: 'covered',
      cases: ['proxy/no-proxy-domain-suffix'],
      doc: 'noProxyDomainSuffix',
    },
    {
      id: 'proxy/no-proxy-wildcard',
      anchor: NOPROXY,
      quote: '`*.example.com` - Wildcard domain match',
      status: 'covered',
      cases: ['proxy/no-proxy-wildcard'],
      doc: 'noProxyWildcard',
    },
    {
      id: 'proxy/no-proxy-ip',
      anchor: NOPROXY,
      quote: '`192.168.1.100` - Exact IP address match',
      status: 'covered',
      cases: ['proxy/no-proxy-ip'],
      doc: 'noProxyIp',
    },
    {
      id: 'proxy/no-proxy-range',
      anchor: NOPROXY,
      quote: '`192.168.1.1-192.168.1.100` - IP address range',
      status: 'covered',
      cases: ['proxy/no-proxy-ip-range'],
      doc: 'noProxyIpRange',
    },
    {
      id: 'proxy/no-proxy-port',
      anchor: NOPROXY,
      quote: '`example.com:8080` - Hostname with specific port',
      status: 'covered',
      cases: ['proxy/no-proxy-host-port'],
      doc: 'noProxyHostPort',
    },
    {
      id: 'proxy/no-proxy-list',
      anchor: NOPROXY,
      quote: 'Multiple entries should be separated by commas.',
      status: 'covered',
      cases: ['proxy/no-proxy-list'],
      doc: 'noProxyList',
    },
    {
      id: 'proxy/set-global',
      anchor: GLOBAL_PROXY,
      quote:
        'Dynamically resets the global configurations to enable built-in proxy support for `fetch()` and `http.request()`/`https.request()` at runtime',
      status: 'covered',
      cases: ['proxy/global-env-proxy'],
      doc: 'setGlobalProxyFromEnv',
    },
    {
      id: 'proxy/set-global-restore',
      anchor: GLOBAL_PROXY,
      quote:
        'Returns: A function that restores the original agent and dispatcher settings to the state before this `http.setGlobalProxyFromEnv()` is invoked.',
      status: 'covered',
      cases: ['proxy/global-env-proxy'],
    },
    {
      id: 'proxy/set-global-overrides-env',
      anchor: GLOBAL_PROXY,
      quote: 'It can also be used to override settings configured from the environment variables.',
      status: 'not',
      cases: [],
    },
    {
      id: 'proxy/set-global-overrides-agent',
      anchor: GLOBAL_PROXY,
      quote:
        'any previously configured `http.globalAgent`, `https.globalAgent` or undici global dispatcher would be overridden after this function is invoked.',
      status: 'not',
      cases: [],
    },
  ]),

  ...section('https', 'https', [
    {
      id: 'https/agent-class',
      anchor: 'class-httpsagent',
      quote:
        'An `Agent` object for HTTPS similar to `http.Agent`. See `https.request()` for more information.',
      status: 'covered',
      cases: [
        'https/key-same-options-share',
        'https/name-format',
        'https/key-same-pfx-shares',
        'https/key-same-pfx-array-shares',
      ],
      doc: 'httpsAgentClass',
    },
    {
      id: 'https/agent-http-fields',
      anchor: 'new-agentoptions',
      quote: 'Can have the same fields as for `http.Agent(options)`',
      status: 'covered',
      cases: ['https/max-sockets', 'https/keep-alive-hint'],
    },
    {
      id: 'https/max-cached-sessions',
      anchor: 'new-agentoptions',
      quote:
        'maximum number of TLS cached sessions. Use `0` to disable TLS session caching. **Default:** `100`.',
      status: 'covered',
      cases: [
        'https/session-resumed',
        'https/session-cache-disabled',
        'https/session-cache-limit',
        'https/session-cache-fifo',
        'https/session-cache-default',
        'https/session-evicted-on-error',
      ],
      doc: 'httpsMaxCachedSessions',
    },
    {
      id: 'https/servername',
      anchor: 'new-agentoptions',
      quote:
        "the value of Server Name Indication extension to be sent to the server. Use empty string `''` to disable sending the extension.",
      status: 'covered',
      cases: ['https/sni-host-name', 'https/sni-explicit-wins', 'https/sni-empty-disables'],
      doc: 'httpsServername',
    },
    {
      id: 'https/keylog',
      anchor: 'event-keylog',
      quote:
        'The `keylog` event is emitted when key material is generated or received by a connection managed by this agent',
      status: 'covered',
      cases: ['https/keylog-every-connection'],
      doc: 'httpsKeylogEvent',
    },
    {
      id: 'https/global-agent',
      anchor: 'httpsglobalagent',
      quote: 'Global instance of `https.Agent` for all HTTPS client requests.',
      status: 'partly',
      cases: ['defaults/global-agent-keepalive'],
      note: 'issue #20 names https.globalAgent with http.globalAgent; counted half until the merged case is seen to check it',
    },
    {
      id: 'https/global-agent-keepalive',
      anchor: 'httpsglobalagent',
      quote:
        'Diverges from a default `https.Agent` configuration by having `keepAlive` enabled and a `timeout` of 5 seconds.',
      status: 'partly',
      cases: ['defaults/global-agent-keepalive'],
      note: 'issue #20 names https.globalAgent with http.globalAgent; counted half until the merged case is seen to check it',
    },
    {
      id: 'https/request-defaults',
      anchor: 'httpsrequestoptions-callback',
      quote:
        "Accepts all `options` from `http.request()`, with some differences in default values: `protocol` **Default:** `'https:'`, `port` **Default:** `443`",
      status: 'covered',
      cases: ['https/defaults'],
      doc: 'httpsRequestDefaults',
    },
    {
      id: 'https/request-default-agent',
      anchor: 'httpsrequestoptions-callback',
      quote: '`agent` **Default:** `https.globalAgent`',
      status: 'not',
      cases: [],
    },
    {
      id: 'https/request-tls-options',
      anchor: 'httpsrequestoptions-callback',
      quote:
        'The following additional `options` from `tls.connect()` are also accepted: `ca`, `cert`, `ciphers`, `clientCertEngine` (deprecated), `crl`, …',
      status: 'covered',
      cases: [
        'https/key-separates-ca',
        'https/key-separates-cert-key',
        'https/key-separates-reject-unauthorized',
        'https/key-separates-servername',
        'https/key-separates-min-version',
        'https/key-separates-max-version',
        'https/key-separates-ciphers',
        'https/key-separates-pfx',
        'https/key-separates-pfx-array',
      ],
      doc: 'httpsRequestTlsOptions',
    },
    {
      id: 'https/reject-unauthorized',
      anchor: 'tlsconnectoptions-callback',
      quote:
        "If not `false`, the server certificate is verified against the list of supplied CAs. An `'error'` event is emitted if verification fails",
      status: 'covered',
      cases: ['https/untrusted-certificate-error'],
      doc: 'tlsRejectUnauthorized',
      note: 'tls.connect() option, on tls.html, that https.request() accepts',
    },
    {
      id: 'https/sni-not-ip',
      anchor: 'tlsconnectoptions-callback',
      quote:
        'Server name for the SNI (Server Name Indication) TLS extension. … must be a host name, and not an IP address.',
      status: 'covered',
      cases: ['https/sni-none-for-ip'],
      doc: 'tlsServername',
      note: 'tls.connect() option, on tls.html',
    },
  ]),

  ...section('socket.connect() options', 'net', [
    {
      id: 'connect/host-port',
      anchor: CONNECT,
      quote:
        '`host` Host the socket should connect to. … `port` Required. Port the socket should connect to.',
      status: 'covered',
      cases: ['createConnection/options-host-port'],
    },
    {
      id: 'connect/keepalive',
      anchor: CONNECT,
      quote:
        '`keepAlive` If set to `true`, it enables keep-alive functionality on the socket immediately after the connection is established',
      status: 'covered',
      cases: ['keepAlive/tcp-keepalive-active', 'createConnection/options-keepalive'],
    },
    {
      id: 'connect/keepalive-delay',
      anchor: CONNECT,
      quote:
        '`keepAliveInitialDelay` If set to a positive number, it sets the initial delay before the first keepalive probe is sent on an idle socket.',
      status: 'covered',
      cases: ['keepAlive/tcp-keepalive-delay'],
    },
    {
      id: 'connect/no-delay',
      anchor: CONNECT,
      quote:
        "`noDelay` If set to `true`, it disables the use of Nagle's algorithm immediately after the socket is established.",
      status: 'not',
      cases: [],
      note: 'the agent sets noDelay: true on its own; no case checks TCP_NODELAY on its sockets',
    },
    {
      id: 'connect/local-address',
      anchor: CONNECT,
      quote: '`localAddress` Local address the socket should connect from.',
      status: 'covered',
      cases: ['createConnection/agent-connect-options', 'getName/local-address-keyed'],
    },
    {
      id: 'connect/local-port',
      anchor: CONNECT,
      quote: '`localPort` Local port the socket should connect from.',
      status: 'covered',
      cases: ['createConnection/agent-connect-options'],
    },
    {
      id: 'connect/lookup',
      anchor: CONNECT,
      quote: '`lookup` Custom lookup function.',
      status: 'covered',
      cases: ['createConnection/agent-connect-options'],
    },
    {
      id: 'connect/family',
      anchor: CONNECT,
      quote: '`family` Version of IP stack. Must be `4`, `6`, or `0`.',
      status: 'partly',
      cases: ['getName/family-keyed'],
      note: 'family keys the pool; the address family of the connection is not checked',
    },
    {
      id: 'connect/timeout',
      anchor: 'netcreateconnectionoptions-connectlistener',
      quote:
        '`timeout` If set, will be used to call `socket.setTimeout(timeout)` after the socket is created, but before it starts the connection.',
      status: 'covered',
      cases: ['timeout/set-at-creation', 'createConnection/options-timeout'],
    },
  ]),

  ...section('tls.connect() options a request passes on', 'tls', [
    {
      id: 'tls/check-server-identity',
      anchor: 'tlsconnectoptions-callback',
      quote:
        "A callback function to be used (instead of the builtin `tls.checkServerIdentity()` function) when checking the server's host name (or the provided `servername` when explicitly set) against the certificate. This should return an <Error> if verification fails.",
      status: 'covered',
      cases: ['https/own-check-identity-pooled', 'https/own-check-identity-session'],
      doc: 'tlsCheckServerIdentity',
    },
  ]),

  ...section('RFC 9112, where the docs defer to HTTP', 'rfc9112', [
    {
      id: 'rfc9112/close-option',
      anchor: 'section-9.6',
      quote:
        'A client that sends a "close" connection option MUST NOT send further requests on that connection (after the one containing the "close") and MUST close the connection after reading the final response message corresponding to this request.',
      status: 'covered',
      cases: ['keepAlive/request-close-origin-keeps-open'],
      doc: 'requestCloseTearDown',
      note: "an explicit `Connection: close` is sent as given (options/connection-header); what it promises is HTTP's",
    },
  ]),
];

export const SKIPPED: Skipped[] = [
  {
    section: 'http.Agent',
    page: 'http',
    anchor: AGENT,
    quote: 'An `Agent` is responsible for managing connection persistence and reuse for HTTP clients.',
    reason: 'prose',
  },
  {
    section: 'http.Agent',
    page: 'http',
    anchor: AGENT,
    quote: 'It is good practice, to `destroy()` an `Agent` instance when it is no longer in use',
    reason: 'advice',
  },
  {
    section: 'http.Agent',
    page: 'http',
    anchor: AGENT,
    quote:
      'When intending to keep one HTTP request open for a long time without keeping it in the agent, something like the following may be done:',
    reason: 'example',
  },
  {
    section: 'http.Agent',
    page: 'http',
    anchor: AGENT,
    quote: 'An agent may also be used for an individual request.',
    reason: 'prose',
  },
  {
    section: 'new Agent([options])',
    page: 'http',
    anchor: OPTS,
    quote: 'Not to be confused with the `keep-alive` value of the `Connection` header.',
    reason: 'prose',
  },
  {
    section: 'new Agent([options])',
    page: 'http',
    anchor: OPTS,
    quote: 'This buffer helps ensure the agent closes the socket slightly before the server does',
    reason: 'prose',
  },
  {
    section: 'new Agent([options])',
    page: 'http',
    anchor: OPTS,
    quote:
      "In case of a low rate of request per second, the `'lifo'` scheduling will lower the risk of picking a socket that might have been closed",
    reason: 'advice',
  },
  {
    section: 'new Agent([options])',
    page: 'http',
    anchor: OPTS,
    quote: 'To configure any of them, a custom `http.Agent` instance must be created.',
    reason: 'advice',
  },
  {
    section: 'new Agent([options])',
    page: 'http',
    anchor: OPTS,
    quote:
      'Add support for `agentKeepAliveTimeoutBuffer` / `proxyEnv` / `defaultPort` and `protocol`; change the default scheduling',
    reason: 'history',
  },
  {
    section: 'agent.createConnection()',
    page: 'http',
    anchor: CC,
    quote: 'Produces a socket/stream to be used for HTTP requests.',
    reason: 'prose',
  },
  {
    section: 'agent.createConnection()',
    page: 'http',
    anchor: CC,
    quote:
      'However, custom agents may override this method to provide greater flexibility, for example, to create sockets asynchronously.',
    reason: 'prose',
  },
  {
    section: 'agent.createConnection()',
    page: 'http',
    anchor: CC,
    quote:
      'If a custom `createConnection` uses the `callback` for asynchronous operation, this return value might not be the primary way to obtain the socket.',
    reason: 'prose',
  },
  {
    section: 'agent.keepSocketAlive() and agent.reuseSocket()',
    page: 'http',
    anchor: KSA,
    quote: 'This method can be overridden by a particular `Agent` subclass.',
    reason: 'prose',
  },
  {
    section: 'agent.keepSocketAlive() and agent.reuseSocket()',
    page: 'http',
    anchor: KSA,
    quote: 'The `socket` argument can be an instance of {net.Socket}, a subclass of {stream.Duplex}.',
    reason: 'type',
  },
  {
    section: 'agent.keepSocketAlive() and agent.reuseSocket()',
    page: 'http',
    anchor: RS,
    quote: 'This method can be overridden by a particular `Agent` subclass.',
    reason: 'prose',
  },
  {
    section: 'agent.destroy() and the properties',
    page: 'http',
    anchor: 'agentdestroy',
    quote:
      'It is usually not necessary to do this. However, if using an agent with `keepAlive` enabled, then it is best to explicitly shut down the agent',
    reason: 'advice',
  },
  {
    section: 'agent.destroy() and the properties',
    page: 'http',
    anchor: 'agentfreesockets',
    quote: 'Do not modify.',
    reason: 'advice',
  },
  {
    section: 'agent.destroy() and the properties',
    page: 'http',
    anchor: 'agentgetnameoptions',
    quote:
      '`host` A domain name or IP address of the server … `port` Port of remote server … `localAddress` Local interface to bind',
    reason: 'type',
  },
  {
    section: 'agent.destroy() and the properties',
    page: 'http',
    anchor: 'agentgetnameoptions',
    quote: 'The `options` parameter is now optional.',
    reason: 'history',
  },
  {
    section: 'http.ClientRequest',
    page: 'http',
    anchor: 'class-httpclientrequest',
    quote:
      "Also, until the data is read it will consume memory that can eventually lead to a 'process out of memory' error.",
    reason: 'advice',
  },
  {
    section: 'http.ClientRequest',
    page: 'http',
    anchor: 'requestreusedsocket',
    quote:
      'By marking a request whether it reused socket or not, we can do automatic error retry base on it.',
    reason: 'example',
  },
  {
    section: 'http.ClientRequest',
    page: 'http',
    anchor: 'requestabort',
    quote:
      'Calling this will cause remaining data in the response to be dropped and the socket to be destroyed.',
    reason: 'deprecation',
  },
  {
    section: 'http.ClientRequest',
    page: 'http',
    anchor: 'response-ordering-with-connection-reuse',
    quote: 'HTTP/1.1 keep-alive does not provide per-request response attribution beyond that ordering.',
    reason: 'prose',
  },
  {
    section: 'http.ClientRequest',
    page: 'http',
    anchor: 'requestsetsocketkeepaliveenable-initialdelay',
    quote:
      'Once a socket is assigned to this request and is connected `socket.setKeepAlive()` will be called.',
    reason: 'not the agent',
  },
  {
    section: 'http.globalAgent',
    page: 'http',
    anchor: 'httpglobalagent',
    quote: 'The agent now uses HTTP Keep-Alive and a 5 second timeout by default.',
    reason: 'history',
  },
  {
    section: 'http.request()',
    page: 'http',
    anchor: REQ,
    quote:
      'Node.js maintains several connections per server to make HTTP requests. This function allows one to transparently issue requests.',
    reason: 'prose',
  },
  {
    section: 'http.request()',
    page: 'http',
    anchor: REQ,
    quote:
      'In a successful request, the following events will be emitted in the following order: … (and the orders for errors, destroy() and abort())',
    reason: 'not the agent',
  },
  {
    section: 'http.request()',
    page: 'http',
    anchor: REQ,
    quote:
      '`auth`, `headers`, `insecureHTTPParser`, `joinDuplicateHeaders`, `maxHeaderSize`, `method`, `path`, `setHost`, `signal`, `uniqueHeaders` …',
    reason: 'not the agent',
  },
  {
    section: 'Built-in proxy support',
    page: 'http',
    anchor: PROXY,
    quote: 'Stability: 1.1 - Active development',
    reason: 'prose',
  },
  {
    section: 'Built-in proxy support',
    page: 'http',
    anchor: 'proxy-url-format',
    quote: 'Proxy URLs can use either HTTP or HTTPS protocols:',
    reason: 'prose',
  },
  {
    section: 'Built-in proxy support',
    page: 'http',
    anchor: 'example',
    quote:
      'To start a Node.js process with proxy support enabled for all requests sent through the default global agent …',
    reason: 'example',
  },
  {
    section: 'Built-in proxy support',
    page: 'http',
    anchor: GLOBAL_PROXY,
    quote:
      "It's recommended to invoke it before any requests are made and avoid invoking it in the middle of any requests.",
    reason: 'advice',
  },
  {
    section: 'https',
    page: 'https',
    anchor: 'new-agentoptions',
    quote: 'See `Session Resumption` for information about TLS session reuse.',
    reason: 'prose',
  },
  {
    section: 'https',
    page: 'https',
    anchor: 'event-keylog',
    quote: 'A typical use case is to append received lines to a common text file',
    reason: 'example',
  },
  {
    section: 'https',
    page: 'https',
    anchor: 'httpsrequestoptions-callback',
    quote: 'Alternatively, opt out of connection pooling by not using an `Agent`.',
    reason: 'example',
  },
  {
    section: 'https',
    page: 'https',
    anchor: 'httpsrequestoptions-callback',
    quote: '`clientCertEngine` (deprecated)',
    reason: 'deprecation',
  },
  {
    section: 'socket.connect() options',
    page: 'net',
    anchor: CONNECT,
    quote: '`autoSelectFamily`, `hints`, `blockList`, `onread`, `signal` …',
    reason: 'not the agent',
  },
];

export interface Tally {
  covered: number;
  partly: number;
  not: number;
  total: number;
  /** partly counts half */
  percent: number;
}

export function tally(rows: readonly Sentence[]): Tally {
  const covered = rows.filter((r) => r.status === 'covered').length;
  const partly = rows.filter((r) => r.status === 'partly').length;
  const total = rows.length;
  const percent = total === 0 ? 0 : Math.round(((covered + partly / 2) / total) * 1000) / 10;
  return { covered, partly, not: total - covered - partly, total, percent };
}

export function sentenceUrl(s: { page: Page; anchor: string }): string {
  return `${PAGES[s.page]}#${s.anchor}`;
}
