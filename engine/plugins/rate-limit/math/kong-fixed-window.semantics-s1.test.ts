/**
 * Semantics §1 (Kong `rate-limiting`), the decision and the client headers as invariants over any
 * limits, usage and instant — the examples in kong-fixed-window.test.ts pin single cases; these pin
 * the rules themselves, so a change that keeps the examples but breaks an unlisted case fails here.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideKongPeriods, kongRateLimitHeaders, KONG_PERIODS, KONG_PERIOD_SECONDS, kongResetSeconds, type KongPeriod } from './kong-fixed-window.ts';
import { epochMsOfCivil } from './utc-calendar.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] kong-fixed-window.semantics-s1 seed=${seed} (replay: FC_SEED=${seed})`);

const BASE = epochMsOfCivil(2026, 1, 1);

/** Any non-empty set of periods (shortest first), a limit and a usage for each, and an instant. */
const caseArb = fc
  .record({
    pick: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
    limits: fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 6, maxLength: 6 }),
    used: fc.array(fc.integer({ min: 0, max: 25 }), { minLength: 6, maxLength: 6 }),
    offset: fc.integer({ min: 0, max: 800 * 86_400_000 }),
  })
  .filter((c) => c.pick.some(Boolean))
  .map((c) => {
    const idx = KONG_PERIODS.map((_, i) => i).filter((i) => c.pick[i]);
    return {
      periods: idx.map((i) => KONG_PERIODS[i] as KongPeriod),
      limits: idx.map((i) => c.limits[i] as number),
      used: idx.map((i) => c.used[i] as number),
      now: BASE + c.offset,
    };
  });

describe('semantics §1 Kong rate-limiting: decision and headers for any input', () => {
  it('§1 reject iff some configured period has usage >= limit (remaining = limit − usage <= 0); admitted otherwise', () => {
    fc.assert(
      fc.property(caseArb, ({ periods, limits, used, now }) => {
        const d = decideKongPeriods(periods, limits, used, now);
        const exhausted = periods.some((_, i) => (used[i] as number) >= (limits[i] as number));
        expect(d.allowed).toBe(!exhausted);
        d.periods.forEach((r, i) => expect(r.remaining).toBe((limits[i] as number) - (used[i] as number)));
      }),
      { seed, numRuns: 400 },
    );
  });

  it('§1 X-RateLimit-Remaining-<P> = max(0, limit − usage − 1), without the −1 for a period other than the one that stopped the request', () => {
    fc.assert(
      fc.property(caseArb, ({ periods, limits, used, now }) => {
        const d = decideKongPeriods(periods, limits, used, now);
        const h = new Map(kongRateLimitHeaders(d));
        periods.forEach((p, i) => {
          const remaining = (limits[i] as number) - (used[i] as number);
          const own = d.allowed || d.stop === p ? 1 : 0;
          const suffix = p[0]?.toUpperCase() + p.slice(1);
          expect(h.get(`X-RateLimit-Limit-${suffix}`)).toBe(String(limits[i]));
          expect(h.get(`X-RateLimit-Remaining-${suffix}`)).toBe(String(Math.max(0, remaining - own)));
        });
      }),
      { seed, numRuns: 400 },
    );
  });

  it('§1 RateLimit-* speak of the most restrictive period: lowest remaining shown, ties → the larger window', () => {
    fc.assert(
      fc.property(caseArb, ({ periods, limits, used, now }) => {
        const d = decideKongPeriods(periods, limits, used, now);
        const lowest = Math.min(...d.periods.map((r) => r.shownRemaining));
        const tied = d.periods.filter((r) => r.shownRemaining === lowest);
        const widest = tied.reduce((a, b) => (KONG_PERIOD_SECONDS[b.period] > KONG_PERIOD_SECONDS[a.period] ? b : a));
        const h = new Map(kongRateLimitHeaders(d));
        expect(d.mostRestrictive.period).toBe(widest.period);
        expect(h.get('RateLimit-Limit')).toBe(String(widest.limit));
        expect(h.get('RateLimit-Remaining')).toBe(String(lowest));
        expect(h.get('RateLimit-Reset')).toBe(String(kongResetSeconds(widest.period, now)));
      }),
      { seed, numRuns: 400 },
    );
  });

  it('§1 Retry-After is sent only on a rejection, and equals RateLimit-Reset', () => {
    fc.assert(
      fc.property(caseArb, ({ periods, limits, used, now }) => {
        const d = decideKongPeriods(periods, limits, used, now);
        const h = new Map(kongRateLimitHeaders(d));
        if (d.allowed) expect(h.has('Retry-After')).toBe(false);
        else expect(h.get('Retry-After')).toBe(h.get('RateLimit-Reset'));
      }),
      { seed, numRuns: 400 },
    );
  });

  it('§1 second resolution (ngx.time): every instant of one second decides and answers alike', () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 0, max: 999 }), ({ periods, limits, used, now }, ms) => {
        const whole = Math.floor(now / 1000) * 1000;
        const a = decideKongPeriods(periods, limits, used, whole);
        const b = decideKongPeriods(periods, limits, used, whole + ms);
        expect(kongRateLimitHeaders(b)).toEqual(kongRateLimitHeaders(a));
        expect(b.timestampMs).toBe(whole);
        expect(b.periods.map((r) => r.windowStartMs)).toEqual(a.periods.map((r) => r.windowStartMs));
      }),
      { seed, numRuns: 300 },
    );
  });

  it('§1 RateLimit-Reset is at least 1 and at most W for every period, month and year included (W = 2592000 / 31536000)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KONG_PERIODS), fc.integer({ min: 0, max: 4 * 366 * 86_400_000 }), (period, offset) => {
        const r = kongResetSeconds(period, BASE + offset);
        expect(r).toBeGreaterThanOrEqual(1);
        expect(r).toBeLessThanOrEqual(KONG_PERIOD_SECONDS[period]);
      }),
      { seed, numRuns: 300 },
    );
    // Month and year use the fixed table, so a 31-day month or a leap year runs past W: the reset bottoms out at 1.
    expect(kongResetSeconds('year', epochMsOfCivil(2028, 12, 31) + 3_600_000)).toBe(1);
    expect(kongResetSeconds('month', epochMsOfCivil(2026, 2, 1))).toBe(2_592_000);
  });
});
