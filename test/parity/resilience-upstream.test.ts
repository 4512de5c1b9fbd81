/**
 * Resilience parity, the upstream features: balancers, consistent hashing, retries, outlier ejection
 * and passive health. The same request sequence at the same clock instants runs through the
 * simulation (the explain session, upstreams scripted per target) and through the real proxy (real
 * upstreams on 127.0.0.1, a mutable clock); both must agree on statuses, on the hosts tried and the
 * host that answered, and on key headers and reasons; each case also pins what the semantics say.
 * The resilience plugins are in resilience-plugins.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { answered, expectParity, get, kongOrdersPool, statuses, target, upstreamsPerTest } from '../support/parity-case.ts';

const upstreams = upstreamsPerTest();

describe('balancers (semantics §10)', () => {
  it('§10 round robin takes turns a b c; smooth weighted round robin 5:1:1 gives a a b a c a a', async () => {
    const u = await upstreams.start(['a', 'b', 'c']);
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
    const out = await expectParity('ir', config, 'rr', steps, u);
    expect(answered(out)).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a', 'a', 'b', 'a', 'c', 'a', 'a']);
    expect(statuses(out).every((s) => s === 200)).toBe(true);
  });
});

describe('consistent hashing (semantics §10)', () => {
  it('§10 ring hash on a header: the same x-user always lands on the same host, on both hosts', async () => {
    const u = await upstreams.start(['a', 'b', 'c']);
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
    const out = await expectParity('ir', config, 'ring', order.map((user) => get('/cart', { headers: { 'x-user': user } })), u);
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
    const u = await upstreams.start(['b', 'c', 'd'], ['a']);
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
    const out = await expectParity('kong', config, 'kong-retry', steps, u, { headers: ['x-kong-request-id', 'via', 'x-kong-upstream-latency', 'server'] });
    // a refuses: Kong's balancer moves on to b and the client never sees the failure.
    expect(out[0]).toMatchObject({ status: 200, tried: ['a', 'b'], answeredBy: 'b', headers: { 'x-kong-request-id': 'kong-retry-1' } });
    expect(out[0]?.headers['via']).toMatch(/^1\.1 kong\//);
    expect(out[1]).toMatchObject({ status: 200, answeredBy: 'b' });
    // proxy_next_upstream "error timeout": c's 500 is an answer, passed on as it is, and not retried.
    expect(out[2]).toMatchObject({ status: 500, tried: ['c'], answeredBy: 'c' });
    expect(out.slice(2).map((o) => o.tried.length)).toEqual([1, 1, 1]);
  });

  it('§9 Envoy: retry_on retriable-status-codes retries only the listed 503; retry_on 5xx retries any 5xx on another host', async () => {
    const u = await upstreams.start(['a', 'b', 'c']);
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
    const out = await expectParity('ir', config, 'envoy-retry', steps, u, { reasonsOf: ['retry'] });
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
    const u = await upstreams.start(['a', 'b', 'c']);
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
    const out = await expectParity('ir', config, 'outlier', steps, u, { reasonsOf: ['balancer'] });
    expect(answered(out)).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'b', 'c', 'a', 'b', 'c']);
    expect(statuses(out)).toEqual([500, 500, 200, 500, 500, 200, 500, 200, 200, 500, 200]);
    expect(out[6]?.reasons[0]).toMatch(/ejected/);
    expect(out[8]?.reasons[0]).not.toMatch(/ejected/);
  });

  it('§10 nginx max_fails=1 fail_timeout=10s: a refused peer is marked down, skipped for fail_timeout, then gets one trial', async () => {
    const u = await upstreams.start(['a'], ['b']);
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
    const out = await expectParity('ir', config, 'nginx', steps, u, { reasonsOf: ['balancer'] });
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

  it('§10 Kong round-robin: a target that refused once keeps its turn (a b, then a b again)', async () => {
    const u = await upstreams.start(['b'], ['a']);
    const out = await expectParity('kong', kongOrdersPool(u), 'kong-refused', [get('/orders'), get('/orders')], u);
    expect(out.map((o) => o.tried.join())).toEqual(['a,b', 'a,b']);
  });

  it('§10 Kong round-robin: a target that answered 500 keeps its turn (a b a b)', async () => {
    const u = await upstreams.start(['a', 'b']);
    const out = await expectParity('kong', kongOrdersPool(u), 'kong-500', [get('/orders', { answers: { a: 500 } }), get('/orders'), get('/orders'), get('/orders')], u);
    expect(answered(out)).toEqual(['a', 'b', 'a', 'b']);
  });

  it('§10 nginx smooth WRR with max_fails: a 500 is not a failure under the default proxy_next_upstream (a b a b)', async () => {
    const u = await upstreams.start(['a', 'b']);
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
    const out = await expectParity('ir', config, 'nginx-500', [get('/web', { answers: { a: 500 } }), get('/web'), get('/web'), get('/web')], u);
    expect(answered(out)).toEqual(['a', 'b', 'a', 'b']);
  });
});

describe('AWS integration failure (semantics §5)', () => {
  it('§5 aws-rest: a refused integration is 504 INTEGRATION_FAILURE on both hosts; the generic flavour keeps the 502', async () => {
    const u = await upstreams.start([], ['a']);
    const service = (name: string, flavour: string): string => `  - name: ${name}
    url: http://${name}.internal
    targets: [${target(u.a!)}]
    upstream: {retry: {numRetries: 0}, timeouts: {flavour: ${flavour}}}
`;
    const config = `services:
${service('aws', 'aws-rest')}${service('plain', 'generic')}routes:
  - {name: aws, service: aws, paths: [/aws]}
  - {name: plain, service: plain, paths: [/plain]}
`;
    // Reasons compared for the AWS route only: the generic 502's reason quotes each host's own socket error.
    const aws = await expectParity('ir', config, 'aws-failure', [get('/aws')], u, { reasonsOf: ['proxy'] });
    const plain = await expectParity('ir', config, 'aws-failure-generic', [get('/plain')], u);
    expect(statuses([...aws, ...plain])).toEqual([504, 502]);
    expect(aws[0]?.reasons.join(' ')).toMatch(/504 INTEGRATION_FAILURE/);
  });
});
