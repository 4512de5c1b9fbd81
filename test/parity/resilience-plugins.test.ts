/**
 * Resilience parity, the plugins and breakers: the circuit-breaker plugin (resilience4j), Traefik's
 * circuitBreaker and retry middlewares, Envoy's connection-pool limits and canary-rollout. The same
 * request sequence at the same clock instants runs through the simulation (the explain session,
 * upstreams scripted per target) and through the real proxy (real upstreams on 127.0.0.1, a mutable
 * clock); both must agree on statuses, on the hosts tried and the host that answered, and on key
 * headers and reasons; each case also pins what the semantics say. The upstream features (balancers,
 * retries, host health) are in resilience-upstream.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import { answered, brief, expectParity, get, localPods, statuses, upstreamsPerTest } from '../support/parity-case.ts';
import { ID_HEADER, loadIr, T0 } from '../support/resilience-parity.ts';
import { startScriptedUpstream, UPSTREAM_NAME_HEADER } from '../support/scripted-upstream.ts';
import { baseRequestEnds } from '../support/scenario-run.ts';
import { traefikFixture } from '../support/traefik-route-fixture.ts';

const upstreams = upstreamsPerTest();

describe('circuit-breaker plugin (semantics §9, resilience4j)', () => {
  it('§9 resilience4j: 4 of 4 calls fail → OPEN, 503 fail fast without calling; after waitDurationInOpenState HALF_OPEN; 2 good trials → CLOSED', async () => {
    const u = await upstreams.start(['p']);
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
    const out = await expectParity('ir', config, 'r4j', steps, u, { headers: ['x-gatelab-breaker', 'content-type'], reasonsOf: ['circuit-breaker'] });
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

describe('Traefik middlewares (Traefik §4)', () => {
  it('§4 circuitBreaker NetworkErrorRatio() > 0.5: a refused backend trips it, fallback 503 for fallbackDuration, recovery ramp, then standby', async () => {
    const u = await upstreams.start([], ['x']);
    const config = traefikFixture({
      routes: [{ match: 'PathPrefix(`/`)', middlewares: ['cb'] }],
      middlewares: { cb: 'circuitBreaker: { expression: "NetworkErrorRatio() > 0.5", fallbackDuration: 5s, recoveryDuration: 10s }' },
      externalName: '127.0.0.1',
      port: u.x!.port,
    });
    const steps = [
      get('/a'), // refused: Traefik's own 502, a network error: ratio 1.0 > 0.5 → tripped
      get('/a'),
      get('/a', { at: 2_000, up: ['x'] }),
      get('/a', { at: 5_000 }), // fallbackDuration over: recovering starts, its first request is refused
      get('/a', { at: 15_500 }), // past the recovery: standby, forwarded
      get('/a', { at: 15_500 }),
    ];
    const out = await expectParity('traefik', config, 'traefik-cb', steps, u, { headers: ['content-type'], reasonsOf: ['traefik-circuit-breaker'] });
    expect(statuses(out)).toEqual([502, 503, 503, 503, 200, 200]);
    expect(answered(out)).toEqual([null, null, null, null, 'x', 'x']);
    expect(out[0]?.reasons.join('\n')).toMatch(/NetworkErrorRatio/);
    expect(out[1]?.tried).toEqual([]);
    expect(u.x!.hits, 'no request reached x while the breaker was tripped or ramping').toBe(2);
  });

  it('§4 retry middleware (attempts: 2): a refused server is retried on the next one, a POST too (nothing of it was written; retry.go); without it the 502 goes to the client', async () => {
    const u = await upstreams.start(['b'], ['a']);
    const config = traefikFixture({
      routes: [
        { match: 'PathPrefix(`/retry`)', middlewares: ['retry'] },
        { match: 'PathPrefix(`/plain`)' },
      ],
      middlewares: { retry: 'retry: { attempts: 2 }' },
      pods: localPods(u, ['a', 'b']),
    });
    const steps = [get('/retry'), get('/plain'), get('/plain'), get('/retry'), get('/retry', { method: 'POST' })];
    const out = await expectParity('traefik', config, 'traefik-retry', steps, u, { reasonsOf: ['retry'] });
    expect(brief(out)).toEqual(['200 a,b', '502 a', '200 b', '200 a,b', '200 a,b']);
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
    const ends = await baseRequestEnds(text, 'pool-overflow.yaml', 'full');
    expect(ends.map((e) => e.status).sort()).toEqual([200, 200, 503]);
    const overflow = ends.find((e) => e.status === 503);
    expect(overflow?.headers?.['x-envoy-overloaded']).toBe('true');
  });

  it('§9 proxy host on real sockets: 3 requests at once to a slow upstream → one 503 with x-envoy-overloaded: true, answered without calling it', async () => {
    const slow = await startScriptedUpstream('slow', { delayMs: 400 });
    upstreams.adopt({ slow });
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
    const u = await upstreams.start(['v1', 'v2']);
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
    const out = await expectParity('ir', config, 'canary', steps, u, { reasonsOf: ['canary-rollout'] });
    expect(answered(out.slice(0, 2))).toEqual(['v2', 'v1']);
    expect(out[0]?.reasons[0]).toMatch(/x-canary: always → canary/);
    expect(out[2]?.reasons[0]).toMatch(/neither always nor never, so the weight decides: .*draw 0\.\d+/);
    const drawn = answered(out.slice(2));
    expect(drawn.filter((b) => b === 'v2').length, 'a 50 % step sends some requests to the canary').toBeGreaterThan(0);
    expect(drawn.filter((b) => b === 'v1').length, '... and some to the primary').toBeGreaterThan(0);
    out.slice(2).forEach((o) => expect(o.reasons[0]).toMatch(o.answeredBy === 'v2' ? /draw 0\.\d+ < 0\.50 → canary$/ : /draw 0\.\d+ ≥ 0\.50 → primary$/));
  });
});
