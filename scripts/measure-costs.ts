/**
 * Measures the CPU cost per request of the work the capacity model charges to a gateway replica
 * (docs/capacity.md). Run: `npx tsx scripts/measure-costs.ts`. Prints CPU microseconds per operation
 * (user + system time from process.cpuUsage, after a warm-up), the median of five rounds.
 *
 * What it measures:
 * - JWT signature checks with jose (WebCrypto): HS256, RS256 (2048-bit), ES256, key already imported
 *   (a cached key) and with the key imported from a JWK each time (no key cache).
 * - Parsing a JWKS document (JSON.parse) and importing its RSA key: what a JWKS fetch costs on top
 *   of the HTTP call when nothing is cached.
 * - Serialising a Redis command (ioredis' RESP encoder, INCRBY + PEXPIRE as a pipeline).
 * - One loopback TCP request/answer and one loopback HTTP/1.1 keep-alive GET, client and server in
 *   this process: the client's share is taken as half of the CPU (stated, not measured apart).
 * - gatelab's own plugin hooks (key-auth, rate-limit local, request/response-transformer,
 *   correlation-id) on a prepared request context.
 * - gatelab's response-ratelimiting (local policy: usage read in access, the upstream's X-Kong-Limit
 *   parsed and counted in response) and, for policy redis, serialising what it sends: one GET per
 *   configured period and an INCRBY + PEXPIRE for each of the six periods it increments.
 */
import { createServer as createHttpServer, request as httpRequest, Agent } from 'node:http';
import { createServer as createTcpServer, connect } from 'node:net';
import { cpuUsage } from 'node:process';
import { CompactSign, compactVerify, exportJWK, generateKeyPair, importJWK } from 'jose';
import Redis from 'ioredis';
import { context, host, hooksOf, consumer, drive } from '../engine/plugins/kit/test-kit.ts';
import { keyAuthPlugin } from '../engine/plugins/key-auth/plugin.ts';
import { rateLimitPlugin } from '../engine/plugins/rate-limit/plugin.ts';
import { requestTransformerPlugin } from '../engine/plugins/request-transformer/plugin.ts';
import { responseTransformerPlugin } from '../engine/plugins/response-transformer/plugin.ts';
import { correlationIdPlugin } from '../engine/plugins/correlation-id/plugin.ts';
import { responseRatelimitingPlugin } from '../engine/plugins/response-ratelimiting/plugin.ts';
import { HeaderMap } from '../engine/pipeline/headers.ts';
import type { PluginHooks, Verdict } from '../engine/pipeline/types.ts';

const ROUNDS = 5;

function cpuUs(): number {
  const u = cpuUsage();
  return u.user + u.system;
}

async function perOp(n: number, op: () => unknown): Promise<number> {
  for (let i = 0; i < Math.min(n, 200); i++) await op();
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const before = cpuUs();
    for (let i = 0; i < n; i++) await op();
    rounds.push((cpuUs() - before) / n);
  }
  rounds.sort((a, b) => a - b);
  return rounds[Math.floor(ROUNDS / 2)] as number;
}

const results: Array<[string, number]> = [];
const record = (name: string, us: number): void => {
  results.push([name, us]);
  console.log(`${name.padEnd(58)} ${us.toFixed(1).padStart(8)} µs CPU`);
};

async function jwtCosts(): Promise<void> {
  const payload = new TextEncoder().encode(JSON.stringify({ sub: 'alice', iss: 'https://idp', exp: 2_000_000_000 }));
  const secret = new TextEncoder().encode('a-32-byte-secret-for-hs256-tests!');
  const hs = await new CompactSign(payload).setProtectedHeader({ alg: 'HS256' }).sign(secret);
  record('jwt HS256 verify', await perOp(5000, () => compactVerify(hs, secret, { algorithms: ['HS256'] })));
  for (const alg of ['RS256', 'ES256'] as const) {
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    const token = await new CompactSign(payload).setProtectedHeader({ alg, kid: 'k1' }).sign(privateKey);
    record(`jwt ${alg} verify (key cached)`, await perOp(2000, () => compactVerify(token, publicKey, { algorithms: [alg] })));
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg };
    const jwks = JSON.stringify({ keys: [jwk] });
    record(`jwt ${alg} import JWK + verify (no key cache)`, await perOp(2000, async () => compactVerify(token, await importJWK(jwk, alg), { algorithms: [alg] })));
    record(`jwks ${alg} parse JSON + import key`, await perOp(2000, async () => importJWK((JSON.parse(jwks) as { keys: Array<typeof jwk> }).keys[0] as typeof jwk, alg)));
  }
}

function redisCosts(): Promise<void> {
  const Command = (Redis as unknown as { Command: new (name: string, args: unknown[]) => { toWritable(s: unknown): unknown } }).Command;
  return perOp(20000, () => {
    new Command('incrby', ['ratelimit:gw:route-1:198.51.100.7:second:1767268800', 1]).toWritable(null);
    new Command('pexpire', ['ratelimit:gw:route-1:198.51.100.7:second:1767268800', 1000]).toWritable(null);
  }).then((us) => record('redis INCRBY + PEXPIRE serialised (RESP)', us));
}

