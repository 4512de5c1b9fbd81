/**
 * Traefik rateLimit keyed by `sourceCriterion.ipStrategy.depth` (semantics §4), the CDN case: the same
 * requests, with a forged X-Forwarded-For, through the simulation and the real proxy, which must agree
 * on statuses and on the rateLimit reasons (the source each request was counted under).
 */
import { describe, expect, it } from 'vitest';
import { expectParity, get, localPods, statuses, upstreamsPerTest, type Upstreams } from '../support/parity-case.ts';
import type { Outcome, Step } from '../support/resilience-parity.ts';
import { traefikFixture } from '../support/traefik-route-fixture.ts';

const upstreams = upstreamsPerTest();

const RL = 'rateLimit: { average: 1, period: 1m, burst: 1, sourceCriterion: { ipStrategy: { depth: 1 } } }';

/** One route over pod a with the depth-1 rateLimit; `trusted`: the entryPoint keeps the peer's X-Forwarded-For. */
function config(u: Upstreams, trusted: boolean): string {
  const text = traefikFixture({ routes: [{ match: 'PathPrefix(`/`)', middlewares: ['rl'] }], middlewares: { rl: RL }, pods: localPods(u, ['a']) });
  // The fixture's entryPoint trusts nobody; the CDN edge here is the test client on 127.0.0.1.
  return trusted ? text.replace('web: { address: ":80" }', 'web: { address: ":80", forwardedHeaders: { trustedIPs: [127.0.0.1/32] } }') : text;
}

const withXff = (value: string): Step => get('/orders', { headers: { 'X-Forwarded-For': value } });
const parity = (text: string, label: string, steps: Step[], u: Upstreams): Promise<Outcome[]> => expectParity('traefik', text, label, steps, u, { headers: ['retry-after'], reasonsOf: ['rate-limit'] });

describe('Traefik rateLimit sourceCriterion.ipStrategy.depth on both hosts (semantics §4)', () => {
  it('§4 depth 1 behind a trusted edge: the rightmost entry is the client; a forged leftmost entry does not buy a new bucket', async () => {
    const u = await upstreams.start(['a']);
    const out = await parity(
      config(u, true),
      'sc-depth',
      [withXff('192.0.2.1, 203.0.113.21'), withXff('192.0.2.99, 203.0.113.21'), withXff('203.0.113.42'), get('/orders'), get('/orders')],
      u,
    );
    expect(statuses(out)).toEqual([200, 429, 200, 200, 429]);
    expect(out[1]?.reasons[0]).toContain('source 203.0.113.21 (ipStrategy.depth=1: the 1st X-Forwarded-For entry from the right is 203.0.113.21)');
    expect(out[4]?.reasons[0], 'no X-Forwarded-For: every such request shares the "" bucket').toContain('source ""');
    expect(out[1]?.headers['retry-after']).toBeDefined();
  });

  it('§4 the same config behind an entryPoint that trusts nobody: X-Forwarded-For is stripped first, so every client is the "" bucket', async () => {
    const u = await upstreams.start(['a']);
    const out = await parity(config(u, false), 'sc-untrusted', [withXff('203.0.113.21'), withXff('203.0.113.42')], u);
    expect(statuses(out)).toEqual([200, 429]);
    expect(out[1]?.reasons[0]).toContain('ipStrategy.depth=1 but there is no X-Forwarded-For');
  });
});
