/**
 * Kong's one balancer and one health checker per upstream, simulation (explain session) against the
 * real proxy on 127.0.0.1: services `orders` and `billing` both name upstream `pool` (a, b, c), whose
 * passive check takes a target out after one HTTP 500. kong/runloop/balancer/balancers.lua
 * get_balancer finds the balancer by the upstream (balancers_by_id[upstream.id]) and
 * healthcheckers.lua gives that balancer its one checker, so a target a request through `orders`
 * took out is out for `billing` too, and the round-robin wheel turns once for both services'
 * requests. Semantics §10 (Kong's balancers). Both hosts must agree on statuses, the hosts tried and
 * the balancer's reasons.
 */
import { describe, expect, it } from 'vitest';
import { brief, expectParity, get, target, upstreamsPerTest, type Upstreams } from '../support/parity-case.ts';

const upstreams = upstreamsPerTest();

function twoServicesOnePool(u: Upstreams): string {
  return `_format_version: "3.0"
upstreams:
  - name: pool
    targets: [${[u.a!, u.b!, u.c!].map((x) => target(x)).join(', ')}]
    healthchecks:
      passive:
        unhealthy: {http_failures: 1}
services:
  - name: orders
    host: pool
    routes: [{name: orders, paths: [/orders]}]
  - name: billing
    host: pool
    routes: [{name: billing, paths: [/billing]}]
`;
}

describe("Kong: services on one upstream share its balancer and its checker (balancers.lua get_balancer)", () => {
  it('semantics §10: a answers 500 to orders and is out for billing; the wheel turns once for both services', async () => {
    const u = await upstreams.start(['a', 'b', 'c']);
    const steps = [get('/orders', { answers: { a: 500 } }), get('/billing'), get('/orders'), get('/billing'), get('/orders'), get('/billing')];
    const out = await expectParity('kong', twoServicesOnePool(u), 'kong-shared-pool', steps, u, { reasonsOf: ['balancer'] });
    // One wheel: a (orders), b (billing), c (orders); then a is out for both services: b, c, b. (Kong
    // strips the matched /billing by default: the upstream path is /.)
    expect(brief(out)).toEqual(['500 a', '200 b', '200 c', '200 b', '200 c', '200 b']);
    const reason = out[1]?.reasons[0] ?? '';
    expect(reason).toMatch(new RegExp(`^balancer: sending to billing at ${u.b!.target.replace(/\./g, '\\.')} as GET / — `));
    expect(reason).toContain(`skipped ${u.a!.target} marked down by passive checks`);
  });
});