async function tcpRoundTrip(): Promise<void> {
  const server = createTcpServer((s) => s.on('data', (d) => s.write(d)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const sock = connect(port, '127.0.0.1');
  await new Promise<void>((r) => sock.once('connect', r));
  const msg = Buffer.from('*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n');
  const once = (): Promise<void> => new Promise((r) => { sock.once('data', () => r()); sock.write(msg); });
  record('loopback TCP round trip, client share (total / 2)', (await perOp(5000, once)) / 2);
  sock.destroy();
  server.close();
}

async function httpRoundTrip(): Promise<void> {
  const body = JSON.stringify({ keys: [{ kty: 'RSA', kid: 'k1', n: 'x'.repeat(342), e: 'AQAB' }] });
  const server = createHttpServer((_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const get = (): Promise<void> =>
    new Promise((resolve, reject) => {
      httpRequest({ port, host: '127.0.0.1', path: '/.well-known/jwks.json', agent }, (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve());
      }).on('error', reject).end();
    });
  record('loopback HTTP/1.1 keep-alive GET, client share (total / 2)', (await perOp(3000, get)) / 2);
  agent.destroy();
  server.close();
}

async function pluginCosts(): Promise<void> {
  const alice = consumer('alice', [{ kind: 'key-auth', id: 'cred-1', fields: { key: 'alice-key' } }]);
  const h = host();
  const cases: Array<[string, PluginHooks]> = [
    ['gatelab key-auth access hook', hooksOf(keyAuthPlugin, {}, [alice])],
    ['gatelab rate-limit (local) access hook', hooksOf(rateLimitPlugin, { second: 1_000_000, policy: 'local' })],
    ['gatelab request-transformer access hook', hooksOf(requestTransformerPlugin, { add: { headers: ['x-a:1'] }, remove: { headers: ['x-b'] } })],
    ['gatelab response-transformer response hook', hooksOf(responseTransformerPlugin, { add: { headers: ['x-c:1'] }, remove: { headers: ['server'] } })],
    ['gatelab correlation-id access + response hooks', hooksOf(correlationIdPlugin, {})],
  ];
  let n = 0;
  for (const [name, hooks] of cases) {
    const us = await perOp(20000, () => {
      const ctx = context({ id: `req-${n++}`, headers: [['apikey', 'alice-key']] });
      const settle = (v: Verdict | undefined): unknown => (v && v.kind === 'wait' ? drive(v) : v);
      settle(hooks.access?.(ctx, h));
      ctx.response = { status: 200, headers: new HeaderMap([['content-type', 'application/json']]), source: 'upstream' };
      settle(hooks.response?.(ctx, h));
    });
    record(name, us);
  }
  const bare = await perOp(20000, () => context({ id: `req-${n++}`, headers: [['apikey', 'alice-key']] }));
  record('(building the test context alone, subtract from the above)', bare);
}

async function responseRateLimitingCosts(): Promise<void> {
  const hooks = hooksOf(responseRatelimitingPlugin, { limits: { orders: { minute: 10_000_000 } }, limit_by: 'ip', policy: 'local' });
  const h = host();
  let n = 0;
  const settle = async (v: Verdict | undefined): Promise<unknown> => (v && v.kind === 'wait' ? drive(v) : v);
  const hooksUs = await perOp(20000, async () => {
    const ctx = context({ id: `req-${n++}` });
    await settle(hooks.access?.(ctx, h));
    ctx.response = { status: 200, headers: new HeaderMap([['content-type', 'application/json'], ['x-kong-limit', 'orders=1']]), source: 'upstream' };
    await settle(hooks.response?.(ctx, h));
  });
  record('gatelab response-ratelimiting (local) access + response hooks', hooksUs);
  const Command = (Redis as unknown as { Command: new (name: string, args: unknown[]) => { toWritable(s: unknown): unknown } }).Command;
  const key = (period: string): string => `response-ratelimit:route-1:service-1:198.51.100.7:1767268800:${period}:orders`;
  const periods = ['second', 'minute', 'hour', 'day', 'month', 'year'];
  const respUs = await perOp(20000, () => {
    new Command('get', [key('minute')]).toWritable(null);
    for (const p of periods) {
      new Command('incrby', [key(p), 1]).toWritable(null);
      new Command('pexpire', [key(p), 60_000]).toWritable(null);
    }
  });
  record('redis GET + 6 × (INCRBY + PEXPIRE) serialised (RESP)', respUs);
}

console.log(`node ${process.version}, ${process.arch}; CPU µs per operation, median of ${ROUNDS} rounds\n`);
await jwtCosts();
await redisCosts();
await tcpRoundTrip();
await httpRoundTrip();
await pluginCosts();
await responseRateLimitingCosts();
