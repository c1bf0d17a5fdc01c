/**
 * The registry of documentation sentences: every case's `doc` is one of these entries (a test keeps
 * it so), so a sentence is quoted once, with one anchor, however many cases check it. Quotes are
 * exact, from https://nodejs.org/api/http.html (and, for the https area, https.html and tls.html); an
 * entry that paraphrases is a bug. Where Node's docs leave a header's meaning to HTTP (an explicit
 * `Connection: close` is sent as given, and what it promises is HTTP's), the entry quotes RFC 9112.
 * The text is the newest docs' (see docs/spec-coverage.md); `since` marks a quote that only some
 * releases' docs have. docs/spec-coverage.md maps every entry to its sentence.
 */
import type { DocRef } from '../harness/suite/api.ts';

const HTTP = 'https://nodejs.org/api/http.html';
const HTTPS = 'https://nodejs.org/api/https.html';
const TLS = 'https://nodejs.org/api/tls.html';
const RFC9112 = 'https://www.rfc-editor.org/rfc/rfc9112';

export const DOCS = {
  keepAliveOptionFull: {
    url: `${HTTP}#new-agentoptions`,
    quote:
      'Keep sockets around even when there are no outstanding requests, so they can be used for future requests without having to reestablish a TCP connection. Not to be confused with the `keep-alive` value of the `Connection` header. The `Connection: keep-alive` header is always sent when using an agent except when the `Connection` header is explicitly specified or when the `keepAlive` and `maxSockets` options are respectively set to `false` and `Infinity`, in which case `Connection: close` will be used. **Default:** `false`.',
  },
  maxSocketsDefault: {
    url: `${HTTP}#agentmaxsockets`,
    quote:
      'By default set to `Infinity`. Determines how many concurrent sockets the agent can have open per origin. Origin is the returned value of `agent.getName()`.',
  },
  maxTotalSocketsProperty: {
    url: `${HTTP}#agentmaxtotalsockets`,
    quote:
      'By default set to `Infinity`. Determines how many concurrent sockets the agent can have open. Unlike `maxSockets`, this parameter applies across all origins.',
  },
  maxFreeSocketsProperty: {
    url: `${HTTP}#agentmaxfreesockets`,
    quote:
      'By default set to 256. For agents with `keepAlive` enabled, this sets the maximum number of sockets that will be left open in the free state.',
  },
  keepAliveMsecsOption: {
    url: `${HTTP}#new-agentoptions`,
    quote:
      '`keepAliveMsecs` When using the `keepAlive` option, specifies the initial delay for TCP Keep-Alive packets. Ignored when the `keepAlive` option is `false` or `undefined`. **Default:** `1000`.',
  },
  defaultPortOption: {
    url: `${HTTP}#new-agentoptions`,
    quote: '`defaultPort` Default port to use when the port is not specified in requests. **Default:** `80`.',
    since: 'v24.5.0, v22.21.0 (nodejs/node#58980)',
  },
  nullPrototypeMaps: {
    url: `${HTTP}#agentfreesockets`,
    quote: 'The property now has a `null` prototype.',
    since: 'v16.0.0 (nodejs/node#36409)',
  },
  keepAliveTimeoutBufferOption: {
    url: `${HTTP}#new-agentoptions`,
    quote:
      'Milliseconds to subtract from the server-provided `keep-alive: timeout=...` hint when determining socket expiration time. This buffer helps ensure the agent closes the socket slightly before the server does, reducing the chance of sending a request on a socket that’s about to be closed by the server. **Default:** `1000`.',
    since: 'v24.7.0, v22.20.0 (nodejs/node#59315)',
  },
  pooledTcpKeepAlive: {
    url: `${HTTP}#class-httpagent`,
    quote:
      'Pooled connections have TCP Keep-Alive enabled for them, but servers may still close idle connections, in which case they will be removed from the pool and a new connection will be made when a new HTTP request is made for that host and port.',
  },
  reusedSocket: {
    url: `${HTTP}#requestreusedsocket`,
    quote:
      "When sending request through a keep-alive enabled agent, the underlying socket might be reused. But if server closes connection at unfortunate time, client may run into a 'ECONNRESET' error.",
  },
  requestTimeoutEvent: {
    url: `${HTTP}#event-timeout`,
    quote:
      'Emitted when the underlying socket times out from inactivity. This only notifies that the socket has been idle. The request must be destroyed manually.',
  },
  maxSocketsQueue: {
    url: `${HTTP}#new-agentoptions`,
    quote:
      'If the host attempts to open more connections than `maxSockets`, the additional requests will enter into a pending request queue, and will enter active connection state when an existing connection terminates.',
  },
  requestError: {
    url: `${HTTP}#httprequesturl-options-callback`,
    quote:
      "If any error is encountered during the request (be that with DNS resolution, TCP level errors, or actual HTTP parse errors) an `'error'` event is emitted on the returned request object.",
  },
  closedConnectionRemoved: {
    url: `${HTTP}#class-httpagent`,
    quote: 'When a connection is closed by the client or the server, it is removed from the pool.',
  },
  agentQueuePerHost: {
    url: `${HTTP}#class-httpagent`,
    quote:
      'It maintains a queue of pending requests for a given host and port, reusing a single socket connection for each until the queue is empty, at which time the socket is either destroyed or put into a pool where it is kept to be used again for requests to the same host and port.',
  },
  serverMayRefuseReuse: {
    url: `${HTTP}#class-httpagent`,
    quote:
      'Servers may also refuse to allow multiple requests over the same connection, in which case the connection will have to be remade for every request and cannot be pooled.',
  },
  responseOrdering: {
    url: `${HTTP}#response-ordering-with-connection-reuse`,
    quote:
      'On a reused HTTP/1.1 keep-alive connection, responses are associated with requests by their order on that connection. HTTP/1.1 keep-alive does not provide per-request response attribution beyond that ordering.',
  },
  getNameFormat: {
    url: `${HTTP}#agentgetnameoptions`,
    quote: 'For an HTTP agent, this returns `host:port:localAddress` or `host:port:localAddress:family`.',
  },
  getNameFamily: {
    url: `${HTTP}#agentgetnameoptions`,
    quote: "`family` Must be 4 or 6 if this doesn't equal `undefined`.",
  },
  getNamePurpose: {
    url: `${HTTP}#agentgetnameoptions`,
    quote: 'Get a unique name for a set of request options, to determine whether a connection can be reused.',
  },
  keepAliveOption: {
    url: `${HTTP}#new-agentoptions`,
    quote:
      'Keep sockets around even when there are no outstanding requests, so they can be used for future requests without having to reestablish a TCP connection.',
  },
  agentQueueDestroyedOrPooled: {
    url: `${HTTP}#class-httpagent`,
    quote:
      'It maintains a queue of pending requests for a given host and port, reusing a single socket connection for each until the queue is empty, at which time the socket is either destroyed or put into a pool where it is kept to be used again for requests to the same host and port. Whether it is destroyed or pooled depends on the `keepAlive` option.',
  },
  reuseSocket: {
    url: `${HTTP}#agentreusesocketsocket-request`,
    quote:
      'Called when `socket` is attached to `request` after being persisted because of the keep-alive options.',
  },
  connectionHeader: {
    url: `${HTTP}#new-agentoptions`,
    quote:
      'The `Connection: keep-alive` header is always sent when using an agent except when the `Connection` header is explicitly specified or when the `keepAlive` and `maxSockets` options are respectively set to `false` and `Infinity`, in which case `Connection: close` will be used.',
  },
  requestCloseTearDown: {
    url: `${RFC9112}#section-9.6`,
    quote:
      'A client that sends a "close" connection option MUST NOT send further requests on that connection (after the one containing the "close") and MUST close the connection after reading the final response message corresponding to this request.',
  },
  responseMustBeConsumed: {
    url: `${HTTP}#class-httpclientrequest`,
    quote:
      "if a `'response'` event handler is added, then the data from the response object **must** be consumed, either by calling `response.read()` whenever there is a `'readable'` event, or by adding a `'data'` handler, or by calling the `.resume()` method. Until the data is consumed, the `'end'` event will not fire.",
  },
  responseDiscarded: {
    url: `${HTTP}#class-httpclientrequest`,
    quote: "If no `'response'` handler is added, then the response will be entirely discarded.",
  },
  keepSocketAlive: {
    url: `${HTTP}#agentkeepsocketalivesocket`,
    quote: 'Called when `socket` is detached from a request and could be persisted by the `Agent`.',
  },
  keepSocketAliveFalsy: {
    url: `${HTTP}#agentkeepsocketalivesocket`,
    quote:
      'If this method returns a falsy value, the socket will be destroyed instead of persisting it for use with the next request.',
  },
  freeSocketsTimeout: {
    url: `${HTTP}#agentfreesockets`,
    quote:
      "Sockets in the `freeSockets` list will be automatically destroyed and removed from the array on `'timeout'`.",
  },
  agentSocketsProperty: {
    url: `${HTTP}#agentsockets`,
    quote: 'An object which contains arrays of sockets currently in use by the agent. Do not modify.',
  },
  agentFreeSocketsProperty: {
    url: `${HTTP}#agentfreesockets`,
    quote:
      'An object which contains arrays of sockets currently awaiting use by the agent when `keepAlive` is enabled. Do not modify.',
  },
  agentRequestsProperty: {
    url: `${HTTP}#agentrequests`,
    quote:
      'An object which contains queues of requests that have not yet been assigned to sockets. Do not modify.',
  },
  agentDestroy: {
    url: `${HTTP}#agentdestroy`,
    quote:
      'Destroy any sockets that are currently in use by the agent. It is usually not necessary to do this. However, if using an agent with `keepAlive` enabled, then it is best to explicitly shut down the agent when it is no longer needed. Otherwise, sockets might stay open for quite a long time before the server terminates them.',
  },
  pooledSocketsUnref: {
    url: `${HTTP}#class-httpagent`,
    quote:
      'Any unused sockets in the pool will be unrefed so as not to keep the Node.js process running when there are no outstanding requests.',
  },
  agentRemove: {
    url: `${HTTP}#class-httpagent`,
    quote:
      "Sockets are removed from an agent when the socket emits either a `'close'` event or an `'agentRemove'` event.",
  },
  requestDestroy: {
    url: `${HTTP}#requestdestroyerror`,
    quote:
      "Destroy the request. Optionally emit an `'error'` event, and emit a `'close'` event. Calling this will cause remaining data in the response to be dropped, and the socket to be destroyed if used, or returned to the corresponding Agent pool otherwise if possible.",
  },
  maxFreeSocketsOption: {
    url: `${HTTP}#new-agentoptions`,
    quote:
      'Maximum number of sockets per host to leave open in a free state. Only relevant if `keepAlive` is set to `true`. **Default:** `256`.',
  },
  maxSocketsOption: {
    url: `${HTTP}#new-agentoptions`,
    quote:
      'Maximum number of sockets to allow per host. If the same host opens multiple concurrent connections, each request will use new socket until the `maxSockets` value is reached. If the host attempts to open more connections than `maxSockets`, the additional requests will enter into a pending request queue, and will enter active connection state when an existing connection terminates. This makes sure there are at most `maxSockets` active connections at any point in time, from a given host.',
  },
  maxSocketsPerOrigin: {
    url: `${HTTP}#agentmaxsockets`,
    quote:
      'Determines how many concurrent sockets the agent can have open per origin. Origin is the returned value of `agent.getName()`.',
  },
  maxTotalSocketsOption: {
    url: `${HTTP}#new-agentoptions`,
    quote:
      'Maximum number of sockets allowed for all hosts in total. Each request will use a new socket until the maximum is reached.',
  },
  schedulingOption: {
    url: `${HTTP}#new-agentoptions`,
    quote:
      "Scheduling strategy to apply when picking the next free socket to use. It can be `'fifo'` or `'lifo'`. The main difference between the two scheduling strategies is that `'lifo'` selects the most recently used socket, while `'fifo'` selects the least recently used socket.",
  },
  schedulingDefault: {
    url: `${HTTP}#new-agentoptions`,
    quote:
      "In case of a high rate of request per second, the `'fifo'` scheduling will maximize the number of open sockets, while the `'lifo'` scheduling will keep it as low as possible. **Default:** `'lifo'`.",
  },
  timeoutOption: {
    url: `${HTTP}#new-agentoptions`,
    quote: 'Socket timeout in milliseconds. This will set the timeout when the socket is created.',
  },
  requestTimeoutOption: {
    url: `${HTTP}#httprequesturl-options-callback`,
    quote:
      'A number specifying the socket timeout in milliseconds. This will set the timeout before the socket is connected.',
  },
  proxyEnvOption: {
    url: `${HTTP}#built-in-proxy-support`,
    quote:
      'Custom agents can also be created with proxy support by passing a `proxyEnv` option when constructing the agent.',
  },
  useEnvProxy: {
    url: `${HTTP}#built-in-proxy-support`,
    quote:
      'When Node.js creates the global agent, if the `NODE_USE_ENV_PROXY` environment variable is set to `1` or `--use-env-proxy` is enabled, the global agent will be constructed with `proxyEnv: process.env`, enabling proxy support based on the environment variables.',
  },
  setGlobalProxyFromEnv: {
    url: `${HTTP}#httpsetglobalproxyfromenvproxyenv`,
    quote:
      'Dynamically resets the global configurations to enable built-in proxy support for `fetch()` and `http.request()`/`https.request()` at runtime, as an alternative to using the `--use-env-proxy` flag or `NODE_USE_ENV_PROXY` environment variable.',
  },
  proxyHttpVariable: {
    url: `${HTTP}#built-in-proxy-support`,
    quote:
      '`HTTP_PROXY` or `http_proxy`: Proxy server URL for HTTP requests. If both are set, `http_proxy` takes precedence.',
  },
  proxyHttpsVariable: {
    url: `${HTTP}#built-in-proxy-support`,
    quote:
      '`HTTPS_PROXY` or `https_proxy`: Proxy server URL for HTTPS requests. If both are set, `https_proxy` takes precedence.',
  },
  proxyNoProxyVariable: {
    url: `${HTTP}#built-in-proxy-support`,
    quote:
      '`NO_PROXY` or `no_proxy`: Comma-separated list of hosts to bypass the proxy. If both are set, `no_proxy` takes precedence.',
  },
  proxyUnixSocketIgnored: {
    url: `${HTTP}#built-in-proxy-support`,
    quote: 'If the request is made to a Unix domain socket, the proxy settings will be ignored.',
  },
  proxyHttpsUrl: {
    url: `${HTTP}#proxy-url-format`,
    quote: 'HTTPS proxy: `https://proxy.example.com:8080`',
  },
  proxyUrlWithAuth: {
    url: `${HTTP}#proxy-url-format`,
    quote: 'Proxy with authentication: `http://username:password@proxy.example.com:8080`',
  },
  noProxyAll: {
    url: `${HTTP}#no_proxy-format`,
    quote: '`*` - Bypass proxy for all hosts',
  },
  noProxyExactHost: {
    url: `${HTTP}#no_proxy-format`,
    quote: '`example.com` - Exact host name match',
  },
  noProxyDomainSuffix: {
    url: `${HTTP}#no_proxy-format`,
    quote: '`.example.com` - Domain suffix match (matches `sub.example.com`)',
  },
  noProxyWildcard: {
    url: `${HTTP}#no_proxy-format`,
    quote: '`*.example.com` - Wildcard domain match',
  },
  noProxyIp: {
    url: `${HTTP}#no_proxy-format`,
    quote: '`192.168.1.100` - Exact IP address match',
  },
  noProxyIpRange: {
    url: `${HTTP}#no_proxy-format`,
    quote: '`192.168.1.1-192.168.1.100` - IP address range',
  },
  noProxyHostPort: {
    url: `${HTTP}#no_proxy-format`,
    quote: '`example.com:8080` - Hostname with specific port',
  },
  noProxyList: {
    url: `${HTTP}#no_proxy-format`,
    quote: 'Multiple entries should be separated by commas.',
  },
  createConnectionReturn: {
    url: `${HTTP}#agentcreateconnectionoptions-callback`,
    quote: 'The overriding method can return the socket/stream directly.',
    since: 'nodejs/node#58205 (the rewritten createConnection text)',
  },
  createConnectionForms: {
    url: `${HTTP}#agentcreateconnectionoptions-callback`,
    quote:
      'The overriding method can accept the `callback` and pass the created socket/stream to it (e.g., `callback(null, newSocket)`).',
    since:
      'nodejs/node#58205 (before it: "A socket/stream can be supplied in one of two ways: by returning the socket/stream from this function, or by passing the socket/stream to `callback`.")',
  },
  agentConnectOptions: {
    url: `${HTTP}#new-agentoptions`,
    quote: '`options` in `socket.connect()` are also supported.',
  },
  createConnectionOptions: {
    url: `${HTTP}#agentcreateconnectionoptions-callback`,
    quote:
      '`options` Options containing connection details. Check `net.createConnection()` for the format of the options. For custom agents, this object is passed to the custom `createConnection` function.',
    since: 'nodejs/node#58205 (before it the sentence ended at "the format of the options")',
  },
  createConnectionCallback: {
    url: `${HTTP}#agentcreateconnectionoptions-callback`,
    quote:
      'If an error occurs during socket creation, it should be passed as the first argument to the `callback` (e.g., `callback(err)`).',
    since: 'nodejs/node#58205 (before it: "`callback` has a signature of `(err, stream)`.")',
  },
  keepSocketAliveDefault: {
    url: `${HTTP}#agentkeepsocketalivesocket`,
    quote:
      'Default behavior is to: `socket.setKeepAlive(true, this.keepAliveMsecs); socket.unref(); return true;`',
  },
  globalAgent: {
    url: `${HTTP}#httpglobalagent`,
    quote:
      'Global instance of `Agent` which is used as the default for all HTTP client requests. Diverges from a default `Agent` configuration by having `keepAlive` enabled and a `timeout` of 5 seconds.',
  },
  agentFalse: {
    url: `${HTTP}#class-httpagent`,
    quote:
      'By providing `{agent: false}` as an option to the `http.get()` or `http.request()` functions, a one-time use `Agent` with default options will be used for the client connection.',
  },
  requestLocalPortOption: {
    url: `${HTTP}#httprequesturl-options-callback`,
    quote: '`localPort` Local port to connect from.',
  },
  requestSocketPathOption: {
    url: `${HTTP}#httprequesturl-options-callback`,
    quote: '`socketPath` Unix domain socket.',
  },
  requestLookupOption: {
    url: `${HTTP}#httprequesturl-options-callback`,
    quote: '`lookup` Custom lookup function. **Default:** `dns.lookup()`.',
  },
  requestDefaultPort: {
    url: `${HTTP}#httprequesturl-options-callback`,
    quote:
      '`defaultPort` Default port for the protocol. **Default:** `agent.defaultPort` if an `Agent` is used, else `undefined`.',
  },
  protocolOption: {
    url: `${HTTP}#new-agentoptions`,
    quote: "`protocol` The protocol to use for the agent. **Default:** `'http:'`.",
    since: 'v24.5.0, v22.21.0 (nodejs/node#58980)',
  },
  requestProtocol: {
    url: `${HTTP}#httprequesturl-options-callback`,
    quote: "`protocol` Protocol to use. **Default:** `'http:'`.",
  },
  httpsAgentClass: {
    url: `${HTTPS}#class-httpsagent`,
    quote: 'An `Agent` object for HTTPS similar to `http.Agent`. See `https.request()` for more information.',
  },
  httpsMaxCachedSessions: {
    url: `${HTTPS}#new-agentoptions`,
    quote:
      'maximum number of TLS cached sessions. Use `0` to disable TLS session caching. **Default:** `100`.',
  },
  httpsServername: {
    url: `${HTTPS}#new-agentoptions`,
    quote:
      "the value of Server Name Indication extension to be sent to the server. Use empty string `''` to disable sending the extension. **Default:** host name of the target server, unless the target server is specified using an IP address, in which case the default is `''` (no extension).",
  },
  httpsKeylogEvent: {
    url: `${HTTPS}#event-keylog`,
    quote:
      'The `keylog` event is emitted when key material is generated or received by a connection managed by this agent (typically before handshake has completed, but not necessarily).',
  },
  httpsRequestDefaults: {
    url: `${HTTPS}#httpsrequestoptions-callback`,
    quote: 'Accepts all `options` from `http.request()`, with some differences in default values:',
  },
  httpsRequestTlsOptions: {
    url: `${HTTPS}#httpsrequestoptions-callback`,
    quote:
      'The following additional `options` from `tls.connect()` are also accepted: `ca`, `cert`, `ciphers`, `clientCertEngine` (deprecated), `crl`, `dhparam`, `ecdhCurve`, `honorCipherOrder`, `key`, `passphrase`, `pfx`, `rejectUnauthorized`, `secureOptions`, `secureProtocol`, `servername`, `sessionIdContext`, `highWaterMark`.',
    since:
      'v22.4.0, v20.16.0 for "(deprecated)" (nodejs/node#53329: clientCertEngine needs OpenSSL engines, deprecated in OpenSSL 3)',
  },
  tlsRejectUnauthorized: {
    url: `${TLS}#tlsconnectoptions-callback`,
    quote:
      "If not `false`, the server certificate is verified against the list of supplied CAs. An `'error'` event is emitted if verification fails; `err.code` contains the OpenSSL error code. **Default:** `true`.",
  },
  tlsCheckServerIdentity: {
    url: `${TLS}#tlsconnectoptions-callback`,
    quote:
      "A callback function to be used (instead of the builtin `tls.checkServerIdentity()` function) when checking the server's host name (or the provided `servername` when explicitly set) against the certificate. This should return an <Error> if verification fails.",
  },
  tlsServername: {
    url: `${TLS}#tlsconnectoptions-callback`,
    quote:
      'Server name for the SNI (Server Name Indication) TLS extension. It is the name of the host being connected to, and must be a host name, and not an IP address.',
  },
} as const satisfies Record<string, DocRef>;

export type DocName = keyof typeof DOCS;
