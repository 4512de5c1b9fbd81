/**
 * ingress-nginx cookie affinity and the sticky canary on both hosts (semantics §8 rule 1):
 * balancer.lua `get_alternative_or_original_balancer` (an affinitized request stays, before header
 * and weight), balancer/sticky.lua `is_affinitized` / `set_cookie`, sticky_persistent.lua's key
 * md5(backend name .. endpoint). The same requests through the simulation and the real proxy must
 * reach the same upstream, read the same router reasons and carry the same Set-Cookie.
 */
import { describe, expect, it } from 'vitest';
import { backendKey } from '../../engine/config/ingress-nginx/affinity.ts';
import { loopbackService, prefixIngress } from './ingress-nginx-cases.ts';
import { expectParity, get, upstreamsPerTest, type Upstreams } from '../support/parity-case.ts';

const upstreams = upstreamsPerTest();

/** Main Ingress (sticky, persistent keys) on upstream a; canary Ingress at weight 0 on upstream b. */
const config = (u: Upstreams, canary: Record<string, string> = {}): string =>
  [
    loopbackService('orders'),
    loopbackService('orders-v2'),
    prefixIngress({ name: 'orders', svc: 'orders', port: u.a!.port, annotations: { affinity: 'cookie', 'affinity-mode': 'persistent', 'session-cookie-max-age': '600' } }),
    prefixIngress({ name: 'orders-v2', svc: 'orders-v2', port: u.b!.port, annotations: { canary: 'true', 'canary-weight': '0', 'canary-by-header': 'X-Canary', ...canary } }),
  ].join('---\n');

describe('ingress-nginx session affinity on both hosts (semantics §8 rule 1)', () => {
  it('§8 rule 1: the canary backend\'s key wins over weight 0 and header never; the main key over header always; no cookie gets one', async () => {
    const u = await upstreams.start(['a', 'b']);
    const mainKey = backendKey(`shop-orders-${u.a!.port}`);
    const canaryKey = backendKey(`shop-orders-v2-${u.b!.port}`);
    const out = await expectParity(
      'ingress-nginx',
      config(u),
      'in-aff',
      [
        get('/', { headers: { Cookie: `INGRESSCOOKIE=k|${canaryKey}`, 'X-Canary': 'never' } }),
        get('/', { headers: { Cookie: `INGRESSCOOKIE=k|${mainKey}`, 'X-Canary': 'always' } }),
        get('/'),
      ],
      u,
      { headers: ['set-cookie'], reasonsOf: ['router'] },
    );
    expect(out.map((o) => o.answeredBy)).toEqual(['b', 'a', 'a']);
    expect(out[0]?.reasons.join()).toContain('affinity-canary-behavior sticky');
    expect(out[1]?.reasons.join()).toContain('affinitized to the main backend');
    // Persistent keys name the pod: the one "a" listens on, and the main backend's key after "|".
    expect(out[2]?.headers['set-cookie']).toMatch(new RegExp(`^INGRESSCOOKIE=[0-9a-f]{32}\\|${mainKey}; Max-Age=600; Path=/; HttpOnly$`));
    // The canary (sticky) answer re-sets the cookie: "k" is no key of its pod, so it picks and keys anew.
    expect(out[0]?.headers['set-cookie']).toContain(`|${canaryKey};`);
  });

  it('legacy: the canary backend has no affinity, so its key keeps nobody and the header decides', async () => {
    const u = await upstreams.start(['a', 'b']);
    const canaryKey = backendKey(`shop-orders-v2-${u.b!.port}`);
    const out = await expectParity('ingress-nginx', config(u, { 'affinity-canary-behavior': 'legacy' }), 'in-aff-legacy', [get('/', { headers: { Cookie: `INGRESSCOOKIE=k|${canaryKey}`, 'X-Canary': 'always' } })], u, {
      headers: ['set-cookie'],
      reasonsOf: ['router'],
    });
    expect(out[0]?.answeredBy).toBe('b');
    expect(out[0]?.headers['set-cookie']).toBeUndefined();
  });
});
