import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decideKongFixedWindow,
  kongCounterKey,
  kongFixedWindow,
  kongRateLimitHeaders,
  kongResetSeconds,
  kongWindowEnd,
  kongWindowStart,
  KONG_PERIODS,
  type KongLimits,
  type KongWindowState,
} from './kong-fixed-window.ts';
import { epochMsOfCivil } from './utc-calendar.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] kong-fixed-window seed=${seed} (replay: FC_SEED=${seed})`);

const at = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number =>
  epochMsOfCivil(y, mo, d) + ((h * 60 + mi) * 60 + s) * 1000 + ms;

/** Runs a schedule through the local policy; returns the allowed flags. */
function run(limits: KongLimits, times: number[]): boolean[] {
  let state: KongWindowState = {};
  return times.map((t) => {
    const r = kongFixedWindow(limits, state, t);
    state = r.state;
    return r.decision.allowed;
  });
}

describe('Kong fixed windows', () => {
  it('§1 Kong month window starts on the 1st of the calendar month, 00:00 UTC', () => {
    expect(kongWindowStart('month', at(2024, 2, 29, 23, 59, 59, 999))).toBe(at(2024, 2, 1));
    expect(kongWindowStart('month', at(2024, 3, 1))).toBe(at(2024, 3, 1));
    expect(kongWindowStart('month', at(2023, 12, 31, 12))).toBe(at(2023, 12, 1));
    expect(kongWindowEnd('month', at(2023, 12, 1))).toBe(at(2024, 1, 1));
    expect(kongWindowEnd('month', at(2024, 2, 1))).toBe(at(2024, 3, 1));
  });

  it('§1 Kong year starts on 1 January; day at 00:00 UTC; hour at mm=0; minute at :00; second truncates ms', () => {
    const t = at(2024, 7, 14, 13, 45, 27, 640);
    expect(kongWindowStart('year', t)).toBe(at(2024, 1, 1));
    expect(kongWindowStart('day', t)).toBe(at(2024, 7, 14));
    expect(kongWindowStart('hour', t)).toBe(at(2024, 7, 14, 13));
    expect(kongWindowStart('minute', t)).toBe(at(2024, 7, 14, 13, 45));
    expect(kongWindowStart('second', t)).toBe(at(2024, 7, 14, 13, 45, 27));
  });

  it('calendar arithmetic agrees with Date.UTC for any instant (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2_000_000_000_000, max: 8_000_000_000_000 }), (t) => {
        const d = new Date(t);
        expect(kongWindowStart('month', t)).toBe(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
        expect(kongWindowStart('year', t)).toBe(Date.UTC(d.getUTCFullYear(), 0, 1));
        expect(kongWindowStart('day', t)).toBe(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
      }),
      { seed, verbose: true },
    );
  });

  it('§1 Kong counter key is ratelimit:<route>:<service>:<identifier>:<window_start_ms>:<period>, all-zero UUID when unscoped', () => {
    expect(kongCounterKey({ identifier: '203.0.113.7', period: 'minute', windowStartMs: 1_700_000_040_000 })).toBe(
      'ratelimit:00000000-0000-0000-0000-000000000000:00000000-0000-0000-0000-000000000000:203.0.113.7:1700000040000:minute',
    );
    expect(kongCounterKey({ routeId: 'r1', serviceId: 's1', identifier: 'c', period: 'hour', windowStartMs: 0 })).toBe('ratelimit:r1:s1:c:0:hour');
  });

  it('§1 Kong remaining header = max(0, limit − usage − 1); reject when usage >= limit', () => {
    const now = at(2024, 5, 1, 12, 0, 45, 700);
    const ok = decideKongFixedWindow({ minute: 100 }, { minute: 37 }, now);
    expect(ok.allowed).toBe(true);
    expect(kongRateLimitHeaders(ok)).toEqual([
      ['X-RateLimit-Limit-Minute', '100'],
      ['X-RateLimit-Remaining-Minute', '62'],
      ['RateLimit-Limit', '100'],
      ['RateLimit-Remaining', '62'],
      ['RateLimit-Reset', '15'],
    ]);
    expect(decideKongFixedWindow({ minute: 100 }, { minute: 99 }, now).allowed).toBe(true);
    const no = decideKongFixedWindow({ minute: 100 }, { minute: 100 }, now);
    expect(no.allowed).toBe(false);
    expect(no.stop).toBe('minute');
    expect(kongRateLimitHeaders(no)).toContainEqual(['Retry-After', '15']);
    expect(kongRateLimitHeaders(no)).toContainEqual(['X-RateLimit-Remaining-Minute', '0']);
  });

  it('§1 Kong: the −1 is not applied to a period other than the one that stopped the request', () => {
    const now = at(2024, 5, 1, 12, 0, 10, 300);
    const d = decideKongFixedWindow({ second: 5, minute: 100 }, { second: 5, minute: 40 }, now);
    expect(d.allowed).toBe(false);
    const h = Object.fromEntries(kongRateLimitHeaders(d));
    expect(h['X-RateLimit-Remaining-Second']).toBe('0');
    expect(h['X-RateLimit-Remaining-Minute']).toBe('60');
    expect(h['RateLimit-Limit']).toBe('5');
    expect(h['RateLimit-Reset']).toBe('1');
    expect(h['Retry-After']).toBe('1');
  });

  it('§1 Kong most restrictive period: lowest remaining, ties → the larger window', () => {
    const now = at(2024, 5, 1, 12, 0, 20);
    const d = decideKongFixedWindow({ second: 10, minute: 10 }, {}, now);
    expect(d.mostRestrictive.period).toBe('minute');
    expect(d.mostRestrictive.resetSeconds).toBe(40);
    const e = decideKongFixedWindow({ second: 10, hour: 1000 }, { second: 3, hour: 995 }, now);
    expect(e.mostRestrictive.period).toBe('hour');
    expect(e.mostRestrictive.shownRemaining).toBe(4);
  });

  it('§1 Kong RateLimit-Reset uses the fixed W table: month = 2592000 s, so late in a 31-day month it bottoms out at 1', () => {
    expect(kongResetSeconds('month', at(2024, 2, 29, 10))).toBe(2_592_000 - (28 * 86_400 + 36_000));
    expect(kongResetSeconds('month', at(2024, 1, 31, 12))).toBe(1);
    expect(kongResetSeconds('year', at(2024, 1, 1, 0, 0, 30))).toBe(31_536_000 - 30);
    expect(kongResetSeconds('second', at(2024, 1, 1, 0, 0, 30, 999))).toBe(1);
  });

  it('§1 Kong local: 100/minute admits 100 at 12:00:59 and 100 more at 12:01:01 (the boundary burst); the 101st of a window is rejected', () => {
    const limits = { minute: 100 };
    const times = [...Array(101).fill(at(2024, 5, 1, 12, 0, 59)), ...Array(101).fill(at(2024, 5, 1, 12, 1, 1))];
    const allowed = run(limits, times);
    expect(allowed.slice(0, 100).every(Boolean)).toBe(true);
    expect(allowed[100]).toBe(false);
    expect(allowed.slice(101, 201).every(Boolean)).toBe(true);
    expect(allowed[201]).toBe(false);
  });

  it('§1 Kong local: a rejected request does not increment any counter', () => {
    const now = at(2024, 5, 1, 12, 0, 0);
    const full: KongWindowState = { second: { windowStartMs: now, count: 2, expiresAtMs: now + 1000 }, minute: { windowStartMs: now, count: 7, expiresAtMs: now + 60_000 } };
    const r = kongFixedWindow({ second: 2, minute: 10 }, full, now + 500);
    expect(r.decision.allowed).toBe(false);
    expect(r.state).toEqual(full);
  });

  it('Kong shm TTL quirk: a month counter expires 30 days after its first increment, so it restarts on day 31', () => {
    const limits = { month: 10 };
    const first = at(2024, 1, 1);
    const times = [...Array(10).fill(first), at(2024, 1, 20), at(2024, 1, 30, 23, 59, 59), at(2024, 1, 31)];
    expect(run(limits, times)).toEqual([...Array(10).fill(true), false, false, true]);
  });

  it('properties: at most `limit` admitted per calendar window for every period; identical inputs → identical decisions', () => {
    const base = at(2024, 1, 31, 23, 58, 30);
    const schedule = fc.array(fc.integer({ min: 0, max: 1500 }), { maxLength: 300 }).map((gaps) => {
      let t = base;
      return gaps.map((g) => (t += g));
    });
    const limitsArb = fc
      .tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 60 }), fc.boolean())
      .map(([s, extra, withSecond]): KongLimits => (withSecond ? { second: s, minute: s + extra } : { minute: s + extra }));
    fc.assert(
      fc.property(limitsArb, schedule, (limits, times) => {
        const a = run(limits, times);
        expect(run(limits, times)).toEqual(a);
        for (const p of KONG_PERIODS) {
          const limit = limits[p];
          if (limit === undefined) continue;
          const perWindow = new Map<number, number>();
          times.forEach((t, i) => {
            if (!a[i]) return;
            const w = kongWindowStart(p, t);
            perWindow.set(w, (perWindow.get(w) ?? 0) + 1);
          });
          for (const n of perWindow.values()) expect(n).toBeLessThanOrEqual(limit);
        }
      }),
      { seed, verbose: true },
    );
  });
});
