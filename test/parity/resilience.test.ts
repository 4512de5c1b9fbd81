/**
 * Resilience parity: every upstream feature (balancers, retries, outlier ejection, passive health,
 * connection-pool limits) and every resilience plugin (circuit-breaker, traefik-circuit-breaker,
 * retry, canary-rollout) runs the same request sequence at the same clock instants through the
 * simulation (the explain session, upstreams scripted per target) and through the real proxy (real
 * upstreams on 127.0.0.1, a mutable clock). Both must agree on statuses, on the hosts tried and the
 * host that answered, and on key headers and reasons; each case also pins what the semantics say.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import { runVariant } from '../../engine/runtimes/sim/run-scenario.ts';
import { loadScenarioText } from '../../engine/scenario/load.ts';
import type { RequestEndEvent } from '../../engine/trace/events.ts';
import { closeAll, startScriptedUpstream, startScriptedUpstreams, UPSTREAM_NAME_HEADER, type ScriptedUpstream } from '../support/scripted-upstream.ts';
import { describeRun, ID_HEADER, loadIr, runProxy, runSim, T0, type Observe, type Outcome, type Step } from '../support/resilience-parity.ts';

let upstreams: Record<string, ScriptedUpstream> | undefined;
afterEach(async () => {
  await closeAll(upstreams);
  upstreams = undefined;
});

async function start(live: string[], refused: string[] = []): Promise<Record<string, ScriptedUpstream>> {
  upstreams = await startScriptedUpstreams(live, refused);
  return upstreams;
}

const target = (u: ScriptedUpstream, weight?: number): string => `{target: "${u.target}"${weight !== undefined ? `, weight: ${weight}` : ''}}`;

/**
 * Runs the steps on both hosts and asserts they agree; returns the (common) outcomes for the case's
 * own expectations. The sim runs first: it touches no socket, so the upstreams start as declared.
 */
async function parity(format: Parameters<typeof loadIr>[0], text: string, label: string, steps: Step[], ups: Record<string, ScriptedUpstream>, observe: Observe = {}): Promise<Outcome[]> {
  const ir = loadIr(format, text);
  const sim = await runSim(ir, label, steps, ups, observe);
  const real = await runProxy(loadIr(format, text), label, steps, ups, observe);
  expect(describeRun(real), 'proxy vs simulation: status and hosts per request').toEqual(describeRun(sim));
  expect(real, 'proxy vs simulation: headers and reasons').toEqual(sim);
  return sim;
}

const statuses = (o: Outcome[]): number[] => o.map((x) => x.status);
const answered = (o: Outcome[]): Array<string | null> => o.map((x) => x.answeredBy);
const get = (path: string, extra: Partial<Step> = {}): Step => ({ path, ...extra });

describe('balancers (semantics §10)', () => {
  it('§10 round robin takes turns a b c; smooth weighted round robin 5:1:1 gives a a b a c a a', async () => {
    const u = await start(['a', 'b', 'c']);
    const config = `services:
  - name: rr
    url: http://rr.internal
    targets: [${target(u.a!)}, ${target(u.b!)}, ${target(u.c!)}]
    upstream: {balancer: {kind: round-robin}}
  - name: wrr
    url: http://wrr.internal
    targets: [${target(u.a!, 5)}, ${target(u.b!, 1)}, ${target(u.c!, 1)}]
    upstream: {balancer: {kind: weighted-round-robin}}
routes:
  - {name: rr, service: rr, paths: [/rr]}
  - {name: wrr, service: wrr, paths: [/wrr]}
`;
    const steps = [...Array.from({ length: 6 }, () => get('/rr')), ...Array.from({ length: 7 }, () => get('/wrr'))];
    const out = await parity('ir', config, 'rr', steps, u);
    expect(answered(out)).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a', 'a', 'b', 'a', 'c', 'a', 'a']);
    expect(statuses(out).every((s) => s === 200)).toBe(true);
  });
});

