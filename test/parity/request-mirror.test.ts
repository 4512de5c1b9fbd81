/**
 * RequestMirror parity (../shared/semantics.md §7: one endpoint of backendRef; percent or fraction;
 * mirror response ignored): the same Gateway API config runs in the simulation and on the real proxy
 * with a real mirror backend on 127.0.0.1. Both hosts copy the same requests (a draw keyed by the
 * request id), the client's outcome is the same whether the mirror answers, fails or holds its
 * answers back, and the mirror receives the request the pipeline built — Host marked "-shadow" as
 * Envoy does (envoyproxy/envoy test/integration/shadow_policy_integration_test.cc).
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { loadGateway } from '../../engine/config/load-gateway.ts';
import { parseYaml } from '../../engine/config/yaml-source.ts';
import type { GatewayIR } from '../../engine/config/ir.ts';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import { runVariant } from '../../engine/runtimes/sim/run-scenario.ts';
import { loadScenarioText } from '../../engine/scenario/load.ts';
import type { CopyEndEvent, EffectEndEvent, RequestEndEvent, TraceEvent } from '../../engine/trace/events.ts';
import type { Scenario } from '../../engine/scenario/types.ts';
import { REQUEST_ID_HEADER, startFakeBackend } from '../../engine/runtimes/proxy/verify/fake-backends.ts';
import { SceneClock } from '../../engine/runtimes/proxy/verify/scene-clock.ts';
import { keyedDraw } from '../../engine/core/rng.ts';
import { MetricsRegistry } from '../../engine/observe/metrics.ts';
import { Gateway } from '../../engine/pipeline/gateway.ts';
import { HeaderMap } from '../../engine/pipeline/headers.ts';
import type { DetachedCall, PipelineHost } from '../../engine/pipeline/host.ts';

const T0 = Date.parse('2026-01-01T12:00:05Z');
const ID_HEADER = 'x-request-id';
const COUNT = 16;
const ids = Array.from({ length: COUNT }, (_, i) => `buyers-${i + 1}`);
const bodyOf = (id: string): string => `order from ${id}`;

type MirrorMode = 'answers' | 'fails' | 'holds';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real backend on 127.0.0.1: records what it got; a mirror may fail every request or hold its answers. */
interface TestBackend {
  port: number;
  seen: Seen[];
  release(): void;
  close(): Promise<void>;
}

async function startBackend(name: string, mode: MirrorMode = 'answers'): Promise<TestBackend> {
  const seen: Seen[] = [];
  const held: ServerResponse[] = [];
  let released = false;
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(parts).toString() });
      if (mode === 'fails') return void req.socket.destroy();
      if (mode === 'holds' && !released) return void held.push(res);
      res.writeHead(200, { 'content-type': 'text/plain' }).end(name);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    release() {
      released = true;
      for (const res of held.splice(0)) res.writeHead(200).end(name);
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

let open: TestBackend[] = [];
afterEach(async () => {
  for (const b of open) b.release();
  await Promise.all(open.map((b) => b.close()));
  open = [];
});

/** Gateway, two ExternalName Services on 127.0.0.1 and a route mirroring `percent` % to orders-v2. */
function configDocs(mainPort: number, mirrorPort: number, percent: number, listenerPort = 80): unknown[] {
  const service = (name: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'shop' }, spec: { type: 'ExternalName', externalName: '127.0.0.1' } });
  return [
    { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'edge', namespace: 'shop' }, spec: { gatewayClassName: 'gatelab', listeners: [{ name: 'http', port: listenerPort, protocol: 'HTTP' }] } },
    service('orders'),
    service('orders-v2'),
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'orders', namespace: 'shop' },
      spec: {
        parentRefs: [{ name: 'edge' }],
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/orders' } }],
            filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'orders-v2', port: mirrorPort }, percent } }],
            backendRefs: [{ name: 'orders', port: mainPort }],
          },
        ],
      },
    },
  ];
}

