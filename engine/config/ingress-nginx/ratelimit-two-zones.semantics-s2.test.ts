/**
 * `limit-rps` and `limit-rpm` on one Ingress (semantics §8 for what the controller renders, §2 for
 * what nginx does with it). template.go buildRateLimit writes, in one location,
 *   limit_req zone=<ns>_<name>_<uid>_rps burst=<rps × m> nodelay;
 *   limit_req zone=<ns>_<name>_<uid>_rpm burst=<rpm × m> nodelay;
 * rps first, both keyed by the same `$limit_<id>` (the client address, or "" for limit-allowlist),
 * answered with the ConfigMap's limit-req-status-code (503). nginx checks both zones before it counts
 * in either, so a request the rpm zone refuses is not counted in the rps zone.
 */
import { describe, expect, it } from 'vitest';
import { createExplainSession } from '../../runtimes/sim/explain.ts';
import { ingress, ingressIr } from './test-kit.ts';

const T0 = 1_767_225_600_000;

const both = (anns: Record<string, string> = {}) => ingress('api', 'api.example.com', [['/', 'Prefix', 'api']], { 'limit-rps': '1', 'limit-rpm': '1', 'limit-burst-multiplier': '1', ...anns });

describe('ingress-nginx limit-rps + limit-rpm: one limit_req phase with two zones (semantics §2, §8)', () => {
  it('§8 the two annotations become one rate-limit instance: the rps zone, then the rpm zone, each burst = limit × multiplier, nodelay, 503', () => {
    const { ir } = ingressIr(ingress('api', 'api.example.com', [['/', 'Prefix', 'api']], { 'limit-rps': '5', 'limit-rpm': '100' }));
    const limits = ir.plugins.filter((p) => p.plugin === 'rate-limit');
    expect(limits).toHaveLength(1);
    expect(limits[0]).toMatchObject({ vendorName: 'limit-rps, limit-rpm', instanceId: 'default/api#limit-rps+limit-rpm' });
    expect(limits[0]?.config).toMatchObject({
      algorithm: 'nginx-limit-req',
      key: { kind: 'ip' },
      limit: { zone: 'default_api_rps', rateMilli: 5000, burst: 25, delay: 'nodelay' },
      rate: '5r/s',
      also: [{ limit: { zone: 'default_api_rpm', rateMilli: 1666, burst: 500, delay: 'nodelay' }, rate: '100r/m' }],
      status: 503,
    });
  });

  it('§2 a request the rpm zone refuses is not counted in the rps zone: the next one is refused by the rpm zone again, not by rps', async () => {
    const s = createExplainSession(ingressIr(both()).ir, 1);
    const send = (at: number) => s.send({ method: 'GET', url: 'http://api.example.com/x', headers: [], clientIp: '198.51.100.7', now: T0 + at, seed: 1, repeat: 0, upstreamStatus: 200, upstreamHeaders: [] });
    expect([(await send(0)).status, (await send(0)).status]).toEqual([200, 200]);
    // 1 s later the rps zone (1r/s, burst 1) has room again; the rpm zone (1r/m, burst 1) does not.
    for (const attempt of [1, 2]) {
      const r = await send(1000);
      expect(r.status, `attempt ${attempt}`).toBe(503);
      const d = r.decisions.find((x) => x.plugin === 'rate-limit');
      // Two instances in a row counted the first refusal in rps (excess 1 → 2), so the second was rps's.
      expect(d?.data, `attempt ${attempt}`).toMatchObject({ outcome: 'REJECTED', zone: 'default_api_rpm', excess_default_api_rps: 1 });
      expect(d?.reason).toContain('"default_api_rps" had room but counts nothing either; no zone changes');
    }
  });

  it('§8 limit-allowlist still exempts a client from both zones', async () => {
    const s = createExplainSession(ingressIr(both({ 'limit-allowlist': '198.51.100.0/24' })).ir, 1);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await s.send({ method: 'GET', url: 'http://api.example.com/x', headers: [], clientIp: '198.51.100.7', now: T0, seed: 1, repeat: 0, upstreamStatus: 200, upstreamHeaders: [] })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
  });

  it('§8 one annotation alone keeps its single-zone instance (unchanged id and name)', () => {
    const { ir } = ingressIr(ingress('api', 'api.example.com', [['/', 'Prefix', 'api']], { 'limit-rpm': '60' }));
    const limits = ir.plugins.filter((p) => p.plugin === 'rate-limit');
    expect(limits.map((p) => [p.instanceId, p.vendorName])).toEqual([['default/api#limit-rpm', 'limit-rpm']]);
    expect(limits[0]?.config).not.toHaveProperty('also');
  });
});