describe('consistent hashing (semantics §10)', () => {
  it('§10 ring hash on a header: the same x-user always lands on the same host, on both hosts', async () => {
    const u = await start(['a', 'b', 'c']);
    const config = `services:
  - name: sticky
    url: http://sticky.internal
    targets: [${target(u.a!)}, ${target(u.b!)}, ${target(u.c!)}]
    upstream: {balancer: {kind: ring-hash, hashOn: {source: header, name: x-user}}}
routes:
  - {name: sticky, service: sticky, paths: [/cart]}
`;
    const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
    // Each user twice, the second round in reverse order: a round robin would split them.
    const order = [...users, ...[...users].reverse()];
    const out = await parity('ir', config, 'ring', order.map((user) => get('/cart', { headers: { 'x-user': user } })), u);
    const hostOf = new Map<string, string | null>();
    out.forEach((o, i) => {
      const user = order[i] as string;
      if (!hostOf.has(user)) hostOf.set(user, o.answeredBy);
      expect(o.answeredBy, `x-user ${user}`).toBe(hostOf.get(user));
    });
    expect(new Set(hostOf.values()).size, 'eight users spread over more than one host').toBeGreaterThan(1);
  });
});

describe('retries (semantics §6, §9)', () => {
  it('§6/§9 Kong: service retries move a refused connection to the next target; a 500 is never retried', async () => {
    const u = await start(['b', 'c', 'd'], ['a']);
    const config = `_format_version: "3.0"
upstreams:
  - name: refusing-pool
    targets: [${target(u.a!)}, ${target(u.b!)}]
  - name: failing-pool
    targets: [${target(u.c!)}, ${target(u.d!)}]
services:
  - name: orders
    host: refusing-pool
    retries: 2
    routes: [{name: orders, paths: [/orders]}]
  - name: billing
    host: failing-pool
    routes: [{name: billing, paths: [/billing]}]
`;
    const steps = [get('/orders'), get('/orders'), get('/billing', { answers: { c: 500 } }), get('/billing'), get('/billing')];
    const out = await parity('kong', config, 'kong-retry', steps, u, { headers: ['x-kong-request-id', 'via', 'x-kong-upstream-latency', 'server'] });
    // a refuses: Kong's balancer moves on to b and the client never sees the failure.
    expect(out[0]).toMatchObject({ status: 200, tried: ['a', 'b'], answeredBy: 'b', headers: { 'x-kong-request-id': 'kong-retry-1' } });
    expect(out[0]?.headers['via']).toMatch(/^1\.1 kong\//);
    expect(out[1]).toMatchObject({ status: 200, answeredBy: 'b' });
    // proxy_next_upstream "error timeout": c's 500 is an answer, passed on as it is, and not retried.
    expect(out[2]).toMatchObject({ status: 500, tried: ['c'], answeredBy: 'c' });
    expect(out.slice(2).map((o) => o.tried.length)).toEqual([1, 1, 1]);
  });

  it('§9 Envoy: retry_on retriable-status-codes retries only the listed 503; retry_on 5xx retries any 5xx on another host', async () => {
    const u = await start(['a', 'b', 'c']);
    const targets = `[${target(u.a!)}, ${target(u.b!)}, ${target(u.c!)}]`;
    const config = `services:
  - name: listed
    url: http://listed.internal
    targets: ${targets}
    upstream:
      balancer: {kind: round-robin}
      retry: {numRetries: 2, retryOn: [retriable-status-codes], retriableStatusCodes: [503]}
  - name: any5xx
    url: http://any.internal
    targets: ${targets}
    upstream:
      balancer: {kind: round-robin}
      retry: {numRetries: 2, retryOn: [5xx]}
routes:
  - {name: listed, service: listed, paths: [/listed]}
  - {name: any5xx, service: any5xx, paths: [/any]}
`;
    const steps = [
      get('/listed', { answers: { a: 503, b: 500, c: 200 } }),
      get('/listed'),
      get('/any'),
      get('/any', { answers: { c: 502 } }),
    ];
    const out = await parity('ir', config, 'envoy-retry', steps, u, { reasonsOf: ['retry'] });
    // a's 503 is listed: retried on b; b's 500 is not listed: the client gets it.
    expect(out[0]).toMatchObject({ status: 500, tried: ['a', 'b'], answeredBy: 'b' });
    expect(out[1]).toMatchObject({ status: 200, tried: ['c'], answeredBy: 'c' });
    // 5xx: a 503 → b 500 → c 200.
    expect(out[2]).toMatchObject({ status: 200, tried: ['a', 'b', 'c'], answeredBy: 'c' });
    // Two retries used up: the third host's 502 goes to the client.
    expect(out[3]).toMatchObject({ status: 502, tried: ['a', 'b', 'c'], answeredBy: 'c' });
    expect(out[3]?.reasons.at(-1)).toMatch(/all 2 retries used/);
  });
});

describe('host health (semantics §9, §10)', () => {
  it('§9 outlier detection: 2 consecutive 5xx eject a host, max_ejection_percent keeps the second in, the sweep after base_ejection_time brings it back', async () => {
    const u = await start(['a', 'b', 'c']);
    const config = `services:
  - name: pool
    url: http://pool.internal
    targets: [${target(u.a!)}, ${target(u.b!)}, ${target(u.c!)}]
    upstream:
      balancer: {kind: round-robin}
      outlierDetection: {consecutive5xx: 2, interval: 10s, baseEjectionTime: 30s, maxEjectionPercent: 34}
routes:
  - {name: pool, service: pool, paths: [/pool]}
`;
    const steps = [
      get('/pool', { answers: { a: 500, b: 500 } }),
      get('/pool'),
      get('/pool'),
      get('/pool'), // a's 2nd 500 in a row: ejected
      get('/pool'), // b's 2nd: 1 of 3 out already, a 2nd would be 66.7 % > 34 %: not ejected
      get('/pool'),
      get('/pool', { at: 29_000 }),
      get('/pool', { at: 29_000 }),
      get('/pool', { at: 30_000, answers: { a: 200 } }), // the sweep at +30 s returns a
      get('/pool', { at: 30_000 }),
      get('/pool', { at: 30_000 }),
    ];
    const out = await parity('ir', config, 'outlier', steps, u, { reasonsOf: ['balancer'] });
    expect(answered(out)).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'b', 'c', 'a', 'b', 'c']);
    expect(statuses(out)).toEqual([500, 500, 200, 500, 500, 200, 500, 200, 200, 500, 200]);
    expect(out[6]?.reasons[0]).toMatch(/ejected/);
    expect(out[8]?.reasons[0]).not.toMatch(/ejected/);
  });

  it('§10 nginx max_fails=1 fail_timeout=10s: a refused peer is marked down, skipped for fail_timeout, then gets one trial', async () => {
    const u = await start(['a'], ['b']);
    const config = `services:
  - name: web
    url: http://web.internal
    targets: [${target(u.a!)}, ${target(u.b!)}]
    upstream:
      balancer: {kind: round-robin}
      passiveHealth: {kind: nginx, maxFails: 1, failTimeout: 10s}
routes:
  - {name: web, service: web, paths: [/web]}
`;
    const steps = [
      get('/web'),
      get('/web'), // b refuses: 502, and b is down for 10 s
      get('/web'),
      get('/web'),
      get('/web', { at: 10_000 }), // still inside fail_timeout (nginx counts whole seconds, ≤)
      get('/web', { at: 11_000, up: ['b'] }), // past it: b gets its trial, which succeeds
      get('/web', { at: 11_000 }),
      get('/web', { at: 11_000 }),
    ];
    const out = await parity('ir', config, 'nginx', steps, u, { reasonsOf: ['balancer'] });
    expect(statuses(out)).toEqual([200, 502, 200, 200, 200, 200, 200, 200]);
    expect(out.map((o) => o.tried.join())).toEqual(['a', 'b', 'a', 'a', 'a', 'b', 'a', 'b']);
    expect(out[3]?.reasons[0]).toMatch(/marked down by passive checks/);
  });
});

