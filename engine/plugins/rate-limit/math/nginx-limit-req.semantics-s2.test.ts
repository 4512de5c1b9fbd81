/**
 * Semantics §2 (nginx `limit_req`) against an oracle: the section's pseudo-code written out a second
 * time, in BigInt so no float can round, and compared with gatelab's implementation request by
 * request over random traffic — outcome, delay and the key's {excess, last}. nginx-limit-req.test.ts
 * pins the worked examples; this pins every rule of the per-key algorithm at once, plus the few rules
 * the examples do not reach (whole-millisecond time, no credit after idling, the r/s and r/m units).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { limitReq, limitReqOne, parseNginxRate, type LimitReqLimit, type LimitReqNode } from './nginx-limit-req.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] nginx-limit-req.semantics-s2 seed=${seed} (replay: FC_SEED=${seed})`);

const T0 = 1_767_268_800_000;

interface OracleResult {
  outcome: 'PASSED' | 'DELAYED' | 'REJECTED';
  delayMs: number;
  node: LimitReqNode;
}

/** §2's per-key pseudo-code, literally: integer milli-requests, truncating division. */
function oracle(R: bigint, burst: bigint, delay: bigint | 'nodelay', node: LimitReqNode | undefined, now: number): OracleResult {
  if (!node) return { outcome: 'PASSED', delayMs: 0, node: { excess: 0, last: now } }; // first request always passes
  let ms = BigInt(now - node.last);
  if (ms < -60_000n) ms = 1n;
  else if (ms < 0n) ms = 0n;
  let e = BigInt(node.excess) - (R * ms) / 1000n + 1000n;
  if (e < 0n) e = 0n;
  if (e > burst * 1000n) return { outcome: 'REJECTED', delayMs: 0, node }; // state unchanged
  const next = { excess: Number(e), last: ms !== 0n ? now : node.last };
  const Dm = delay === 'nodelay' ? undefined : delay * 1000n;
  const delayMs = Dm === undefined || e <= Dm ? 0 : Number(((e - Dm) * 1000n) / R);
  return { outcome: delayMs > 0 ? 'DELAYED' : 'PASSED', delayMs, node: next };
}

const limitArb = fc.record({
  n: fc.integer({ min: 1, max: 40 }),
  perMinute: fc.boolean(),
  burst: fc.integer({ min: 0, max: 8 }),
  delay: fc.oneof(fc.constant<'nodelay'>('nodelay'), fc.integer({ min: 0, max: 6 })),
});

/** Gaps include negative ones (a clock stepping back) and some beyond −60 s. */
const gapsArb = fc.array(fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 5000 }), fc.integer({ min: -90_000, max: -1 })), { minLength: 1, maxLength: 120 });

