/**
 * Traefik retry `maxRequestBodyBytes` on both hosts (traefik/traefik pkg/middlewares/retry/retry.go,
 * v3.7: for a request whose status retries apply the body is read, at most maxRequestBodyBytes + 1
 * bytes; a bigger one turns the status retries off, a smaller one is kept and sent on every attempt).
 * The same PUTs through the simulation (explain session) and the real proxy, whose upstreams record
 * the bodies they receive: the hosts must agree on statuses, hosts tried and the retry reasons, and on
 * real sockets every try must carry the whole body.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import { createExplainSession } from '../../engine/runtimes/sim/explain.ts';
import type { PluginDecisionEvent } from '../../engine/trace/events.ts';
import { ID_HEADER, loadIr, T0 } from '../support/resilience-parity.ts';
import { traefikFixture } from '../support/traefik-route-fixture.ts';

/** An upstream that answers `status` and records each request body it read. */
interface Recording {
  name: string;
  port: number;
  status: number;
  bodies: string[];
  server: Server;
}

const open: Recording[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) await new Promise<void>((done) => r.server.close(() => done()));
});

async function recording(name: string, status: number): Promise<Recording> {
  const rec = { name, port: 0, status, bodies: [] as string[] } as Recording;
  rec.server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      rec.bodies.push(body);
      res.writeHead(rec.status);
      res.end(`${name} ${rec.status}\n`);
    });
  });
  await new Promise<void>((done) => rec.server.listen(0, '127.0.0.1', () => done()));
  rec.port = (rec.server.address() as AddressInfo).port;
  open.push(rec);
  return rec;
}

interface Seen {
  status: number;
  tried: string[];
  reasons: string[];
}

type Decision = { plugin: string; reason: string; data?: Record<string, unknown> };

function seen(status: number, decisions: readonly Decision[], names: ReadonlyMap<string, string>): Seen {
  const tried = decisions.filter((d) => d.plugin === 'balancer' && typeof d.data?.['target'] === 'string').map((d) => names.get(d.data?.['target'] as string) ?? '?');
  return { status, tried, reasons: decisions.filter((d) => d.plugin === 'retry').map((d) => d.reason) };
}

/** One PUT with `body` (chunked when asked) through both hosts; pods a (503) then b (200). */
async function both(retry: string, body: string, chunked = false): Promise<{ sim: Seen; real: Seen; a: Recording; b: Recording }> {
  const a = await recording('a', 503);
  const b = await recording('b', 200);
  const names = new Map([[`127.0.0.1:${a.port}`, 'a'], [`127.0.0.1:${b.port}`, 'b']]);
  const text = traefikFixture({
    routes: [{ match: 'PathPrefix(`/`)', middlewares: ['retry'] }],
    middlewares: { retry: `retry: ${retry}` },
    pods: [{ name: 'web-a', ip: '127.0.0.1', port: a.port }, { name: 'web-b', ip: '127.0.0.1', port: b.port }],
  });
  const length = String(new TextEncoder().encode(body).byteLength);
  // The simulation holds the body as text and sends no Content-Length; the real client does.
  const headers: Array<[string, string]> = [[ID_HEADER, 'rb-1'], ...(chunked ? [['transfer-encoding', 'chunked'] as [string, string]] : [])];
  const session = createExplainSession(loadIr('traefik', text), 1);
  const simResult = await session.send(
    { method: 'PUT', url: 'http://api.example.com/x', headers, body, clientIp: '127.0.0.1', now: T0, seed: 1, repeat: 0, upstreamStatus: 200, upstreamHeaders: [], upstreamByTarget: { [`127.0.0.1:${a.port}`]: 503, [`127.0.0.1:${b.port}`]: 200 } },
    'rb-1',
  );
  const sim = seen(simResult.status, simResult.decisions, names);

  const clock = T0;
  const proxy = new ProxyServer({ ir: loadIr('traefik', text), port: 0, store: localStore(() => clock), now: () => clock, requestIdHeader: ID_HEADER, seed: 1, level: 'decisions' });
  const agent = new Agent({ connections: 4 });
  await proxy.start();
  try {
    const res = await request(`http://127.0.0.1:${proxy.port}/x`, {
      method: 'PUT',
      headers: { host: 'api.example.com', [ID_HEADER]: 'rb-1', ...(chunked ? {} : { 'content-length': length }) },
      // A Readable of unknown length goes out chunked (no Content-Length).
      body: chunked ? Readable.from([body.slice(0, 3), body.slice(3)]) : body,
      dispatcher: agent,
    });
    await res.body.text();
    const decisions = proxy.sink
      .recent()
      .filter((e): e is PluginDecisionEvent => e.type === 'plugin.decision' && e.req === 'rb-1')
      .map((e): Decision => ({ plugin: e.plugin, reason: e.reason, ...(e.data ? { data: e.data } : {}) }));
    return { sim, real: seen(res.statusCode, decisions, names), a, b };
  } finally {
    await proxy.drain(1000);
    await agent.close();
  }
}

describe('Traefik retry maxRequestBodyBytes on both hosts (retry.go v3.7)', () => {
  it('a body within the limit is kept: the 503 is retried on b, and b receives the whole body again', async () => {
    const body = 'order=42&qty=3';
    const { sim, real, a, b } = await both('{ attempts: 2, status: ["503"], maxRequestBodyBytes: 64 }', body);
    expect(real).toEqual(sim);
    expect(real.status).toBe(200);
    expect(real.tried).toEqual(['a', 'b']);
    expect(real.reasons).toContainEqual(expect.stringContaining('the request body (14 bytes) is kept to send again'));
    expect([...a.bodies, ...b.bodies]).toEqual([body, body]);
  });

  it('a body over the limit turns the status retries off: a\'s 503 goes to the client, and a received the whole body', async () => {
    const body = 'x'.repeat(40);
    const { sim, real, a, b } = await both('{ attempts: 2, status: ["503"], maxRequestBodyBytes: 16 }', body);
    expect(real).toEqual(sim);
    expect(real.status).toBe(503);
    expect(real.tried).toEqual(['a']);
    expect(real.reasons).toContainEqual(expect.stringContaining('the request body is 40 bytes, over maxRequestBodyBytes 16: its status retries are off'));
    expect(real.reasons.at(-1)).toBe('not retried: status 503 matches no retry condition (connect-failure)');
    expect(a.bodies).toEqual([body]);
    expect(b.bodies).toEqual([]);
  });

  it('a chunked body over the limit is judged by its bytes; it still reaches a whole', async () => {
    const body = 'y'.repeat(40);
    const { sim, real, a } = await both('{ attempts: 2, status: ["503"], maxRequestBodyBytes: 16 }', body, true);
    expect(real).toEqual(sim);
    expect(real.status).toBe(503);
    expect(real.reasons).toContainEqual(expect.stringContaining('the request body is 40 bytes, over maxRequestBodyBytes 16'));
    expect(a.bodies).toEqual([body]);
  });
});
