/**
 * Semantics §1 (Kong `rate-limiting`): rules no other test pinned — the RateLimit-Reset formula at any
 * instant of any fixed period, and the X-RateLimit-* header names of all six periods.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideKongPeriods, kongRateLimitHeaders } from '../../engine/plugins/rate-limit/math/kong-fixed-window.ts';
import { KONG_PERIOD_SECONDS, kongResetSeconds, kongWindowStart, type KongPeriod } from '../../engine/plugins/rate-limit/math/kong-windows.ts';
import { epochMsOfCivil } from '../../engine/plugins/rate-limit/math/utc-calendar.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] s01 seed=${seed} (replay: FC_SEED=${seed})`);

const NOON = epochMsOfCivil(2026, 1, 1) + 12 * 3_600_000;

describe('semantics §1 Kong rate-limiting', () => {
  it('§1 RateLimit-Reset = max(1, W − floor((now − window_start)/1000)) with W = 1, 60, 3600, 86400 s', () => {
    expect(kongResetSeconds('minute', NOON + 10_700)).toBe(50);
    expect(kongResetSeconds('hour', NOON + 1_800_000)).toBe(1800);
    expect(kongResetSeconds('second', NOON + 999)).toBe(1);
    expect(kongResetSeconds('day', NOON + 12 * 3_600_000 - 100)).toBe(1);
    const periods: KongPeriod[] = ['second', 'minute', 'hour', 'day'];
    fc.assert(
      fc.property(fc.constantFrom(...periods), fc.integer({ min: 0, max: 400 * 86_400_000 }), (period, offset) => {
        const now = NOON + offset;
        const elapsed = Math.floor((now - kongWindowStart(period, now)) / 1000);
        expect(kongResetSeconds(period, now)).toBe(Math.max(1, KONG_PERIOD_SECONDS[period] - elapsed));
      }),
      { seed, numRuns: 300 },
    );
  });

  it('§1 one X-RateLimit-Limit-<Period> / X-RateLimit-Remaining-<Period> pair per configured period, then RateLimit-* of the most restrictive', () => {
    const d = decideKongPeriods(['second', 'minute', 'hour', 'day', 'month', 'year'], [1, 2, 3, 4, 5, 6], [0, 0, 0, 0, 0, 0], NOON + 10_700);
    const names = kongRateLimitHeaders(d).map(([n]) => n);
    expect(names).toEqual([
      ...['Second', 'Minute', 'Hour', 'Day', 'Month', 'Year'].flatMap((p) => [`X-RateLimit-Limit-${p}`, `X-RateLimit-Remaining-${p}`]),
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
    ]);
    // Remaining shown = limit − usage − 1 for an admitted request; `second` (0 left) is the most restrictive.
    expect(Object.fromEntries(kongRateLimitHeaders(d))).toMatchObject({ 'X-RateLimit-Remaining-Year': '5', 'RateLimit-Limit': '1', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '1' });
  });
});
