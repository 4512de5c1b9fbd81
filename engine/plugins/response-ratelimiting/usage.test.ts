import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KONG_PERIODS } from '../rate-limit/math/kong-fixed-window.ts';
import { clientHeaderNames, decideAccess, decideResponse, incrementKeys, responseCounterKey, upstreamHeaderName, usageRows, usageSlots } from './usage.ts';
import type { NamedLimit } from './config.ts';

const AT = Date.parse('2026-03-31T12:34:56.789Z');
const LIMITS: NamedLimit[] = [
  { name: 'video', periods: { minute: 10, hour: 40 } },
  { name: 'image', periods: { minute: 4 } },
];

describe('kong/plugins/response-ratelimiting/policies/init.lua keys and windows', () => {
  it('key = response-ratelimit:<route>:<service>:<identifier>:<window start>:<name>:<period>, all-zero ids when unscoped', () => {
    expect(responseCounterKey({}, '1.2.3.4', 'video', 'minute', 60_000)).toBe(
      'response-ratelimit:00000000-0000-0000-0000-000000000000:00000000-0000-0000-0000-000000000000:1.2.3.4:60000:video:minute',
    );
    expect(responseCounterKey({ routeId: 'r1', serviceId: 's1' }, 'c1', 'image', 'day', 0)).toBe('response-ratelimit:r1:s1:c1:0:image:day');
  });

  it('windows are calendar-aligned in UTC at second resolution (kong.tools.timestamp)', () => {
    const slots = usageSlots(LIMITS, {}, 'ip', AT);
    expect(slots.map((s) => [s.name, s.period, s.limit, new Date(s.windowStartMs).toISOString()])).toEqual([
      ['video', 'minute', 10, '2026-03-31T12:34:00.000Z'],
      ['video', 'hour', 40, '2026-03-31T12:00:00.000Z'],
      ['image', 'minute', 4, '2026-03-31T12:34:00.000Z'],
    ]);
  });

  it('an increment touches all six periods, month from the 1st and year from 1 January', () => {
    const keys = incrementKeys({}, 'ip', 'video', AT);
    expect(keys.map((k) => [k.period, new Date(k.windowStartMs).toISOString()])).toEqual([
      ['second', '2026-03-31T12:34:56.000Z'],
      ['minute', '2026-03-31T12:34:00.000Z'],
      ['hour', '2026-03-31T12:00:00.000Z'],
      ['day', '2026-03-31T00:00:00.000Z'],
      ['month', '2026-03-01T00:00:00.000Z'],
      ['year', '2026-01-01T00:00:00.000Z'],
    ]);
  });
});

describe('kong/plugins/response-ratelimiting/access.lua decision', () => {
  const rows = (video: number, videoHour: number, image: number) => usageRows(usageSlots(LIMITS, {}, 'ip', AT), [video, videoHour, image]);

  it('tells the upstream the lowest remaining per limit, unclamped (negative when a big increment overshot)', () => {
    expect(decideAccess(rows(3, 30, 6), LIMITS, false).upstreamHeaders).toEqual([
      ['X-RateLimit-Remaining-video', '7'],
      ['X-RateLimit-Remaining-image', '-2'],
    ]);
  });

  it('block_on_first_violation refuses a limit with exactly 0 left', () => {
    expect(decideAccess(rows(3, 30, 4), LIMITS, true).blockedBy).toMatchObject({ name: 'image', period: 'minute' });
    expect(decideAccess(rows(3, 30, 4), LIMITS, false).blockedBy).toBeUndefined();
  });

  it('…but not a limit pushed below 0 (Kong compares remaining == 0)', () => {
    expect(decideAccess(rows(3, 30, 6), LIMITS, true).blockedBy).toBeUndefined();
  });
});

describe('kong/plugins/response-ratelimiting/header_filter.lua decision', () => {
  const r = usageRows(usageSlots(LIMITS, {}, 'ip', AT), [8, 30, 4]);

  it('shows limit and max(0, remaining − increment) per limit and period', () => {
    const d = decideResponse(r, new Map([['video', 1]]), false);
    expect(d.headers).toEqual([
      ['X-RateLimit-Limit-video-minute', '10'],
      ['X-RateLimit-Remaining-video-minute', '1'],
      ['X-RateLimit-Limit-video-hour', '40'],
      ['X-RateLimit-Remaining-video-hour', '9'],
      ['X-RateLimit-Limit-image-minute', '4'],
      ['X-RateLimit-Remaining-image-minute', '0'],
    ]);
    expect(d.stoppedBy).toBeUndefined();
  });

  it('the response that crosses the limit passes; one asking units of an exhausted limit stops', () => {
    expect(decideResponse(r, new Map([['video', 5]]), false).stoppedBy).toBeUndefined();
    expect(decideResponse(r, new Map([['image', 1]]), false).stoppedBy).toMatchObject({ name: 'image' });
  });

  it('zero or negative units never stop; hide_client_headers hides the headers, not the 429', () => {
    expect(decideResponse(r, new Map([['image', 0]]), false).stoppedBy).toBeUndefined();
    expect(decideResponse(r, new Map([['image', -1]]), false).headers.at(-1)).toEqual(['X-RateLimit-Remaining-image-minute', '1']);
    const hidden = decideResponse(r, new Map([['image', 1]]), true);
    expect(hidden.headers).toEqual([]);
    expect(hidden.stoppedBy).toMatchObject({ name: 'image' });
  });
});

describe('header names made once per limit and period', () => {
  const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
  console.log(`[fast-check] response-ratelimiting header names seed=${seed} (replay: FC_SEED=${seed})`);
  const period = fc.constantFrom(...KONG_PERIODS);

  it('equal the names built per request, however often and in whatever order they are asked', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), period), { minLength: 1, maxLength: 30 }), (asks) =>
        asks.every(([name, p]) => {
          const client = clientHeaderNames(name, p);
          return (
            upstreamHeaderName(name) === `X-RateLimit-Remaining-${name}` &&
            client.limit === `X-RateLimit-Limit-${name}-${p}` &&
            client.remaining === `X-RateLimit-Remaining-${name}-${p}`
          );
        }),
      ),
      { seed, numRuns: 300 },
    );
  });
});
