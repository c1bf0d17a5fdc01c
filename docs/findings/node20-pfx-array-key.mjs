// Finding node20-pfx-array-key (agent-conformance, docs/findings.md).
// Requests that differ in a TLS option must not share a connection (https.request() accepts `pfx`
// among the tls.connect() options; the suite's case https/key-separates-pfx-array). Node 20's
// https.Agent getName() appends `pfx` as a string: an array of { buf, passphrase } objects becomes
// "[object Object],[object Object]", so two arrays that differ in a bundle get one pool key, and the
// second request rides the connection made with the first one's client identity.
// Run: node node20-pfx-array-key.mjs | bun … | deno run -A …
// Exit 1: both requests shared one connection; 0: the second opened its own.
import https from 'node:https';

// A throwaway self-signed server certificate for 127.0.0.1, made for this repro only.
const key =
  '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg/gDY56ZpfMzRkd+X\n5yqrt/n7ZSAdWQGLkp1RRNSLm62hRANCAASGXDffxv9i7hnc8Yp0nXtMOUWaQ0nz\nxfNdAT+W+I/xHojxQqmzgIHHYg/JiNCABu+cKKtQgX+Hjqp+8qBZVJDB\n-----END PRIVATE KEY-----\n';
const cert =
  '-----BEGIN CERTIFICATE-----\nMIIBkDCCATagAwIBAgIUAQg3DoUgwpy+yumXUAEp/put8b4wCgYIKoZIzj0EAwIw\nFDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwNjE5NDM1MFoYDzIxMjYxMTEy\nMTk0MzUwWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO\nPQMBBwNCAASGXDffxv9i7hnc8Yp0nXtMOUWaQ0nzxfNdAT+W+I/xHojxQqmzgIHH\nYg/JiNCABu+cKKtQgX+Hjqp+8qBZVJDBo2QwYjAdBgNVHQ4EFgQUKtPmLb6c5pEy\n/TkYIj7JccAiX+owHwYDVR0jBBgwFoAUKtPmLb6c5pEy/TkYIj7JccAiX+owDwYD\nVR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0gAMEUC\nIDDXUyY6n8UaBkJ64lgmsFf+pi6s3ZFbPuU47g1sqhXVAiEAh8lcMkcvG3OA43bO\nBjaFZUNJr1PjsO4wiK3qjytAIvQ=\n-----END CERTIFICATE-----\n';