describe('smooth WRR after a failed try (semantics §10)', () => {
  /*
   * nginx takes weight/max_fails off a peer's effective weight only for NGX_PEER_FAILED (error and
   * timeout under the default proxy_next_upstream; a 500 is an answer), and Kong's round-robin has no
   * such penalty at all. Both hosts must keep a failed target's turn.
   */
  const kongPool = (u: Record<string, ScriptedUpstream>): string => `_format_version: "3.0"
upstreams:
  - name: pool
    targets: [${target(u.a!)}, ${target(u.b!)}]
services:
  - name: orders
    host: pool
    routes: [{name: orders, paths: [/orders]}]
`;

  it('§10 Kong round-robin: a target that refused once keeps its turn (a b, then a b again)', async () => {
    const u = await start(['b'], ['a']);
    const out = await parity('kong', kongPool(u), 'kong-refused', [get('/orders'), get('/orders')], u);
    expect(out.map((o) => o.tried.join())).toEqual(['a,b', 'a,b']);
  });

  it('§10 Kong round-robin: a target that answered 500 keeps its turn (a b a b)', async () => {
    const u = await start(['a', 'b']);
    const out = await parity('kong', kongPool(u), 'kong-500', [get('/orders', { answers: { a: 500 } }), get('/orders'), get('/orders'), get('/orders')], u);
    expect(answered(out)).toEqual(['a', 'b', 'a', 'b']);
  });

  it('§10 nginx smooth WRR with max_fails: a 500 is not a failure under the default proxy_next_upstream (a b a b)', async () => {
    const u = await start(['a', 'b']);
    const config = `services:
  - name: web
    url: http://web.internal
    targets: [${target(u.a!)}, ${target(u.b!)}]
    upstream:
      balancer: {kind: weighted-round-robin}
      passiveHealth: {kind: nginx, maxFails: 3, failTimeout: 10s}
routes:
  - {name: web, service: web, paths: [/web]}
`;
    const out = await parity('ir', config, 'nginx-500', [get('/web', { answers: { a: 500 } }), get('/web'), get('/web'), get('/web')], u);
    expect(answered(out)).toEqual(['a', 'b', 'a', 'b']);
  });
});

