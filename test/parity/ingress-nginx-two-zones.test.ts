/**
 * ingress-nginx `limit-rps` + `limit-rpm` on one Ingress (semantics §8: the controller renders two
 * limit_req lines in the location, rps first; §2: nginx checks both zones before it counts in
 * either). The same requests at the same clock instants through the simulation and the real proxy,
 * which must agree on statuses and on the rate-limit reasons, including which zone refused.
 */
import { describe, expect, it } from 'vitest';
import { oneIngress } from './ingress-nginx-cases.ts';
import { expectParity, get, statuses, upstreamsPerTest, type Upstreams } from '../support/parity-case.ts';

const upstreams = upstreamsPerTest();

/** One Ingress for api.example.com over an ExternalName Service that points at upstream a. */
const config = (u: Upstreams, annotations: Record<string, string>): string => oneIngress({ name: 'limited', svc: 'orders', port: u.a!.port, annotations });

describe('ingress-nginx limit-rps + limit-rpm on both hosts (semantics §2, §8)', () => {
  it('§2 the rpm zone refuses at 1 s while the rps zone has room; the refusal is counted in neither zone, so the rpm zone refuses again', async () => {
    const u = await upstreams.start(['a']);
    const text = config(u, { 'limit-rps': '1', 'limit-rpm': '1', 'limit-burst-multiplier': '1' });
    const out = await expectParity('ingress-nginx', text, 'in-2z', [get('/x'), get('/x'), get('/x', { at: 1000 }), get('/x')], u, { reasonsOf: ['rate-limit'] });
    expect(statuses(out)).toEqual([200, 200, 503, 503]);
    for (const o of out.slice(2)) {
      expect(o.reasons[0]).toContain('zone "shop_limited_rpm" excess would be');
      expect(o.reasons[0]).toContain('"shop_limited_rps" had room but counts nothing either; no zone changes');
    }
  });
});