function irOf(docs: unknown[]): GatewayIR {
  const text = docs.map((d) => JSON.stringify(d)).join('\n---\n');
  const loaded = loadGateway({ format: 'gateway-api', sources: [{ file: 'mirror.yaml', docs: parseYaml(text, 'mirror.yaml').docs }], overlays: [] });
  if (!loaded.ir) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded.ir;
}

interface HostRun {
  statuses: Record<string, number>;
  mirrored: string[];
}

/** The simulation: one POST per 100 ms from `buyers`; the mirror backend as `mode` says. */
async function runSim(docs: unknown[], mode: MirrorMode, mirrorSpec?: string): Promise<HostRun & { events: TraceEvent[]; scenario: Scenario }> {
  const mirror = mirrorSpec ?? (mode === 'fails' ? '{ name: orders-v2, latency: 5ms, errorRate: 1, errorStatus: 503 }' : mode === 'holds' ? '{ name: orders-v2, latency: 1h }' : '{ name: orders-v2, latency: 5ms }');
  const text = `id: mirror-parity
title: mirror parity
topic: canary
summary: parity
start: 2026-01-01T12:00:05Z
seed: 1
duration: ${COUNT * 100}ms
gateway:
  format: gateway-api
  config: ${JSON.stringify(docs)}
clients:
  - id: buyers
    ip: 127.0.0.1
    request: { method: POST, url: "http://api.example.com/orders", headers: { x-client: c1 }, body: "BODY" }
    traffic: [{ constant: { rate: 10/s } }]
backends:
  - { name: orders, latency: 5ms }
  - ${mirror}
`;
  const loaded = loadScenarioText(text, 'mirror-parity.yaml', () => '');
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (!loaded.scenario || errors.length > 0) throw new Error(errors.map((d) => d.message).join('\n'));
  const events = (await runVariant(loaded.scenario, 'base', { level: 'full' })).events;
  const statuses = Object.fromEntries(events.filter((e): e is RequestEndEvent => e.type === 'request.end').map((e) => [e.req, e.status]));
  const mirrored = events.filter((e) => e.type === 'effect.start' && e.plugin === 'request-mirror').map((e) => (e as { req: string }).req);
  return { statuses, mirrored: mirrored.sort(), events, scenario: loaded.scenario };
}

/** The proxy: the same requests, ids and bodies on real sockets. */
async function runProxy(docs: (listenerPort: number) => unknown[], mirror: TestBackend): Promise<HostRun & { proxy: ProxyServer }> {
  const proxy = new ProxyServer({ ir: irOf(docs(80)), port: 0, store: localStore(() => T0), now: () => T0, requestIdHeader: ID_HEADER, level: 'full' });
  const agent = new Agent({ connections: 4 });
  await proxy.start();
  // The Gateway's listener must name the port the proxy really got.
  proxy.reload(irOf(docs(proxy.port)));
  const statuses: Record<string, number> = {};
  try {
    for (const id of ids) {
      const res = await request(`http://127.0.0.1:${proxy.port}/orders`, {
        method: 'POST',
        headers: { host: 'api.example.com', [ID_HEADER]: id, 'x-client': 'c1', 'content-type': 'text/plain' },
        body: bodyOf(id),
        dispatcher: agent,
      });
      await res.body.text();
      statuses[id] = res.statusCode;
    }
  } finally {
    await agent.close();
  }
  mirror.release();
  // Every copy has reached the mirror once its request's id is recorded; the sends are fire-and-forget.
  const mirrored = (): string[] => mirror.seen.map((s) => String(s.headers[ID_HEADER])).sort();
  for (let i = 0; i < 200 && proxy.sink.recent().filter((e) => e.type === 'effect.end').length < mirrored().length; i++) await new Promise((r) => setImmediate(r));
  return { statuses, mirrored: mirrored(), proxy };
}