describe('circuit-breaker plugin (semantics §9, resilience4j)', () => {
  it('§9 resilience4j: 4 of 4 calls fail → OPEN, 503 fail fast without calling; after waitDurationInOpenState HALF_OPEN; 2 good trials → CLOSED', async () => {
    const u = await start(['p']);
    const config = `services:
  - name: payments
    url: http://${u.p!.target}
routes:
  - {name: payments, service: payments, paths: [/pay]}
plugins:
  - plugin: circuit-breaker
    route: payments
    config:
      slidingWindowType: COUNT_BASED
      slidingWindowSize: 4
      minimumNumberOfCalls: 4
      failureRateThreshold: 50
      waitDurationInOpenState: 10s
      permittedNumberOfCallsInHalfOpenState: 2
`;
    const steps = [
      get('/pay', { answers: { p: 500 } }),
      get('/pay'),
      get('/pay'),
      get('/pay'), // 4 of 4 failed: OPEN
      get('/pay'),
      get('/pay', { at: 5_000 }),
      get('/pay', { at: 10_500, answers: { p: 200 } }), // the wait is over: HALF_OPEN, trial 1
      get('/pay', { at: 10_500 }), // trial 2 succeeds: CLOSED
      get('/pay', { at: 10_500 }),
    ];
    const out = await parity('ir', config, 'r4j', steps, u, { headers: ['x-gatelab-breaker', 'content-type'], reasonsOf: ['circuit-breaker'] });
    expect(statuses(out)).toEqual([500, 500, 500, 500, 503, 503, 200, 200, 200]);
    expect(answered(out)).toEqual(['p', 'p', 'p', 'p', null, null, 'p', 'p', 'p']);
    expect(out[4]?.headers['x-gatelab-breaker']).toBe('open');
    expect(out[3]?.reasons.join('\n')).toMatch(/OPEN/);
    expect(out[5]?.reasons[0]).toMatch(/^circuit-breaker: circuit breaker OPEN .*failing fast for 5 s more/);
    expect(out[6]?.reasons[0]).toMatch(/HALF_OPEN/);
    expect(out[7]?.reasons.join('\n')).toMatch(/CLOSED/);
    expect(u.p!.hits, 'the open breaker kept two requests off the backend on the proxy').toBe(7);
  });
});

/** A Traefik v3 config: an IngressRoute per [match, middlewares], Middlewares, and the backend Service. */
function traefikConfig(routes: Array<[string, string[]]>, middlewares: Record<string, string>, service: string, gatelab = ''): string {
  const mw = Object.entries(middlewares)
    .map(([name, spec]) => `---\napiVersion: traefik.io/v1alpha1\nkind: Middleware\nmetadata: { name: ${name}, namespace: shop }\nspec:\n  ${spec}\n`)
    .join('');
  const rs = routes
    .map(([match, mws]) => `    - match: ${JSON.stringify(match)}\n      services: [{ name: web, port: 80 }]\n${mws.length ? `      middlewares: [${mws.map((m) => `{ name: ${m} }`).join(', ')}]\n` : ''}`)
    .join('');
  return `apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: { name: shop, namespace: shop }
spec:
  routes:
${rs}${mw}---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec:
${service}---
_gatelab:
  entryPoints:
    web: { address: ":80" }
  providers:
    kubernetesCRD: { allowExternalNameServices: true }
${gatelab}`;
}

