/**
 * Parity for the edge policies: Kong's ip-restriction and request-termination, Traefik's ipAllowList.
 * The same requests from 127.0.0.1 through the simulation and the real proxy must get the same
 * statuses, Content-Type and decision reasons (which name the address and the rule that decided).
 */
import { describe, expect, it } from 'vitest';
import { expectParity, get, localPods, statuses, target, upstreamsPerTest, type Upstreams } from '../support/parity-case.ts';
import { kongPool } from '../support/kong-pool.ts';
import { traefikFixture } from '../support/traefik-route-fixture.ts';

const upstreams = upstreamsPerTest();

/** Service `orders` over upstream a, with `plugins` (YAML list items at two spaces) and optional kong.conf settings. */
const kong = (u: Upstreams, plugins: string, gatelab = ''): string => `${gatelab}${kongPool([target(u.a!)])}plugins:\n${plugins}`;
const observe = (plugins: string[]) => ({ headers: ['content-type'], reasonsOf: plugins });

describe('edge policies on both hosts', () => {
  it('Kong ip-restriction: deny wins over allow; the 403 is kong.response.error\'s', async () => {
    const u = await upstreams.start(['a']);
    const text = kong(u, '  - name: ip-restriction\n    config: { allow: [127.0.0.0/8], deny: [127.0.0.1] }\n');
    const out = await expectParity('kong', text, 'ipr-deny', [get('/orders')], u, observe(['ip-restriction']));
    expect(statuses(out)).toEqual([403]);
    expect(out[0]?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(out[0]?.reasons[0]).toContain('client 127.0.0.1 (the TCP peer; real-ip did not replace it) is in deny 127.0.0.1');
  });

  it('Kong ip-restriction behind a trusted peer checks the X-Forwarded-For client', async () => {
    const u = await upstreams.start(['a']);
    const text = kong(u, '  - name: ip-restriction\n    config: { allow: [203.0.113.0/24] }\n', '_gatelab: { trusted_ips: [127.0.0.1], real_ip_header: X-Forwarded-For }\n');
    const steps = [get('/orders', { headers: { 'X-Forwarded-For': '203.0.113.40' } }), get('/orders', { headers: { 'X-Forwarded-For': '198.51.100.7' } }), get('/orders')];
    const out = await expectParity('kong', text, 'ipr-xff', steps, u, observe(['ip-restriction']));
    expect(statuses(out)).toEqual([200, 403, 403]);
    expect(out[1]?.reasons[0]).toContain('client 198.51.100.7 (real-ip took it from the forwarding header of peer 127.0.0.1) is not in allow 203.0.113.0/24');
  });

  it('Kong request-termination: 503 by default, only with the trigger', async () => {
    const u = await upstreams.start(['a']);
    const text = kong(u, '  - name: request-termination\n    config: { trigger: X-Maintenance }\n');
    const out = await expectParity('kong', text, 'rt', [get('/orders'), get('/orders', { headers: { 'X-Maintenance': '1' } })], u, observe(['request-termination']));
    expect(statuses(out)).toEqual([200, 503]);
    expect(out[1]?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(out[1]?.reasons[0]).toContain('because the request carries the trigger (header X-Maintenance)');
  });

  it('Traefik ipAllowList: depth 1 behind a trusted edge, 403 Forbidden outside sourceRange', async () => {
    const u = await upstreams.start(['a']);
    const text = traefikFixture({
      routes: [{ match: 'PathPrefix(`/`)', middlewares: ['office'] }],
      middlewares: { office: 'ipAllowList: { sourceRange: [192.168.0.0/16], ipStrategy: { depth: 1 } }' },
      pods: localPods(u, ['a']),
    }).replace('web: { address: ":80" }', 'web: { address: ":80", forwardedHeaders: { trustedIPs: [127.0.0.1/32] } }');
    const steps = [get('/orders', { headers: { 'X-Forwarded-For': '192.168.1.1' } }), get('/orders', { headers: { 'X-Forwarded-For': '192.168.1.1, 10.1.2.3' } })];
    const out = await expectParity('traefik', text, 'ipal', steps, u, observe(['ip-restriction']));
    expect(statuses(out)).toEqual([200, 403]);
    expect(out[1]?.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(out[1]?.reasons[0]).toContain('client 10.1.2.3 (ipStrategy.depth=1: the 1st X-Forwarded-For entry from the right is 10.1.2.3) is not in sourceRange 192.168.0.0/16 → 403 Forbidden');
  });
});