/** The copy the pipeline hands a host for one request (what the simulation sends), headers by lower-case name. */
function pipelineCopy(docs: unknown[], id: string): Promise<{ headers: Record<string, string>; body: string | undefined }> {
  const gateway = new Gateway(irOf(docs), 'gw-0', T0);
  let copy: DetachedCall | undefined;
  const host = {
    replica: 'gw-0',
    sink: { level: 'decisions', wants: () => false, emit: () => undefined },
    now: () => T0,
    traceTime: () => 0,
    draw: (purpose: string, key: string, index?: number) => keyedDraw(1, purpose, key, index),
    perform: () => undefined,
    callUpstream: (_call: unknown, done: (a: unknown) => void) => queueMicrotask(() => done({ ok: true, status: 200, headers: new HeaderMap() })),
    sendDetached: (c: DetachedCall) => void (copy = c),
  } as unknown as PipelineHost;
  const headers = new HeaderMap([['host', 'api.example.com'], [ID_HEADER, id], ['x-client', 'c1'], ['content-type', 'text/plain']]);
  const request = { id, method: 'POST', scheme: 'http' as const, host: 'api.example.com', port: 80, path: '/orders', query: '', headers, body: bodyOf(id), peerIp: '127.0.0.1' };
  return new Promise((resolve, reject) =>
    gateway.handle(request, host, () => {
      if (!copy) return reject(new Error('no copy'));
      const out: Record<string, string> = {};
      const h = copy.call.request.headers;
      for (let i = 0; i < h.size; i++) out[h.lowerAt(i)] = h.valueAt(i);
      resolve({ headers: out, body: copy.call.request.body });
    }),
  );
}

/** The exposition's mirror-copy series (Envoy counts shadows in the mirror cluster's upstream stats). */
function shadowSeries(events: readonly TraceEvent[]): string[] {
  const metrics = new MetricsRegistry();
  for (const e of events) metrics.add(e);
  return metrics.exposition().split('\n').filter((l) => l.startsWith('gatelab_upstream_shadow_requests_total{'));
}