describe('Traefik middlewares (Traefik §4)', () => {
  it('§4 circuitBreaker NetworkErrorRatio() > 0.5: a refused backend trips it, fallback 503 for fallbackDuration, recovery ramp, then standby', async () => {
    const u = await start([], ['x']);
    const config = traefikConfig(
      [['PathPrefix(`/`)', ['cb']]],
      { cb: 'circuitBreaker: { expression: "NetworkErrorRatio() > 0.5", fallbackDuration: 5s, recoveryDuration: 10s }' },
      `  type: ExternalName\n  externalName: 127.0.0.1\n  ports: [{ port: 80 }]\n`,
    ).replace('services: [{ name: web, port: 80 }]', `services: [{ name: web, port: ${u.x!.port} }]`).replace('ports: [{ port: 80 }]', `ports: [{ port: ${u.x!.port} }]`);
    const steps = [
      get('/a'), // refused: Traefik's own 502, a network error: ratio 1.0 > 0.5 → tripped
      get('/a'),
      get('/a', { at: 2_000, up: ['x'] }),
      get('/a', { at: 5_000 }), // fallbackDuration over: recovering starts, its first request is refused
      get('/a', { at: 15_500 }), // past the recovery: standby, forwarded
      get('/a', { at: 15_500 }),
    ];
    const out = await parity('traefik', config, 'traefik-cb', steps, u, { headers: ['content-type'], reasonsOf: ['traefik-circuit-breaker'] });
    expect(statuses(out)).toEqual([502, 503, 503, 503, 200, 200]);
    expect(answered(out)).toEqual([null, null, null, null, 'x', 'x']);
    expect(out[0]?.reasons.join('\n')).toMatch(/NetworkErrorRatio/);
    expect(out[1]?.tried).toEqual([]);
    expect(u.x!.hits, 'no request reached x while the breaker was tripped or ramping').toBe(2);
  });

  it('§4 retry middleware (attempts: 2): a refused server is retried on the next one, a POST too (nothing of it was written; retry.go); without it the 502 goes to the client', async () => {
    const u = await start(['b'], ['a']);
    const config = traefikConfig(
      [
        ['PathPrefix(`/retry`)', ['retry']],
        ['PathPrefix(`/plain`)', []],
      ],
      { retry: 'retry: { attempts: 2 }' },
      `  selector: { app: web }\n  ports: [{ port: 80 }]\n`,
      `  discovery:\n    pods:\n      - { name: web-a, namespace: shop, labels: { app: web }, ip: 127.0.0.1, port: ${u.a!.port} }\n      - { name: web-b, namespace: shop, labels: { app: web }, ip: 127.0.0.1, port: ${u.b!.port} }\n`,
    );
    const steps = [get('/retry'), get('/plain'), get('/plain'), get('/retry'), get('/retry', { method: 'POST' })];
    const out = await parity('traefik', config, 'traefik-retry', steps, u, { reasonsOf: ['retry'] });
    expect(out.map((o) => `${o.status} ${o.tried.join()}`)).toEqual(['200 a,b', '502 a', '200 b', '200 a,b', '200 a,b']);
    expect(out[4]?.reasons.join('\n')).toMatch(/retry 1 of 1, POST too: nothing of it was sent/);
  });
});

