/**
 * Seeded bug (https): getName() is the http name only (`host:port:localAddress`), every TLS option
 * left out. Requests that differ in `ca`, a client certificate, `servername`, the TLS versions or
 * the ciphers then share pooled connections made for other options.
 */
import http from 'node:http';
import https from 'node:https';

export const seeded = {
  catches: [
    'https/key-separates-ca',
    'https/key-separates-cert-key',
    'https/key-separates-servername',
    'https/key-separates-min-version',
    'https/key-separates-max-version',
    'https/key-separates-ciphers',
    'https/name-format',
  ],
  rule: 'requests that differ in a TLS option that changes the connection never share a socket',
};

class HttpNameOnly extends https.Agent {
  override getName(options: https.RequestOptions = {}): string {
    return http.Agent.prototype.getName.call(this, options);
  }
}

export function createHttpsAgent(options?: https.AgentOptions): https.Agent {
  return new HttpNameOnly(options);
}
