import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HeaderMap } from '../../pipeline/headers.ts';
import type { RequestContext, Verdict } from '../../pipeline/types.ts';
import type { Identifier } from '../rate-limit/identifier.ts';
import { RESPONSE_RATELIMITING_DEFAULTS, type NamedLimit, type ResponseRateLimitingConfig } from './config.ts';
import { accessVerdict, type ResponseRateLimitingVars } from './respond.ts';
import { usageRows, usageSlots } from './usage.ts';

const AT = Date.parse('2026-03-31T12:34:56.789Z');
const LIMITS: NamedLimit[] = [
  { name: 'video', periods: { minute: 10, hour: 40 } },
  { name: 'image', periods: { minute: 4 } },
];

function config(): ResponseRateLimitingConfig {
  return { ...RESPONSE_RATELIMITING_DEFAULTS, limits: LIMITS, limit_by: 'ip' };
}

/** The parts of a context accessVerdict reads: the upstream headers it writes, and the request for a 429's body. */
function ctx(): RequestContext {
  return { upstream: { headers: new HeaderMap() }, request: { headers: new HeaderMap() } } as unknown as RequestContext;
}

interface Step {
  ip: string;
  fellBack: boolean;
  usage: number[];
  note: string;
}

/** One access through the memo (the shared config) and one as built fresh (a copy of it, never seen before). */
function both(shared: ResponseRateLimitingConfig, s: Step): { memo: Verdict; fresh: Verdict; memoHeaders: unknown; freshHeaders: unknown } {
  const identifier: Identifier = { value: s.ip, kind: 'ip', fellBack: s.fellBack };
  const slots = usageSlots(LIMITS, {}, s.ip, AT);
  const a = ctx();
  const b = ctx();
  const varsA: ResponseRateLimitingVars = { instance: 'i', identifier, timestampMs: AT };
  const varsB: ResponseRateLimitingVars = { instance: 'i', identifier, timestampMs: AT };
  const memo = accessVerdict(a, shared, varsA, usageRows(slots, s.usage), s.note);
  const fresh = accessVerdict(b, { ...shared }, varsB, usageRows(slots, s.usage), s.note);
  expect(varsA.rows).toStrictEqual(varsB.rows);
  expect(varsA.skipped).toBe(varsB.skipped);
  return { memo, fresh, memoHeaders: a.upstream.headers.toJSON(), freshHeaders: b.upstream.headers.toJSON() };
}

describe('accessVerdict reuses the previous forwarded sentence while the counters read the same', () => {
  it('equals a fresh build at every step, for any run of readings (repeats, changes, refusals)', () => {
    const step = fc.record({
      ip: fc.constantFrom('1.2.3.4', '5.6.7.8'),
      fellBack: fc.boolean(),
      // A few readings, so that two steps in a row often differ in one input only (the memo's key).
      usage: fc.oneof(
        fc.constantFrom([3, 7, 1], [3, 7, 2], [4, 7, 1], [10, 40, 4], [0, 0, 0], [9, 40, 3]),
        fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 41 }), fc.integer({ min: 0, max: 5 })),
      ),
      note: fc.constantFrom('local policy: counters of replica gw-0 only', '1 GET round trip to Redis'),
    });
    // Runs of one repeated reading, so the memo is hit as well as missed.
    const runs = fc.array(fc.tuple(step, fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(runs, fc.boolean(), (list, block) => {
        const shared = { ...config(), block_on_first_violation: block };
        for (const [s, times] of list) {
          for (let i = 0; i < times; i++) {
            const { memo, fresh, memoHeaders, freshHeaders } = both(shared, { ...s, usage: [...s.usage] });
            // toStrictEqual and the JSON: the same fields in the same key order, as the trace writes them.
            expect(memo).toStrictEqual(fresh);
            expect(JSON.stringify(memo)).toBe(JSON.stringify(fresh));
            expect(memoHeaders).toStrictEqual(freshHeaders);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('hands back the same string and data objects for a repeated reading, new ones when a count moves', () => {
    const shared = config();
    const s: Step = { ip: '1.2.3.4', fellBack: false, usage: [3, 7, 1], note: 'local policy: counters of replica gw-0 only' };
    const first = both(shared, s).memo;
    const again = both(shared, { ...s, usage: [3, 7, 1] }).memo;
    expect(again.reason).toBe(first.reason);
    expect(again.data).toBe(first.data);
    const moved = both(shared, { ...s, usage: [4, 7, 1] }).memo;
    expect(moved.reason).not.toBe(first.reason);
    expect(moved.reason).toContain('video 4/10 this minute');
  });
});