describe('connection pool (semantics §9, Envoy circuit breakers)', () => {
  const poolConfig = (svc: string): string => `services:
  - name: slow
    url: http://${svc}
    upstream:
      connectionPool: {maxConnections: 1, maxPendingRequests: 1}
routes:
  - {name: slow, service: slow, paths: [/slow]}
`;

  it.skip('§9 overflow on the simulation explain session (skipped: the explain session answers every upstream call at once, so no request is ever in flight when the next arrives — it cannot hold concurrent requests; the scenario-run test below covers the simulation side)', () => {
    // Intentionally empty: skipped with its reason (design.md: every skip says why).
  });

  it('§9 simulation host (scenario run, virtual clock): 3 requests at once on max_connections 1 + max_pending 1 → one 503 with x-envoy-overloaded', async () => {
    const text = `id: pool-overflow-parity
title: pool overflow
topic: resilience
summary: three requests at once against one connection and one pending slot
start: 2026-01-01T12:00:00Z
seed: 1
duration: 3s
gateway:
  format: ir
  config:
${poolConfig('slow.internal:8080')
  .split('\n')
  .map((l) => (l ? `    ${l}` : l))
  .join('\n')}
clients:
  - id: burst
    ip: 127.0.0.1
    request: { method: GET, url: http://api.example.com/slow }
    traffic: [{ burst: { at: 1s, count: 3 } }]
backends:
  - name: slow
    latency: 300ms
`;
    const loaded = loadScenarioText(text, 'pool-overflow.yaml', (p) => readFileSync(resolve(p), 'utf8'));
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const run = await runVariant(loaded.scenario!, 'base', { level: 'full' });
    const ends = run.events.filter((e): e is RequestEndEvent => e.type === 'request.end');
    expect(ends.map((e) => e.status).sort()).toEqual([200, 200, 503]);
    const overflow = ends.find((e) => e.status === 503);
    expect(overflow?.headers?.['x-envoy-overloaded']).toBe('true');
  });

  it('§9 proxy host on real sockets: 3 requests at once to a slow upstream → one 503 with x-envoy-overloaded: true, answered without calling it', async () => {
    const slow = await startScriptedUpstream('slow', { delayMs: 400 });
    upstreams = { slow };
    const proxy = new ProxyServer({ ir: loadIr('ir', poolConfig(slow.target)), port: 0, store: localStore(() => T0), now: () => T0, requestIdHeader: ID_HEADER, level: 'decisions' });
    const agent = new Agent({ connections: 8 });
    await proxy.start();
    try {
      const send = async (i: number) => {
        const res = await request(`http://127.0.0.1:${proxy.port}/slow`, { headers: { host: 'api.example.com', [ID_HEADER]: `pool-${i}` }, dispatcher: agent });
        const body = await res.body.text();
        return { status: res.statusCode, overloaded: res.headers['x-envoy-overloaded'], who: res.headers[UPSTREAM_NAME_HEADER], body };
      };
      const results = await Promise.all([0, 1, 2].map(send));
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 503]);
      const rejected = results.find((r) => r.status === 503);
      expect(rejected).toMatchObject({ overloaded: 'true', who: undefined });
      expect(rejected?.body).toMatch(/overflow/);
      expect(slow.hits).toBe(2);
      const reasons = proxy.sink.recent().filter((e) => e.type === 'plugin.decision' && e.plugin === 'connection-pool').map((e) => (e as { reason: string }).reason);
      expect(reasons.join('\n')).toMatch(/connection pool overflow/);
    } finally {
      await proxy.drain(2000);
      await agent.close();
    }
  });
});

describe('canary-rollout plugin (semantics §7, §8)', () => {
  it('§8 header forcing (always/never) and the weighted draw keyed by request id: the same request id goes to the same backend on both hosts', async () => {
    const u = await start(['v1', 'v2']);
    const config = `services:
  - name: orders-v1
    url: http://${u.v1!.target}
  - name: orders-v2
    url: http://${u.v2!.target}
routes:
  - {name: orders, service: orders-v1, paths: [/orders]}
plugins:
  - plugin: canary-rollout
    route: orders
    config:
      primary: orders-v1
      canary: orders-v2
      steps: [{weight: 50, pause: 1h, gate: time}, 100]
      header: {name: x-canary}
`;
    const steps = [
      get('/orders', { headers: { 'x-canary': 'always' } }),
      get('/orders', { headers: { 'x-canary': 'never' } }),
      get('/orders', { headers: { 'x-canary': 'maybe' } }),
      ...Array.from({ length: 12 }, () => get('/orders')),
    ];
    const out = await parity('ir', config, 'canary', steps, u, { reasonsOf: ['canary-rollout'] });
    expect(answered(out.slice(0, 2))).toEqual(['v2', 'v1']);
    expect(out[0]?.reasons[0]).toMatch(/x-canary: always → canary/);
    expect(out[2]?.reasons[0]).toMatch(/neither always nor never, so the weight decides: .*draw 0\.\d+/);
    const drawn = answered(out.slice(2));
    expect(drawn.filter((b) => b === 'v2').length, 'a 50 % step sends some requests to the canary').toBeGreaterThan(0);
    expect(drawn.filter((b) => b === 'v1').length, '... and some to the primary').toBeGreaterThan(0);
    out.slice(2).forEach((o) => expect(o.reasons[0]).toMatch(o.answeredBy === 'v2' ? /draw 0\.\d+ < 0\.50 → canary$/ : /draw 0\.\d+ ≥ 0\.50 → primary$/));
  });
});
