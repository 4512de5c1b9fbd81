/**
 * Semantics §3 (Envoy local rate limit) rules the worked examples in token-bucket.test.ts and
 * math/token-bucket.test.ts do not pin: the bucket arithmetic for any traffic (one token per request,
 * continuous refill at tokens_per_fill / fill_interval, the timer's whole steps), a custom status,
 * the draft headers on a rejection, and the bucket's scope (per filter config, per Envoy process).
 * Last, the docs' claim that the reference rate-limit service's windows are Kong's fixed windows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rateLimitPlugin } from '../plugin.ts';
import { kongWindowStart } from '../math/kong-windows.ts';
import { tokenBucket, type TokenBucketConfig, type TokenBucketState } from '../math/token-bucket.ts';
import { fakeContext, hooksForRaw, sendRequest, validRateLimitConfig } from '../test-kit.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] token-bucket.semantics-s3 seed=${seed} (replay: FC_SEED=${seed})`);

const T0 = 1_767_268_800_000; // 2026-01-01T12:00:00Z

const bucketArb = fc.record({
  maxTokens: fc.integer({ min: 1, max: 20 }),
  tokensPerFill: fc.integer({ min: 1, max: 5 }),
  fillIntervalMs: fc.integer({ min: 50, max: 3000 }),
});
const gapsArb = fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: 1, maxLength: 80 });

describe('semantics §3 Envoy local_ratelimit: the bucket for any traffic', () => {
  it('§3 continuous (1.31+): tokens = min(max_tokens, left + elapsed × tokens_per_fill / fill_interval); allowed iff ≥ 1; an admitted request costs exactly 1, a refused one nothing', () => {
    fc.assert(
      fc.property(bucketArb, gapsArb, (b, gaps) => {
        const c: TokenBucketConfig = { flavour: 'envoy', ...b };
        let state: TokenBucketState | undefined;
        let tokens = b.maxTokens; // max_tokens is also the initial fill
        let last = T0;
        let t = T0;
        for (const g of gaps) {
          t += g;
          const expected = Math.min(b.maxTokens, tokens + ((t - last) * b.tokensPerFill) / b.fillIntervalMs);
          const r = tokenBucket(c, state, t);
          expect(r.decision.tokensBefore).toBeCloseTo(expected, 9);
          // ≥ 1 up to float drift: a refill that should land on exactly one token may come out as
          // 0.9999999999…, which the bucket counts as one (math/token-bucket.ts, TOKEN_EPSILON).
          expect(r.decision.allowed).toBe(r.decision.tokensBefore >= 1 - 1e-9);
          expect(r.decision.tokensAfter).toBeCloseTo(r.decision.allowed ? r.decision.tokensBefore - 1 : r.decision.tokensBefore, 9);
          tokens = r.decision.tokensAfter;
          last = t;
          state = r.state;
        }
      }),
      { seed, numRuns: 300 },
    );
  });

  it('§3/§5 a refused request costs nothing, to the last bit: leaving out every refused request changes no other decision (continuous buckets: Envoy 1.31+, AWS)', () => {
    const configArb = fc.oneof(
      bucketArb.map((b): TokenBucketConfig => ({ flavour: 'envoy', ...b })),
      fc.record({ rate: fc.integer({ min: 1, max: 20 }), burst: fc.integer({ min: 1, max: 10 }) }).map((a): TokenBucketConfig => ({ flavour: 'aws', ...a })),
    );
    fc.assert(
      fc.property(configArb, fc.array(fc.integer({ min: 0, max: 120 }), { minLength: 1, maxLength: 150 }), (c, gaps) => {
        let t = T0;
        const times = gaps.map((g) => (t += g));
        const run = (ts: number[]): boolean[] => {
          let state: TokenBucketState | undefined;
          return ts.map((at) => {
            const r = tokenBucket(c, state, at);
            if (!r.decision.allowed && state) expect(r.state).toEqual(state);
            state = r.state;
            return r.decision.allowed;
          });
        };
        const all = run(times);
        const admittedOnly = times.filter((_, i) => all[i]);
        expect(run(admittedOnly).every(Boolean)).toBe(true);
      }),
      { seed, numRuns: 300 },
    );
    // The case that found it: rate 2, burst 1, retries every 50 ms — the token due at 500 ms is there at 500 ms.
    let s: TokenBucketState | undefined;
    const kinds = [0, 1, 51, 101, 151, 201, 251, 301, 351, 401, 451, 500].map((dt) => {
      const r = tokenBucket({ flavour: 'aws', rate: 2, burst: 1 }, s, T0 + dt);
      s = r.state;
      return r.decision.allowed;
    });
    expect(kinds).toEqual([true, ...Array<boolean>(10).fill(false), true]);
  });

  it('§3 timer (before 1.31): tokens change only at multiples of fill_interval, by tokens_per_fill per tick, capped at max_tokens', () => {
    fc.assert(
      fc.property(bucketArb, gapsArb, (b, gaps) => {
        const c: TokenBucketConfig = { flavour: 'envoy-timer', ...b };
        let state: TokenBucketState | undefined;
        let tokens = b.maxTokens;
        // The math's timer starts with the bucket, i.e. at the first request (README, "Choices").
        const origin = T0 + (gaps[0] as number);
        let prev = origin;
        let t = T0;
        for (const g of gaps) {
          t += g;
          const ticks = Math.floor((t - origin) / b.fillIntervalMs) - Math.floor((prev - origin) / b.fillIntervalMs);
          const r = tokenBucket(c, state, t);
          expect(r.decision.tokensBefore).toBe(Math.min(b.maxTokens, tokens + ticks * b.tokensPerFill));
          expect(Number.isInteger(r.decision.tokensBefore)).toBe(true);
          tokens = r.decision.tokensAfter;
          prev = t;
          state = r.state;
        }
      }),
      { seed, numRuns: 300 },
    );
  });
});

describe('semantics §3 Envoy local_ratelimit: the rejection', () => {
  it('§3 status: a value of 400 or more is used as configured (a 503 stays a 503); only values below 400 become 429', () => {
    const hooks = hooksForRaw({ algorithm: 'token-bucket', flavour: 'envoy', max_tokens: 1, fill_interval: '1s', status: 503 });
    sendRequest(hooks, T0);
    expect(sendRequest(hooks, T0).verdict).toMatchObject({ kind: 'reply', status: 503, body: 'local_rate_limited' });
    expect(validRateLimitConfig({ algorithm: 'token-bucket', flavour: 'envoy', max_tokens: 1, fill_interval: '1s', status: 400 })).toMatchObject({ status: 400 });
    expect(validRateLimitConfig({ algorithm: 'token-bucket', flavour: 'envoy', max_tokens: 1, fill_interval: '1s' })).toMatchObject({ status: 429 });
  });

  it('§3 enable_x_ratelimit_headers: DRAFT_VERSION_03 also on the 429 (remaining 0); the continuous bucket sends no x-ratelimit-reset, the timer bucket does', () => {
    const raw = { algorithm: 'token-bucket', max_tokens: 2, fill_interval: '1s', enable_x_ratelimit_headers: 'DRAFT_VERSION_03' };
    const continuous = hooksForRaw({ ...raw, flavour: 'envoy' });
    sendRequest(continuous, T0);
    sendRequest(continuous, T0);
    const no = sendRequest(continuous, T0 + 100);
    expect(no.verdict).toMatchObject({ kind: 'reply', status: 429 });
    expect([no.headers.get('x-ratelimit-limit'), no.headers.get('x-ratelimit-remaining'), no.headers.has('x-ratelimit-reset')]).toEqual(['2', '0', false]);
    const off = hooksForRaw({ algorithm: 'token-bucket', flavour: 'envoy', max_tokens: 1, fill_interval: '1s' });
    expect(sendRequest(off, T0).headers.has('x-ratelimit-limit')).toBe(false);
  });
});

describe('semantics §3 Envoy local_ratelimit: the scope of a bucket', () => {
  it('§3 one bucket per filter config: a per-route config (its own plugin instance) has its own bucket', () => {
    const config = validRateLimitConfig({ algorithm: 'token-bucket', flavour: 'envoy', max_tokens: 1, fill_interval: '1s' });
    const routeA = rateLimitPlugin.create(config, { instanceId: 'a', scope: { route: 'a' } });
    const routeB = rateLimitPlugin.create(config, { instanceId: 'b', scope: { route: 'b' } });
    expect([sendRequest(routeA, T0), sendRequest(routeA, T0), sendRequest(routeB, T0)].map((r) => r.verdict.kind)).toEqual(['next', 'reply', 'next']);
  });

  it('§3 the bucket belongs to one Envoy process: every client of a replica shares it, another replica has its own', () => {
    const hooks = hooksForRaw({ algorithm: 'token-bucket', flavour: 'envoy', max_tokens: 1, fill_interval: '1s' });
    const sent = [
      sendRequest(hooks, T0, fakeContext({ peerIp: '198.51.100.1' }), 'envoy-0'),
      sendRequest(hooks, T0, fakeContext({ peerIp: '198.51.100.2' }), 'envoy-0'),
      sendRequest(hooks, T0, fakeContext({ peerIp: '198.51.100.2' }), 'envoy-1'),
    ];
    expect(sent.map((r) => r.verdict.kind)).toEqual(['next', 'reply', 'next']);
  });
});

describe('semantics §3 global rate limit: the reference RLS windows', () => {
  it('§3 RLS windows start at epoch multiples of the unit ((now/divider)·divider) — the same instants as Kong’s UTC-aligned second, minute, hour and day (docs: "fixed window … Envoy’s reference RLS")', () => {
    const divider = { second: 1, minute: 60, hour: 3600, day: 86_400 } as const;
    fc.assert(
      fc.property(fc.constantFrom('second', 'minute', 'hour', 'day' as const), fc.integer({ min: 0, max: 2 ** 40 }), (unit, nowMs) => {
        const nowS = Math.floor(nowMs / 1000);
        const rlsStartS = Math.floor(nowS / divider[unit]) * divider[unit];
        expect(kongWindowStart(unit, nowMs)).toBe(rlsStartS * 1000);
      }),
      { seed, numRuns: 300 },
    );
  });
});