describe('semantics §2 nginx limit_req: gatelab = the section’s algorithm', () => {
  it('§2 for any rate, burst, delay/nodelay and arrival times: same outcome, delay and {excess, last} as the pseudo-code', () => {
    fc.assert(
      fc.property(limitArb, gapsArb, ({ n, perMinute, burst, delay }, gaps) => {
        const parsed = parseNginxRate(`${n}r/${perMinute ? 'm' : 's'}`);
        if (!parsed.ok) throw new Error(parsed.error);
        const limit: LimitReqLimit = { zone: 'z', rateMilli: parsed.value, burst, delay };
        let mine: LimitReqNode | undefined;
        let theirs: LimitReqNode | undefined;
        let t = T0;
        for (const g of gaps) {
          t += g;
          const got = limitReqOne(limit, 'k', mine, t);
          const want = oracle(BigInt(parsed.value), BigInt(burst), delay === 'nodelay' ? 'nodelay' : BigInt(delay), theirs, t);
          expect({ outcome: got.decision.outcome, delayMs: got.decision.delayMs }).toEqual({ outcome: want.outcome, delayMs: want.delayMs });
          expect(got.node).toEqual(want.node);
          mine = got.node;
          theirs = want.node;
        }
      }),
      { seed, numRuns: 300 },
    );
  });

  it('§2 units: rate=Nr/s → R = N·1000; rate=Nr/m → R = N·1000/60 truncated (milli-requests per second)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (n) => {
        expect(parseNginxRate(`${n}r/s`)).toEqual({ ok: true, value: n * 1000 });
        expect(parseNginxRate(`${n}r/m`)).toEqual({ ok: true, value: Math.floor((n * 1000) / 60) });
      }),
      { seed, numRuns: 200 },
    );
  });

  it('§2 time is whole milliseconds (ngx_current_msec): instants inside one millisecond decide alike', () => {
    const limit: LimitReqLimit = { zone: 'z', rateMilli: 10_000, burst: 0, delay: 0 };
    const first = limitReqOne(limit, 'k', undefined, T0 + 0.9);
    expect(first.node).toEqual({ excess: 0, last: T0 });
    // 99.9 ms later is read as 99 ms: 10r/s drains 990, e = 10 > burst 0 → rejected.
    expect(limitReqOne(limit, 'k', first.node, T0 + 99.9).decision.outcome).toBe('REJECTED');
    expect(limitReqOne(limit, 'k', first.node, T0 + 100.2).decision.outcome).toBe('PASSED');
  });

  it('§2 e < 0 → 0: idling banks no credit, so after a long pause burst=0 still spaces requests 1/rate apart', () => {
    const limit: LimitReqLimit = { zone: 'z', rateMilli: 10_000, burst: 0, delay: 0 };
    const first = limitReqOne(limit, 'k', undefined, T0);
    const late = limitReqOne(limit, 'k', first.node, T0 + 3_600_000);
    expect(late.decision.outcome).toBe('PASSED');
    expect(late.node).toEqual({ excess: 0, last: T0 + 3_600_000 });
    expect(limitReqOne(limit, 'k', late.node, T0 + 3_600_050).decision.outcome).toBe('REJECTED');
  });

  it('§2 $limit_req_status names: PASSED (undelayed), DELAYED (held), REJECTED (over burst)', () => {
    const limit: LimitReqLimit = { zone: 'z', rateMilli: 10_000, burst: 1, delay: 0 };
    let node: LimitReqNode | undefined;
    const outcomes = [T0, T0, T0].map((t) => {
      const r = limitReqOne(limit, 'k', node, t);
      node = r.node;
      return r.decision.outcome;
    });
    expect(outcomes).toEqual(['PASSED', 'DELAYED', 'REJECTED']);
  });

  it('§2 several limit_req: rejected by any zone → no existing entry changes; all pass → each accounted as if alone, delay = the largest', () => {
    fc.assert(
      fc.property(fc.array(limitArb, { minLength: 2, maxLength: 3 }), gapsArb, (specs, gaps) => {
        const limits: LimitReqLimit[] = specs.map((s, i) => {
          const r = parseNginxRate(`${s.n}r/${s.perMinute ? 'm' : 's'}`);
          if (!r.ok) throw new Error(r.error);
          return { zone: `z${i}`, rateMilli: r.value, burst: s.burst, delay: s.delay };
        });
        // Seed every zone with a node so "no existing entry changes" applies to all of them.
        let nodes: Array<LimitReqNode | undefined> = limits.map(() => ({ excess: 0, last: T0 }));
        let t = T0;
        for (const g of gaps) {
          t += Math.abs(g) % 400;
          const r = limitReq(limits.map((limit, i) => ({ limit, key: 'k', node: nodes[i] })), t);
          const alone = limits.map((limit, i) => limitReqOne(limit, 'k', nodes[i], t));
          if (r.decision.outcome === 'REJECTED') {
            expect(r.nodes).toEqual(nodes);
            expect(alone.some((a) => a.decision.outcome === 'REJECTED')).toBe(true);
          } else {
            expect(alone.every((a) => a.decision.outcome !== 'REJECTED')).toBe(true);
            expect(r.nodes).toEqual(alone.map((a) => a.node));
            expect(r.decision.delayMs).toBe(Math.max(...alone.map((a) => a.decision.delayMs)));
          }
          nodes = r.nodes;
        }
      }),
      { seed, numRuns: 200 },
    );
  });
});
