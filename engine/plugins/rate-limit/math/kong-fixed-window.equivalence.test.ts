/**
 * The single-pass decideKongFixedWindow and the table-driven kongRateLimitHeaders against the
 * definitions they replaced (kept below, verbatim in behaviour): same decision, same headers, same
 * key order, for any limits, usage and instant.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decideKongFixedWindow,
  kongRateLimitHeaderLines,
  kongRateLimitHeaders,
  kongResetSeconds,
  kongTimestamp,
  kongWindowEnd,
  kongWindowStart,
  KONG_PERIOD_SECONDS,
  KONG_PERIODS,
  type KongFixedWindowDecision,
  type KongLimits,
  type KongPeriod,
  type KongPeriodUsage,
} from './kong-fixed-window.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] kong-fixed-window equivalence seed=${seed} (replay: FC_SEED=${seed})`);

function referenceDecide(limits: KongLimits, usage: Partial<Record<KongPeriod, number>>, nowMs: number): KongFixedWindowDecision {
  const periods = KONG_PERIODS.filter((p) => limits[p] !== undefined);
  if (periods.length === 0) throw new Error('Kong rate-limiting needs at least one period');
  const timestampMs = kongTimestamp(nowMs);
  const rows = periods.map((period) => {
    const limit = limits[period] as number;
    const used = usage[period] ?? 0;
    const windowStartMs = kongWindowStart(period, nowMs);
    return { period, limit, usage: used, remaining: limit - used, shownRemaining: 0, windowStartMs, windowEndMs: kongWindowEnd(period, windowStartMs) };
  });
  const exhausted = rows.filter((r) => r.remaining <= 0);
  const stop = exhausted.length > 0 ? exhausted[exhausted.length - 1]?.period : undefined;
  for (const r of rows) r.shownRemaining = Math.max(0, r.remaining - (stop === undefined || stop === r.period ? 1 : 0));
  let best = rows[0] as KongPeriodUsage;
  for (const r of rows) {
    const wider = KONG_PERIOD_SECONDS[r.period] > KONG_PERIOD_SECONDS[best.period];
    if (r.shownRemaining < best.shownRemaining || (r.shownRemaining === best.shownRemaining && wider)) best = r;
  }
  return { allowed: stop === undefined, timestampMs, stop, periods: rows, mostRestrictive: { ...best, resetSeconds: kongResetSeconds(best.period, nowMs) } };
}

const SUFFIX: Record<KongPeriod, string> = { second: 'Second', minute: 'Minute', hour: 'Hour', day: 'Day', month: 'Month', year: 'Year' };

function referenceHeaders(d: KongFixedWindowDecision): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const r of d.periods) {
    out.push([`X-RateLimit-Limit-${SUFFIX[r.period]}`, String(r.limit)]);
    out.push([`X-RateLimit-Remaining-${SUFFIX[r.period]}`, String(r.shownRemaining)]);
  }
  const m = d.mostRestrictive;
  out.push(['RateLimit-Limit', String(m.limit)], ['RateLimit-Remaining', String(m.shownRemaining)]);
  out.push(['RateLimit-Reset', String(m.resetSeconds)]);
  if (!d.allowed) out.push(['Retry-After', String(m.resetSeconds)]);
  return out;
}

const period = fc.constantFrom(...KONG_PERIODS);
const limits = fc.dictionary(period, fc.integer({ min: 0, max: 50 }), { maxKeys: 6 }) as fc.Arbitrary<KongLimits>;
const usage = fc.dictionary(period, fc.integer({ min: 0, max: 60 }), { maxKeys: 6 }) as fc.Arbitrary<Partial<Record<KongPeriod, number>>>;
const instant = fc.integer({ min: 0, max: 4_102_444_800_000 });

describe('kong fixed window: single pass = the old definition', () => {
  it('decides, orders keys and builds headers exactly as before', () => {
    fc.assert(
      fc.property(limits, usage, instant, (l, u, now) => {
        if (Object.keys(l).length === 0) {
          expect(() => decideKongFixedWindow(l, u, now)).toThrow('at least one period');
          return;
        }
        const got = decideKongFixedWindow(l, u, now);
        const want = referenceDecide(l, u, now);
        // JSON keeps key order, which the trace's bytes depend on.
        expect(JSON.stringify(got)).toBe(JSON.stringify(want));
        expect(got).toEqual(want);
        expect(kongRateLimitHeaders(got)).toEqual(referenceHeaders(want));
      }),
      { seed, numRuns: 2000 },
    );
  });
});

describe('kongRateLimitHeaderLines: the header pairs as one flat list', () => {
  it('is kongRateLimitHeaders flattened, name then value, for any limits, usage and instant', () => {
    fc.assert(
      fc.property(limits, usage, instant, (l, u, now) => {
        if (Object.keys(l).length === 0) return;
        const d = decideKongFixedWindow(l, u, now);
        expect(kongRateLimitHeaderLines(d)).toEqual(kongRateLimitHeaders(d).flat());
      }),
      { seed, numRuns: 1000 },
    );
  });
});