describe('RequestMirror: simulation and real proxy agree (§7)', () => {
  for (const mode of ['answers', 'fails', 'holds'] as const) {
    it(`50 %: the same requests are copied on both hosts, and every client gets the main backend's 200 — mirror ${mode}`, async () => {
      const main = await startBackend('v1');
      const mirror = await startBackend('v2', mode);
      open = [main, mirror];
      const docs = (listenerPort: number) => configDocs(main.port, mirror.port, 50, listenerPort);
      const sim = await runSim(docs(80), mode);
      const real = await runProxy(docs, mirror);
      try {
        expect(Object.keys(sim.statuses).sort()).toEqual([...ids].sort());
        expect(real.statuses, 'client outcomes: proxy vs simulation').toEqual(sim.statuses);
        expect(Object.values(real.statuses).every((s) => s === 200)).toBe(true);
        expect(real.mirrored, 'copied requests: proxy vs simulation (draw keyed by request id)').toEqual(sim.mirrored);
        expect(sim.mirrored.length, 'a 50 % share copies some requests').toBeGreaterThan(0);
        expect(sim.mirrored.length, '... and leaves some').toBeLessThan(COUNT);
        expect(main.seen).toHaveLength(COUNT);
        const ends = (events: TraceEvent[]) => events.filter((e): e is EffectEndEvent => e.type === 'effect.end' && e.plugin === 'request-mirror');
        expect(ends(sim.events)).toHaveLength(sim.mirrored.length);
        if (mode === 'holds') {
          // The held copies are given up on after the route timeout, long after every client got its answer.
          const lastClientEnd = Math.max(...sim.events.filter((e) => e.type === 'request.end').map((e) => e.t));
          expect(ends(sim.events).every((e) => e.t > lastClientEnd && e.detail?.startsWith('timeout'))).toBe(true);
        }
        if (mode === 'fails') {
          expect(ends(sim.events).every((e) => e.detail?.includes('503'))).toBe(true);
          expect(ends(real.proxy.sink.recent()).every((e) => !e.ok)).toBe(true);
        }
        // Both hosts count the copies in the mirror's upstream metrics alike (a refused or reset copy as
        // Envoy's router charges it, 503); held answers come only after the proxy's clients are done.
        if (mode !== 'holds') {
          const sims = shadowSeries(sim.events);
          expect(sims).toEqual([`gatelab_upstream_shadow_requests_total{service="orders-v2",code="${mode === 'fails' ? 503 : 200}"} ${sim.mirrored.length}`]);
          expect(shadowSeries(real.proxy.sink.recent()), 'mirror metrics: proxy vs simulation').toEqual(sims);
        }
      } finally {
        await real.proxy.drain(1000);
      }
    });
  }

  it("verify's fake backend fails the same copies as the simulation: a copy's error is drawn by a key of its own", async () => {
    const sim = await runSim(configDocs(1, 2, 100), 'answers', '{ name: orders-v2, latency: 5ms, errorRate: 0.5, errorStatus: 503 }');
    const simCopies = Object.fromEntries(sim.events.filter((e): e is CopyEndEvent => e.type === 'copy.end').map((e) => [e.req, e.status]));
    expect(Object.keys(simCopies).sort()).toEqual([...ids].sort());
    const spec = sim.scenario.backends.find((b) => b.name === 'orders-v2');
    if (!spec) throw new Error('no orders-v2 backend');
    const fake = await startFakeBackend(spec, sim.scenario, sim.scenario.seed, new SceneClock(T0));
    try {
      const statusFor = async (id: string, host: string): Promise<number> => {
        const res = await request(`http://127.0.0.1:${fake.port}/orders`, { method: 'POST', headers: { host, [REQUEST_ID_HEADER]: id }, body: bodyOf(id) });
        await res.body.text();
        return res.statusCode;
      };
      const shadow: Record<string, number> = {};
      const plain: Record<string, number> = {};
      for (const id of ids) {
        shadow[id] = await statusFor(id, 'api.example.com-shadow');
        plain[id] = await statusFor(id, 'api.example.com');
      }
      expect(shadow, 'copies: fake backend vs simulation').toEqual(simCopies);
      // Keyed by the request id alone, the copies would fail exactly where the requests themselves do.
      expect(shadow).not.toEqual(plain);
    } finally {
      await fake.close();
    }
  });

  it('the mirror gets the request as the backend gets it: method, path, body, headers, with Host api.example.com-shadow', async () => {
    const main = await startBackend('v1');
    const mirror = await startBackend('v2');
    open = [main, mirror];
    const real = await runProxy((listenerPort) => configDocs(main.port, mirror.port, 100, listenerPort), mirror);
    try {
      expect(mirror.seen).toHaveLength(COUNT);
      for (const copy of mirror.seen) {
        const id = String(copy.headers[ID_HEADER]);
        const original = main.seen.find((s) => s.headers[ID_HEADER] === id);
        expect(copy).toMatchObject({ method: 'POST', url: '/orders', body: bodyOf(id) });
        expect(copy.headers.host).toBe('api.example.com-shadow');
        expect(original?.headers.host).toBe('api.example.com');
        for (const name of ['x-client', 'x-forwarded-for', 'x-forwarded-proto', 'content-type', 'content-length']) {
          expect(copy.headers[name], `${id} ${name}`).toBe(original?.headers[name]);
        }
        expect(copy.headers.connection ?? 'keep-alive').toBe('keep-alive');
      }
      // What the pipeline built for the simulation's copy is what the real mirror received.
      const built = await pipelineCopy(configDocs(main.port, mirror.port, 100), 'buyers-1');
      const received = mirror.seen.find((s) => s.headers[ID_HEADER] === 'buyers-1');
      for (const [name, value] of Object.entries(built.headers)) expect(received?.headers[name], name).toBe(value);
      expect(received?.body).toBe(built.body);
    } finally {
      await real.proxy.drain(1000);
    }
  });
});
