import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  limitReq,
  limitReqOne,
  parseNginxBurst,
  parseNginxDelay,
  parseNginxRate,
  type LimitReqLimit,
  type LimitReqNode,
} from './nginx-limit-req.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] nginx-limit-req seed=${seed} (replay: FC_SEED=${seed})`);

const T0 = 1_700_000_000_000;

const zone = (rate: string, burst = 0, delay: number | 'nodelay' = 0, name = 'z'): LimitReqLimit => {
  const r = parseNginxRate(rate);
  if (!r.ok) throw new Error(r.error);
  return { zone: name, rateMilli: r.value, burst, delay };
};

function run(limit: LimitReqLimit, times: number[]) {
  let node: LimitReqNode | undefined;
  return times.map((t) => {
    const r = limitReqOne(limit, 'k', node, t);
    node = r.node;
    return { ...r.decision, node };
  });
}

describe('nginx limit_req', () => {
  it('§2 nginx rate parsing: integers only, r/s or r/m; 1r/m → 16; 0.5r/s is a config error', () => {
    expect(parseNginxRate('10r/s')).toEqual({ ok: true, value: 10_000 });
    expect(parseNginxRate('rate=5r/s')).toEqual({ ok: true, value: 5_000 });
    expect(parseNginxRate('1r/m')).toEqual({ ok: true, value: 16 });
    expect(parseNginxRate('30r/m')).toEqual({ ok: true, value: 500 });
    expect(parseNginxRate('10')).toEqual({ ok: true, value: 10_000 });
    for (const bad of ['0.5r/s', '0r/s', '-1r/s', 'r/s', '10 r/s', '1r/h', '']) expect(parseNginxRate(bad).ok).toBe(false);
    expect(parseNginxBurst('burst=5')).toEqual({ ok: true, value: 5 });
    expect(parseNginxBurst('burst=0').ok).toBe(false);
    expect(parseNginxDelay('nodelay')).toEqual({ ok: true, value: 'nodelay' });
    expect(parseNginxDelay('delay=3')).toEqual({ ok: true, value: 3 });
    expect(parseNginxDelay('delay=0').ok).toBe(false);
  });

  it('§2 nginx: 10r/s burst=5, 8 simultaneous → delays 0,100..500 ms, #7 and #8 rejected', () => {
    const ds = run(zone('10r/s', 5), Array(8).fill(T0));
    expect(ds.map((d) => d.outcome)).toEqual(['PASSED', 'DELAYED', 'DELAYED', 'DELAYED', 'DELAYED', 'DELAYED', 'REJECTED', 'REJECTED']);
    expect(ds.map((d) => d.delayMs)).toEqual([0, 100, 200, 300, 400, 500, 0, 0]);
    expect(ds.map((d) => d.excess)).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000, 6000]);
  });

  it('§2 nginx: with nodelay the same 8 → 6 pass at once, 2 rejected (capacity at t=0 is burst+1)', () => {
    const ds = run(zone('10r/s', 5, 'nodelay'), Array(8).fill(T0));
    expect(ds.map((d) => d.outcome)).toEqual([...Array(6).fill('PASSED'), 'REJECTED', 'REJECTED']);
    expect(ds.every((d) => d.delayMs === 0)).toBe(true);
  });

  it('§2 nginx: delay=2 lets the first 3 through undelayed, then (e − 2000)·1000/R', () => {
    const ds = run(zone('10r/s', 5, 2), Array(8).fill(T0));
    expect(ds.map((d) => d.delayMs)).toEqual([0, 0, 0, 100, 200, 300, 0, 0]);
    expect(ds.slice(6).map((d) => d.outcome)).toEqual(['REJECTED', 'REJECTED']);
  });

  it('§2 nginx: burst=0 enforces spacing — 10r/s rejects a 2nd request 50 ms later (e = 500 > 0), passes one 100 ms later', () => {
    expect(run(zone('10r/s'), [T0, T0 + 50, T0 + 100]).map((d) => d.outcome)).toEqual(['PASSED', 'REJECTED', 'PASSED']);
  });

  it('§2 nginx: 1r/m → R = 16, so the second request fits only after 62.5 s', () => {
    const ds = run(zone('1r/m'), [T0, T0 + 62_000, T0 + 62_499, T0 + 62_500]);
    expect(ds.map((d) => d.outcome)).toEqual(['PASSED', 'REJECTED', 'REJECTED', 'PASSED']);
    expect(ds[1]?.excess).toBe(8); // 1000 − 16·62000/1000 = 1000 − 992
  });

  it('§2 nginx: integer milli-request arithmetic truncates (33 ms at 10r/s drains 330, delay 67 ms)', () => {
    const ds = run(zone('10r/s', 1), [T0, T0 + 33]);
    expect(ds[1]?.excess).toBe(670);
    expect(ds[1]?.delayMs).toBe(67);
  });

  it('§2 nginx: rejected requests leave the state unchanged', () => {
    const node = { excess: 5000, last: T0 };
    const r = limitReqOne(zone('10r/s', 5), 'k', node, T0 + 10);
    expect(r.decision.outcome).toBe('REJECTED');
    expect(r.node).toBe(node);
  });

  it('§2 nginx: ms < −60000 → 1, −60000 <= ms < 0 → 0, and `last` moves only when ms ≠ 0', () => {
    const node = { excess: 3000, last: T0 };
    const back = limitReqOne(zone('10r/s', 5), 'k', node, T0 - 1000);
    expect(back.node).toEqual({ excess: 4000, last: T0 });
    const far = limitReqOne(zone('10r/s', 5), 'k', node, T0 - 70_000);
    expect(far.node).toEqual({ excess: 3990, last: T0 - 70_000 });
    const same = limitReqOne(zone('10r/s', 5), 'k', { excess: 2000, last: T0 }, T0);
    expect(same.node).toEqual({ excess: 3000, last: T0 });
  });

  it('§8 ingress-nginx limit-rps: 5 → rate=5r/s burst=25 nodelay: 26 at once, then 1 per 200 ms', () => {
    const rps = 5;
    const limit = zone(`${rps}r/s`, rps * 5, 'nodelay');
    const ds = run(limit, [...Array(27).fill(T0), T0 + 200, T0 + 200, T0 + 400]);
    expect(ds.slice(0, 26).every((d) => d.outcome === 'PASSED')).toBe(true);
    expect(ds[26]?.outcome).toBe('REJECTED');
    expect(ds.slice(27).map((d) => d.outcome)).toEqual(['PASSED', 'REJECTED', 'PASSED']);
  });

  it('§2 nginx, several limit_req: rejected by any → no existing zone entry changes; else all accounted and delay = max', () => {
    const perIp = zone('1r/s', 0, 0, 'per_ip');
    const perServer = zone('10r/s', 5, 0, 'per_server');
    const first = limitReq([{ limit: perIp, key: 'a', node: undefined }, { limit: perServer, key: 's', node: undefined }], T0);
    expect(first.decision.outcome).toBe('PASSED');
    expect(first.nodes).toEqual([{ excess: 0, last: T0 }, { excess: 0, last: T0 }]);
    const second = limitReq([{ limit: perIp, key: 'a', node: first.nodes[0] }, { limit: perServer, key: 's', node: first.nodes[1] }], T0 + 10);
    expect(second.decision).toMatchObject({ outcome: 'REJECTED', zone: 'per_ip' });
    expect(second.nodes).toEqual(first.nodes);
    expect(second.decision.zones[1]?.skipped).toBe('not-reached');

    const a = zone('10r/s', 5, 0, 'a');
    const b = zone('5r/s', 5, 0, 'b');
    let na: LimitReqNode | undefined;
    let nb: LimitReqNode | undefined;
    const delays = [0, 1, 2].map(() => {
      const r = limitReq([{ limit: a, key: 'x', node: na }, { limit: b, key: 'y', node: nb }], T0);
      [na, nb] = r.nodes;
      return [r.decision.delayMs, r.decision.zone];
    });
    expect(delays).toEqual([[0, undefined], [200, 'b'], [400, 'b']]);
  });

  it('§2 nginx, several limit_req: a key first seen in an earlier zone is created even when a later zone rejects', () => {
    const perIp = zone('1r/s', 0, 0, 'per_ip');
    const tight = zone('1r/s', 0, 0, 'tight');
    const r = limitReq([{ limit: perIp, key: 'new', node: undefined }, { limit: tight, key: 's', node: { excess: 0, last: T0 } }], T0);
    expect(r.decision.outcome).toBe('REJECTED');
    expect(r.nodes[0]).toEqual({ excess: 0, last: 0 });
  });

  it('§2 nginx: an empty key is not limited by its zone; all keys empty → not limited', () => {
    const z = zone('1r/s');
    expect(limitReqOne(z, '', undefined, T0).decision.outcome).toBe('NOT_LIMITED');
    const r = limitReq([{ limit: z, key: '', node: undefined }, { limit: zone('1r/s', 0, 0, 'b'), key: 'k', node: undefined }], T0);
    expect(r.decision.outcome).toBe('PASSED');
    expect(r.decision.zones[0]?.skipped).toBe('empty-key');
  });

  it('properties: with nodelay, admitted in [t0, T] <= burst + 1 + rate·(T − t0); delays never change who is admitted; identical inputs → identical decisions', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 10 }),
        fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 300 }),
        (n, perMinute, burst, gaps) => {
          const rate = `${n}r/${perMinute ? 'm' : 's'}`;
          let t = T0;
          const times = gaps.map((g) => (t += g));
          const noDelay = run(zone(rate, burst, 'nodelay'), times);
          const delayed = run(zone(rate, burst, 0), times);
          expect(run(zone(rate, burst, 'nodelay'), times)).toEqual(noDelay);
          expect(delayed.map((d) => d.outcome !== 'REJECTED')).toEqual(noDelay.map((d) => d.outcome !== 'REJECTED'));
          const perSecond = perMinute ? n / 60 : n;
          let admitted = 0;
          times.forEach((time, i) => {
            if (noDelay[i]?.outcome === 'PASSED') admitted++;
            expect(admitted).toBeLessThanOrEqual(burst + 1 + (perSecond * (time - T0)) / 1000 + 1e-9);
          });
        },
      ),
      { seed, verbose: true },
    );
  });
});