// Three throwaway PKCS#12 client identities (self-signed, test-only; passphrase agent-conformance).
const bundles = [
  'MIIEpQIBAzCCBFsGCSqGSIb3DQEHAaCCBEwEggRIMIIERDCCAtIGCSqGSIb3DQEHBqCCAsMwggK/AgEAMIICuAYJKoZIhvcNAQcBMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAjaFJTTVQUMIwICCAAwDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEAI2SKNRPCcerk5mVXh11SOAggJQTdbmKOTa0DCumLG23UOWxQf3NWi9UiqxhSURPdxKVt9egsZ84B8dp0VwDXsE9RUjhaC5Si49BWHcamCEN/T7zAJLVAFV6dqdAtOuGUaaposM1Fcq+vePtS47NiTxyq7zcX42n5aF9PZmRuXAPvV836SOSISAhBjan58EIFWCizCNCM4NGh2Z4Wvyk6OiKE9Ca1M7IO3RDoso+J3zqTTXiPbJYepZV9bT9/Nt1N46M5K3Q8ENB1z3LSnxDEuTdnlELXOf3Ij7B0i0elqK1Rhwn8L/PmbBDabX2ZO0NQUX4YOJSxOQgB7fXCaShVw2mDMqm7KoyAIGBTB3f2/e/winRRz0o4YQ+02/nQnB9mGi2a/t7+DRkI42VuEqbUMohtH4AKDLBIP99uwE5BPMXEYlyvC1vR7Ut8mPnrteB3Xf+H/POenWy/02KzxuDc/FMoVYZCPCc0F+SG6V/WktKlfZDXwg+lSpFoTOiTDqgFyaz+7aul212nSG2j9HY5lxeNHQhX55uac1pdtwiWPR/6qMc8h7HKgV0lToPVBGtaHFqccWsJortkPzUtVaIgtFy9WpgcREYZ3WuDfA0ux10JaPUB1oBolKNOQxTIT5RdGN5oE5Al7YSjZfUvtHeNa6DoijrAYQdPzjEiCRVikSbWXRmjR8fOJ8UH6I2IfNrq4Qu1kMwaZjtk8UQyLZDwiAC0QNIWCZYYdaHt8Vv5tCe134zBKN2QTXgeS4bvuOlQfgUmgqCMVjjdGj+bp/OjeDQZrShvq1cSOlxeU9h/R7b5TrdDCCAWoGCSqGSIb3DQEHAaCCAVsEggFXMIIBUzCCAU8GCyqGSIb3DQEMCgECoIHvMIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAgGqB2sAMlUigICCAAwDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEBfoZ6lgFuAW4H6DKk4HFZQEgZCQfjhuY23CfT7LuYvtUwL6sv+tHjGgpbaSg1/hrGGK7M0k6X12EvMuQUWx1748bViOw+Ol9HKK97n2x2I8nIIwhzK+rf+VngMmP9qDI1s3umFhBvZK+c1JayF3LCh/vFMHojnuFpLUdxXyMT3/CNCNxXpdg50FuFA8ppWY38jyyIAq2kZWyyz4uQjuX6C1iXAxTjAjBgkqhkiG9w0BCRUxFgQUOGr7RTZ7dr0VlMmVNRCNXPBJZGMwJwYJKoZIhvcNAQkUMRoeGABwAGYAeAAgAGMAbABpAGUAbgB0ACAAMTBBMDEwDQYJYIZIAWUDBAIBBQAEIDhTyrZ21drDxvK8S4EhYkk6dqqf1oTeLtsCRirsnugGBAhFtKkFXarSaAICCAA=',
  'MIIEpQIBAzCCBFsGCSqGSIb3DQEHAaCCBEwEggRIMIIERDCCAtIGCSqGSIb3DQEHBqCCAsMwggK/AgEAMIICuAYJKoZIhvcNAQcBMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAi3Eyz8uLoxpgICCAAwDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEAHUlq13lSWUoIZtDrPhPV+AggJQDvw3YyeOUuhmu0xMHYMmmAenFdtd/bnQSKtlKpdFtvC4AV+AfFr/H6WPd5S5+w+bAy8BZqemfFxISsNVsO5Cf7iMhomkyQtu2dJ28r9dorjDt3Uwunb9FegeVrVZ45dtuxcKkwcFjR2Xwdt+GmupqvQPuNEi9e8lc+05IR+JeY//e50y/4sTJLw343DbnvXZ8D3oiBSrNhPFf63uOVlJ5HllXUYHRMN90cMVSoyoQXFYE/SVqKuvjwuwLYJIrB0pqgML8jYzwF4kBD0WmhsiVrQV3onU5KxULD5sj3LqRQm+JNCkztybKduRQ6pTM+U4O2/XuPCX9IN6YpLNyT3w6kWK3ChLKvpBX+Xy1U9Bm5F/PkgeiBz8imklVk+6hNKzSPWYGxvrzW79mnTBNYiBH+NqxzwFSkXp0286+mu7SmKqo5x5sFkME2Kxls/cGkdDeKlDuy2UI0zyzfX6qrQRYTFsKjbHAbSUOO1NwPuMFyzVFikxBs8sGgs61SkkTtS+plvmpG9SUE3ahx7FVp2gHKZDJjSScb9Dq/gnNA9Ewgx6YKuTZr24Opxbgj7KPwu77oVwKVJCszGcnmZyl7JTNXBAjqEWn27JBVBOxbSeZd4DSKov3EvVWCsBBAzVO0AcY11Yq/F0TCEqzw/0xDGYiB/4BNsqTmuDXTCLS86DS8Fpt2fJ+KxXlJ5tvK1gWKP1+zPoWL6V51xQPJCe3LRWtpzi7Yi9/Ec5EzGyGtyojOgcTJwFTwSGinVyalZeIqgY0r3IRCNosl5b/aN8EXvKhDCCAWoGCSqGSIb3DQEHAaCCAVsEggFXMIIBUzCCAU8GCyqGSIb3DQEMCgECoIHvMIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAgtQB6k8RqAjgICCAAwDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEPhH567KOJTOMm8so0E840AEgZDsRgl5zoN4xnCXO7HYGuQ/osj5s1oTAUEjQ07ZI2cjHziBLHaQwrb2G8PbiESOuLQUAv+Zg9580WpRXLJrpvo+0GNuk/PF/NWkRFZZyTFfDb573PmaP1yj9GesonGOfXnmwUmApH5TDwTkqNH0PTgzf90Yv1pn29RqBz3g/LZQ9XiXZLvb6GkwEeN4H7cs03oxTjAjBgkqhkiG9w0BCRUxFgQUMhayDkcZAbZje/PvHhkEj0agYpMwJwYJKoZIhvcNAQkUMRoeGABwAGYAeAAgAGMAbABpAGUAbgB0ACAAMjBBMDEwDQYJYIZIAWUDBAIBBQAEIDxYqf7aRpcwnRjGYZTXh9I13YOmEt2BNTUbjbgpczV1BAi5FVTRc0zwIQICCAA=',
  'MIIEpQIBAzCCBFsGCSqGSIb3DQEHAaCCBEwEggRIMIIERDCCAtIGCSqGSIb3DQEHBqCCAsMwggK/AgEAMIICuAYJKoZIhvcNAQcBMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAitHBf2ssLEwAICCAAwDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEEqIA1PwTg5o9Gz40EIk1vGAggJQ7AWdDz2piAW+l0GCsGCe3DRtyni278pPeoJNnlZ8VP/FhKCpbhRPy2/ZInHaChUCEwjIEgLS9vqCBf4sO0HusT1yi7EV87f2CLW2RPVVwzowsAV9PAB4mHpGjwptB9mapgAUuBI67zW6dCKdmNcnWIRIlyQRdlL+HJYLu3tgfpvLGEe6JUOAkBRX//GG53dsS4YrFUIu3xBGopmvFm8FdDrWrNqQ7NEZdqnsCgLCoPYP6VRKiUnMOyfUzCqy4hT94k3Vt5Y3yfg32xM1QA2+LvRElAd/RrGy76aP4WFVp1UrYg+YbOhr41UQIQeQZvNXmIMr2m6bvVEvvWvDrnP8WQazZiF/8W7pYhigtp5PuPgswmQy1GFPZhJqhy3lbWluUkXUhxpWbiCC296gUqAe35n/oRkRlqfrzXQ7feqWE9w7XJHzUAhV/tZbGOPQXNxfwCKE9R2c/sCxNqEhV9WEGAR7qq+4WFxO08u7aUD2i/JyLr/ac319HekFkaqsEO43orpiFdFC00BVp7B0DyV/y4u1/uz923kq/p0JOZx6qzvPKdn5WvX2D8Ix8vOD7FwEIT/0sU7CL06zb8vqCIihh3uBW1eTcT46L2mdhl+susgCYMRxO50B4EUu5jFO7VM5jbfc59BhrigHdTT8mywLB5eDM40FISsksy6+DRviD7KAZDywTLM7p0xzYQUkggZ/l57imutjgfTCsFgRkN2mlFvxmd8WBLEMRYl00QT6wtiFpLSg2+BsLKAi3XPOe2GGdciX++lhJdVz+H2aHUJlvjCCAWoGCSqGSIb3DQEHAaCCAVsEggFXMIIBUzCCAU8GCyqGSIb3DQEMCgECoIHvMIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAgrLOghdzSwmwICCAAwDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEHz8lI2bmqCKeLY49UyrlmIEgZB+AzKsgc9U5bc3QNLeaZCp82Sydq01ee4QF5V3lrGNGovJifCiXtvpHv9mII4Ys0zP9bNqObm1AZybbr5QTCpPQ3ke0cGjHEy/oiG9kDztOr7YPridA6jcvxR0TjrbSrYqgeeqmJ1jNJj4ODsvloTcxgIoqn1Yj2PYoDEYn8+0Ox+aMleDZaVab121bJQ0pDExTjAjBgkqhkiG9w0BCRUxFgQUbZMP3xvBGgBS+Sy6gQQJ0TVHWZ4wJwYJKoZIhvcNAQkUMRoeGABwAGYAeAAgAGMAbABpAGUAbgB0ACAAMzBBMDEwDQYJYIZIAWUDBAIBBQAEIMmk0z4Ddfe3dJJSKWK8GJmLlpUS0qXpAjJVI46Jr/KlBAjgpI/CFwW13wICCAA=',
].map((b64) => ({ buf: Buffer.from(b64, 'base64'), passphrase: 'agent-conformance' }));

const connections = [];
const server = https.createServer({ key, cert }, (req, res) => {
  res.end(`on connection ${connections.indexOf(req.socket) + 1}`);
});
server.on('secureConnection', (socket) => connections.push(socket));
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const agent = new https.Agent({ keepAlive: true });

function get(pfx) {
  return new Promise((resolve) => {
    const req = https.get({ host: '127.0.0.1', port: server.address().port, agent, ca: cert, pfx }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve(body));
    });
    req.on('error', (err) => resolve(`error ${err.message}`));
  });
}

const first = await get([bundles[0], bundles[1]]);
// let the socket go back to the pool
await new Promise((r) => setTimeout(r, 50));
const second = await get([bundles[0], bundles[2]]);
console.log(
  `pfx [1, 2]: ${first}; pfx [1, 3]: ${second}; the server saw ${connections.length} connection(s)`,
);
agent.destroy();
server.close();
process.exit(connections.length === 1 ? 1 : 0);
