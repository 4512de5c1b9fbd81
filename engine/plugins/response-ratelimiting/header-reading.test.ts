/**
 * Header readings (parsed once per value) against the per-response construction they replaced, and
 * the per-(identifier, second) INCRBY request against incrementOps: same increments, sentences, ops.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RESPONSE_RATELIMITING_DEFAULTS, type ResponseRateLimitingConfig } from './config.ts';
import { HeaderReadings } from './header-reading.ts';
import { parseIncrements } from './increments.ts';
import { KeyMemo } from './key-memo.ts';
import { incrementOps } from './policy-store.ts';

// Engine code takes no randomness from the machine: the seed is fixed unless FC_SEED names another.
const seed = Number(process.env['FC_SEED'] ?? 20_261_126);
console.log(`[fast-check] response-ratelimiting header-reading seed=${seed} (replay: FC_SEED=${seed})`);

const NAMES = ['orders', 'video'];
const part = fc.oneof(
  fc.tuple(fc.constantFrom('orders', 'video', 'image', ' orders '), fc.constantFrom('1', '2', '0', '-1', '1.5', 'x', '0x10')).map(([n, u]) => `${n}=${u}`),
  fc.constantFrom('junk', '', 'a=b=c'),
);
const header = fc.option(fc.array(part, { minLength: 1, maxLength: 4 }).map((p) => p.join(',')), { nil: undefined });
const START = Date.UTC(2026, 0, 1, 12);

/** The old response hook's reading of the header and its INCRBY sentences. */
function reference(raw: string | undefined) {
  const { increments, ignored } = parseIncrements(raw, NAMES);
  const heard = raw === undefined ? 'no x-kong-limit header' : `x-kong-limit: ${raw}${ignored.length > 0 ? ` (ignored: ${ignored.join(', ')})` : ''}`;
  const asked = [...increments].filter(([, by]) => by !== 0);
  const what = asked.map(([n, by]) => `${n} ${by > 0 ? '+' : ''}${by}`).join(', ');
  return { increments, heard, what };
}

describe('header readings', () => {
  it('say what the per-response construction said, and build the same INCRBYs', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(header, fc.constantFrom('10.0.0.1', '10.0.0.2'), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 30 }), (responses) => {
        const config: ResponseRateLimitingConfig = { ...RESPONSE_RATELIMITING_DEFAULTS, limits: [{ name: 'orders', periods: { hour: 10 } }, { name: 'video', periods: { minute: 3 } }], policy: 'redis' };
        const readings = new HeaderReadings('x-kong-limit', NAMES);
        const memo = new KeyMemo(config, { routeId: 'r' }, 'Redis');
        for (const [raw, who, second] of responses) {
          const got = readings.of(raw);
          const want = reference(raw);
          expect([...got.increments]).toEqual([...want.increments]);
          expect(got.heard).toBe(want.heard);
          expect(got.what).toBe(want.what);
          if (want.what === '') continue;
          const ts = START + second * 1000;
          const increment = memo.increment(who, ts, got.increments);
          const { ops, skipped } = incrementOps(new KeyMemo(config, { routeId: 'r' }, 'Redis'), who, ts, want.increments);
          expect(increment.effect).toEqual({ type: 'store', ops });
          expect(increment.skipped).toEqual(skipped);
          const refused = skipped.length > 0 ? `; Redis refuses a fractional INCRBY, so ${skipped.join(', ')} is not counted` : '';
          const reason = `${want.heard}; INCRBY ${want.what} in every period's counter in Redis${refused} — Kong sends this after the response, gatelab before it (one round trip the client waits for)`;
          expect(readings.storeSentences(got, increment.skipped)).toEqual({ refused, reason, counted: `${reason}: counted` });
        }
      }),
      { seed, numRuns: 300 },
    );
  });
});
