/**
 * The per-(identifier, second) key memo against the per-request functions it replaced, and the
 * one-pass describeUsage and in-place `remember` against their old definitions: same keys, same
 * GET requests and sentences, same snapshots, for any sequence of requests.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KONG_PERIODS, kongWindowEnd, type KongPeriod } from '../rate-limit/math/kong-fixed-window.ts';
import { RESPONSE_RATELIMITING_DEFAULTS, type NamedLimit, type ResponseRateLimitingConfig } from './config.ts';
import { ReplicaCounters, type CounterRef } from './counters.ts';
import { KeyMemo } from './key-memo.ts';
import { describeUsage } from './respond.ts';
import { incrementKeys, usageRows, usageSlots, type UsageRow } from './usage.ts';

// Engine code takes no randomness from the machine: the seed is fixed unless FC_SEED names another.
const seed = Number(process.env['FC_SEED'] ?? 20_261_126);
console.log(`[fast-check] response-ratelimiting key-memo seed=${seed} (replay: FC_SEED=${seed})`);

const START = Date.UTC(2026, 0, 31, 23, 59, 57);
const periods = fc.dictionary(fc.constantFrom(...KONG_PERIODS), fc.integer({ min: 1, max: 50 }), { minKeys: 1, maxKeys: 3 });
const limits = fc.uniqueArray(fc.record({ name: fc.constantFrom('orders', 'video', 'image'), periods }), { minLength: 1, maxLength: 3, selector: (l) => l.name }) as fc.Arbitrary<NamedLimit[]>;
const request = fc.tuple(fc.constantFrom('198.51.100.80', '203.0.113.7'), fc.integer({ min: START, max: START + 6_000 }));

/** The old describeUsage: group by name in first-seen order. */
function referenceDescribe(rows: readonly UsageRow[]): string {
  const byName = new Map<string, string[]>();
  for (const r of rows) {
    const list = byName.get(r.name) ?? [];
    list.push(`${r.usage}/${r.limit} this ${r.period}`);
    byName.set(r.name, list);
  }
  return [...byName].map(([name, parts]) => `${name} ${parts.join(', ')}`).join('; ');
}

describe('response-ratelimiting key memo', () => {
  it('gives the keys, GETs and sentences of the per-request construction', () => {
    fc.assert(
      fc.property(limits, fc.array(request, { minLength: 1, maxLength: 40 }), (l, requests) => {
        const config: ResponseRateLimitingConfig = { ...RESPONSE_RATELIMITING_DEFAULTS, limits: l, policy: 'redis' };
        const scope = { routeId: 'r1', serviceId: 's1' };
        const memo = new KeyMemo(config, scope, 'Redis');
        for (const [who, at] of requests) {
          const got = memo.of(who, at);
          const slots = usageSlots(l, scope, who, at);
          expect(got.slots).toEqual(slots);
          got.reads.forEach((r, i) => {
            const s = slots[i] as (typeof slots)[number];
            expect(r.effect).toEqual({ type: 'store', ops: [{ op: 'get', key: s.key }] });
            expect(`${r.reasonHead}ip ${who}`).toBe(`GET ${s.name} ${s.period} counter from Redis (round trip ${i + 1} of ${slots.length}) for ip ${who}`);
            expect(JSON.stringify(r.data)).toBe(JSON.stringify({ policy: 'redis', key: s.key }));
            expect(r.ref).toEqual({ identifier: who, name: s.name, period: s.period, key: s.key, windowStartMs: s.windowStartMs });
          });
          const ts = Math.floor(at / 1000) * 1000;
          for (const { name } of l) expect(memo.incrementKeysOf(who, name, ts)).toEqual(incrementKeys(scope, who, name, ts));
        }
      }),
      { seed, numRuns: 200 },
    );
  });

  it('describeUsage says what the grouping definition said, rows in any order', () => {
    const row = fc.record({ name: fc.constantFrom('a', 'b', 'c'), period: fc.constantFrom(...KONG_PERIODS), usage: fc.integer({ min: -5, max: 50 }), limit: fc.integer({ min: 0, max: 50 }) });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 8 }), (raw) => {
        const rows = raw.map((r) => ({ ...r, key: '', windowStartMs: 0, remaining: r.limit - r.usage }));
        expect(describeUsage(rows)).toBe(referenceDescribe(rows));
      }),
      { seed, numRuns: 500 },
    );
    const slots = usageSlots([{ name: 'video', periods: { minute: 10, hour: 40 } }, { name: 'image', periods: { minute: 4 } }], {}, 'ip', START);
    expect(describeUsage(usageRows(slots, [3, 3, 4]))).toBe('video 3/10 this minute, 3/40 this hour; image 4/4 this minute');
  });

  it('remember updates in place and snapshots as replacing the counter did', () => {
    const ref = fc.record({
      identifier: fc.constantFrom('x', 'y'),
      name: fc.constantFrom('orders', 'video'),
      period: fc.constantFrom(...KONG_PERIODS) as fc.Arbitrary<KongPeriod>,
      windowStartMs: fc.constantFrom(START - 1000, START, START + 60_000),
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(ref, fc.integer({ min: 0, max: 9 }), fc.boolean()), { minLength: 1, maxLength: 60 }), (steps) => {
        const counters = new ReplicaCounters();
        const old = new Map<string, CounterRef & { windowEndMs: number; value: number }>();
        for (const [r, value, sameKey] of steps) {
          // Keys usually name their fields, but a key reused for other fields must replace the counter.
          const full: CounterRef = { ...r, key: sameKey ? 'shared-key' : `${r.identifier}:${r.name}:${r.period}:${r.windowStartMs}` };
          counters.remember(full, value, START);
          old.set(full.key, { ...full, windowEndMs: kongWindowEnd(full.period, full.windowStartMs), value });
        }
        const want: Record<string, Record<string, Record<string, { windowStart: number; count: number }>>> = {};
        for (const c of old.values()) {
          if (c.windowEndMs <= START || c.value === 0) continue;
          ((want[c.identifier] ??= {})[c.name] ??= {})[c.period] = { windowStart: c.windowStartMs, count: c.value };
        }
        expect(JSON.stringify(counters.snapshot(START))).toBe(JSON.stringify(want));
        expect(counters.size).toBe(old.size);
      }),
      { seed, numRuns: 300 },
    );
  });
});
