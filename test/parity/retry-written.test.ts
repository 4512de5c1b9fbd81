/**
 * Which methods a gateway retries after a network error depends on whether any of the request was
 * written to the upstream (../shared/semantics.md §9, feature table "Retries"; nginx
 * src/http/ngx_http_upstream.c ngx_http_upstream_next: NON_IDEMPOTENT only when `request_sent`;
 * traefik/traefik pkg/middlewares/retry/retry.go: network errors only while nothing was written, any
 * method; Envoy's retry_on never looks at the method). The same requests run through the simulation
 * (explain session) and the real proxy (real upstreams on 127.0.0.1: a closed port refuses — nothing
 * written; a `reset` upstream reads the request and drops the connection — written), which must
 * agree on statuses, hosts tried and the retry stage's reasons.
 */
import { describe, expect, it } from 'vitest';
import { brief, expectParity, get, kongOrdersPool, localPods, post, target, upstreamsPerTest, type Upstreams } from '../support/parity-case.ts';
import { traefikFixture } from '../support/traefik-route-fixture.ts';

const upstreams = upstreamsPerTest();
const observe = { reasonsOf: ['retry'] };

/** A Traefik v3 IngressRoute per path `/<name>` over pods a and b, each with its own retry middleware `<name>`. */
function traefik(u: Upstreams, retries: Record<string, string>): string {
  const names = Object.keys(retries);
  return traefikFixture({
    routes: names.map((name) => ({ match: `PathPrefix(\`/${name}\`)`, middlewares: [name] })),
    middlewares: Object.fromEntries(names.map((name) => [name, `retry: ${retries[name]}`])),
    pods: localPods(u, ['a', 'b']),
  });
}

describe('Traefik retry: network errors only before anything was written, then any method (semantics §4; retry.go)', () => {
  it('§4 a POST to a refused server is retried on the next one; a GET too', async () => {
    const u = await upstreams.start(['b'], ['a']);
    const out = await expectParity('traefik', traefik(u, { net: '{ attempts: 2 }' }), 'tr-refused', [post('/net'), get('/net')], u, observe);
    expect(brief(out)).toEqual(['200 a,b', '200 a,b']);
    expect(out[0]?.reasons.join('\n')).toMatch(/connection refused matches retry-on connect-failure: retry 1 of 1, POST too: nothing of it was sent/);
  });

  it('§4 a reset after the request was written is not a network-error retry: the proxy\'s 502 goes to the client, GET or POST', async () => {
    const u = await upstreams.start(['a', 'b']);
    const steps = [get('/net', { reset: ['a'] }), get('/net'), post('/net')];
    const out = await expectParity('traefik', traefik(u, { net: '{ attempts: 2 }' }), 'tr-reset', steps, u, observe);
    expect(out.map((o) => o.status)).toEqual([502, 200, 502]);
    expect(out.map((o) => o.tried.length)).toEqual([1, 1, 1]);
    expect(out[0]?.reasons.join('\n')).toMatch(/connection reset \(answered 502\) matches no retry condition \(connect-failure\); traefik retries a network error only before any of the request was written/);
  });

  it('§4 with status 500-599 that 502 is retried like an answer — for a GET, for a POST only with retryNonIdempotentMethod', async () => {
    const u = await upstreams.start(['a', 'b']);
    // The service's round robin alternates a, b over both routes: steps 2 and 4 start on the resetting a.
    const steps = [get('/st', { reset: ['a'] }), post('/st'), post('/any'), post('/any')];
    const out = await expectParity('traefik', traefik(u, { st: '{ attempts: 2, status: ["500-599"] }', any: '{ attempts: 2, status: ["500-599"], retryNonIdempotentMethod: true }' }), 'tr-status', steps, u, observe);
    expect(brief(out)).toEqual(['200 a,b', '502 a', '200 b', '200 a,b']);
    expect(out[0]?.reasons.at(-1)).toBe('retry: connection reset (answered 502) matches retry-on retriable-status-codes: retry 1 of 1');
    expect(out[1]?.reasons.at(-1)).toBe('retry: not retried: connection reset (answered 502) would be retried, but POST is not retried (traefik does not retry a non-idempotent request once it was sent)');
    expect(out[3]?.reasons.at(-1)).toBe('retry: connection reset (answered 502) matches retry-on retriable-status-codes: retry 1 of 1');
  });
});

describe('Kong: the balancer retries under nginx\'s proxy_next_upstream and its non-idempotent rule (semantics §6, §10)', () => {
  it('§6 a refused connection is retried for a POST; a POST whose connection broke after it was sent is not; a GET is', async () => {
    const u = await upstreams.start(['b'], ['a']);
    const steps = [post('/orders'), post('/orders', { up: ['a'], reset: ['a'] }), get('/orders'), get('/orders')];
    const out = await expectParity('kong', kongOrdersPool(u), 'kong-written', steps, u, observe);
    expect(brief(out)).toEqual(['200 a,b', '502 a', '200 b', '200 a,b']);
    expect(out[0]?.reasons).toEqual(['retry: connection refused matches retry-on connect-failure: retry 1 of 5, POST too: nothing of it was sent']);
    expect(out[1]?.reasons).toEqual(['retry: not retried: connection reset would be retried, but POST is not retried (kong does not retry a non-idempotent request once it was sent)']);
    expect(out[3]?.reasons).toEqual(['retry: connection reset matches retry-on reset: retry 1 of 5']);
  });
});

describe('Envoy retry_on never looks at the method (semantics §9)', () => {
  it('§9 retry_on reset retries a POST whose connection broke after it was sent', async () => {
    const u = await upstreams.start(['a', 'b']);
    const config = `services:
  - name: pay
    url: http://pay.internal
    targets: [${target(u.a!)}, ${target(u.b!)}]
    upstream:
      balancer: {kind: round-robin}
      retry: {numRetries: 1, retryOn: [reset]}
routes:
  - {name: pay, service: pay, paths: [/pay]}
`;
    const out = await expectParity('ir', config, 'envoy-reset', [post('/pay', { reset: ['a'] }), post('/pay')], u, observe);
    // The balancer went on to a again for the second POST, which broke again and was retried again.
    expect(brief(out)).toEqual(['200 a,b', '200 a,b']);
    for (const o of out) expect(o.reasons[0]).toMatch(/^retry: connection reset matches retry-on reset: retry 1 of 1 after an? \d+ ms backoff$/);
  });

  it('§9 retry_on reset-before-request: a refused connection is retried, a reset after sending is not — whatever the method', async () => {
    const u = await upstreams.start(['b', 'c'], ['a']);
    const config = `services:
  - name: pay
    url: http://pay.internal
    targets: [${target(u.a!)}, ${target(u.b!)}, ${target(u.c!)}]
    upstream:
      balancer: {kind: round-robin}
      retry: {numRetries: 1, retryOn: [reset-before-request]}
routes:
  - {name: pay, service: pay, paths: [/pay]}
`;
    // Round robin a, b, c: a refuses and the retry goes to b; the next POST goes to c, which resets.
    const out = await expectParity('ir', config, 'envoy-before', [post('/pay'), post('/pay', { reset: ['c'] })], u, observe);
    expect(brief(out)).toEqual(['200 a,b', '502 c']);
    expect(out[0]?.reasons[0]).toMatch(/^retry: connection refused matches retry-on reset-before-request: retry 1 of 1/);
    expect(out[1]?.reasons[0]).toBe('retry: not retried: connection reset matches no retry condition (reset-before-request)');
  });
});
