/**
 * Parity for the access log's byte counts (semantics §11: $request_length, $upstream_response_length):
 * the same requests run in the simulation, whose `full` trace gives the counts (the lab's way), and
 * through `gatelab serve`'s proxy on real sockets, whose wire facts give them (serve's way). Where
 * both hosts can know a count they must print the same number.
 *
 * Where they cannot agree (docs/proxy.md, "Byte counts"): the simulation's trace records no request
 * body, so a body counts only through a declared Content-Length; it records no upstream body either,
 * so a body a response plugin rewrote counts as rewritten there and as received on the proxy; and the
 * proxy cannot see chunk framing or the spaces around header values, which the simulation has no
 * notion of. The cases here stay clear of those: the posted body declares its Content-Length.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_LOG_EVENT_TYPES, AccessLogBuilder, type AccessRecord } from '../../engine/observe/access-log.ts';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import { runVariant } from '../../engine/runtimes/sim/run-scenario.ts';
import { loadScenario } from '../../engine/scenario/load.ts';
import { kongIr } from '../support/kong-config.ts';
import { sendRaw } from '../proxy/hardening/harness.ts';

/** The backend's answer in both hosts. */
const ANSWER = '{"orders":[{"id":1,"total":"12.50 €"}]}';
const ORDER = '{"item":"book","qty":2}';

/** Kong config; UPSTREAM is the modelled backend in the simulation and a local server on the proxy. */
const KONG = `_format_version: "3.0"
services:
  - name: orders
    url: http://UPSTREAM
    routes:
      - { name: orders, paths: ["/orders"], strip_path: false }
      - name: keyed
        paths: ["/keyed"]
        strip_path: false
        plugins: [{ name: key-auth, config: { key_names: [apikey] } }]
`;

interface Sent {
  id: string;
  method: string;
  path: string;
  headers: Array<[string, string]>;
  body?: string;
}

/** Each a client of its own in the scenario, and a connection of its own on the proxy. */
const REQUESTS: Sent[] = [
  { id: 'plain', method: 'GET', path: '/orders?page=2', headers: [['User-Agent', 'parity/1.0'], ['Accept', 'application/json']] },
  { id: 'posted', method: 'POST', path: '/orders/new', headers: [['Content-Type', 'application/json'], ['Content-Length', String(Buffer.byteLength(ORDER))]], body: ORDER },
  { id: 'refused', method: 'GET', path: '/keyed/x', headers: [['X-Trace', 'abc123']] },
];

function scenarioText(): string {
  const clients = REQUESTS.map((r, i) => {
    const headers = r.headers.map(([n, v]) => `${JSON.stringify(n)}: ${JSON.stringify(v)}`).join(', ');
    const body = r.body === undefined ? '' : `, body: ${JSON.stringify(r.body)}`;
    return `  - id: ${r.id}
    ip: 198.51.100.${10 + i}
    request: { method: ${r.method}, url: "http://api.example.com${r.path}", headers: { ${headers} }${body} }
    traffic: [{ at: [${i + 1}s] }]`;
  });
  const config = KONG.replace('UPSTREAM', 'orders.internal:8080').split('\n').map((l) => `    ${l}`).join('\n');
  return `id: access-log-lengths
title: parity of the access log byte counts
topic: observability
summary: one request per client
start: 2026-01-01T12:00:00Z
seed: 1
duration: 5s
gateway:
  format: kong
  config:
${config}
clients:
${clients.join('\n')}
backends:
  - { name: orders, latency: 5ms, headers: { Content-Type: application/json }, body: ${JSON.stringify(ANSWER)} }
`;
}

async function simRecords(): Promise<Map<string, AccessRecord>> {
  const { scenario, diagnostics } = loadScenario('access-log-lengths.yaml', () => scenarioText());
  if (!scenario) throw new Error(JSON.stringify(diagnostics));
  const run = await runVariant(scenario, 'base', { level: 'full' });
  const builder = new AccessLogBuilder(0);
  const out = new Map<string, AccessRecord>();
  for (const e of run.events) {
    const r = builder.add(e);
    if (r) out.set(`${r.method} ${r.uri}`, r);
  }
  return out;
}

let upstream: Server;
beforeAll(async () => {
  upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(ANSWER) }).end(ANSWER));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

async function proxyRecords(): Promise<Map<string, AccessRecord>> {
  const target = `127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const proxy = new ProxyServer({ ir: kongIr(KONG.replace('UPSTREAM', target)), port: 0, store: localStore(() => Date.now()) });
  const builder = new AccessLogBuilder(0);
  const out = new Map<string, AccessRecord>();
  proxy.sink.subscribe((e, wire) => {
    const r = builder.add(e, wire);
    if (r) out.set(`${r.method} ${r.uri}`, r);
  }, ACCESS_LOG_EVENT_TYPES);
  const { port } = await proxy.start();
  try {
    for (const r of REQUESTS) {
      // The simulation's client sends Host first, from the URL's authority (request-builder.ts).
      const head = [['Host', 'api.example.com'], ...r.headers, ['Connection', 'close']].map(([n, v]) => `${n}: ${v}\r\n`).join('');
      const answer = await sendRaw(port, `${r.method} ${r.path} HTTP/1.1\r\n${head}\r\n${r.body ?? ''}`);
      expect(answer.statuses.length, r.id).toBe(1);
    }
  } finally {
    await proxy.drain(500);
  }
  return out;
}

/** Connection: close is the raw client's own line (the simulation has no connections to close). */
const CLOSE_LINE = 'Connection: close\r\n'.length;

describe('access log byte counts: simulation and proxy (semantics §11)', () => {
  it('§11 $request_length and $upstream_response_length agree where both hosts know them', async () => {
    const [sim, proxy] = await Promise.all([simRecords(), proxyRecords()]);
    for (const r of REQUESTS) {
      const key = `${r.method} ${r.path}`;
      const s = sim.get(key);
      const p = proxy.get(key);
      expect(s, `sim ${key}`).toBeDefined();
      expect(p, `proxy ${key}`).toBeDefined();
      expect(p?.status, key).toBe(s?.status);
      expect((p?.requestLength ?? 0) - CLOSE_LINE, `${key}: $request_length`).toBe(s?.requestLength);
      expect(p?.upstreamResponseLength, `${key}: $upstream_response_length`).toEqual(s?.upstreamResponseLength);
    }
    // The numbers themselves: the answer's bytes for the proxied requests, none for the 401.
    expect(proxy.get('GET /orders?page=2')?.upstreamResponseLength).toEqual([Buffer.byteLength(ANSWER)]);
    expect(proxy.get('GET /keyed/x')?.upstreamResponseLength).toEqual([]);
  });
});
