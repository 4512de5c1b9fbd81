import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  tokenBucket,
  tokenBucketCapacity,
  tokenBucketRate,
  traefikMaxDelayNs,
  type TokenBucketConfig,
  type TokenBucketDecision,
  type TokenBucketState,
} from './token-bucket.ts';
import { formatGoDuration } from './go-duration.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] token-bucket seed=${seed} (replay: FC_SEED=${seed})`);

const T0 = 1_700_000_000_000;

function run(config: TokenBucketConfig, times: number[]): Array<TokenBucketDecision & { state: TokenBucketState }> {
  let state: TokenBucketState | undefined;
  return times.map((t) => {
    const r = tokenBucket(config, state, t);
    state = r.state;
    return { ...r.decision, state: r.state };
  });
}

/** The lesson's table: capacity 10, refill 2/s. Returns admitted counts per second mark and the tokens at t=5. */
function lessonTable(config: TokenBucketConfig) {
  const times = [...Array(10).fill(T0), ...Array(2).fill(T0 + 1000), ...Array(3).fill(T0 + 2000)];
  let state: TokenBucketState | undefined;
  const allowed = times.map((t) => {
    const r = tokenBucket(config, state, t);
    state = r.state;
    return r.decision.allowed;
  });
  const at5 = tokenBucket(config, state, T0 + 5000).decision.tokensBefore;
  return { t0: allowed.slice(0, 10).filter(Boolean).length, t1: allowed.slice(10, 12).filter(Boolean).length, t2: allowed.slice(12).filter(Boolean).length, at5 };
}

describe('token bucket flavours', () => {
  it("lesson table: capacity 10, refill 2/s — t=0 burst of 10 admitted, t=1 two, t=2 three sent two admitted, t=5 bucket at 6 (continuous Envoy)", () => {
    expect(lessonTable({ flavour: 'envoy', maxTokens: 10, tokensPerFill: 2, fillIntervalMs: 1000 })).toEqual({ t0: 10, t1: 2, t2: 2, at5: 6 });
    expect(lessonTable({ flavour: 'aws', rate: 2, burst: 10 })).toEqual({ t0: 10, t1: 2, t2: 2, at5: 6 });
    // On exact refill edges the old timer model gives the same table.
    expect(lessonTable({ flavour: 'envoy-timer', maxTokens: 10, tokensPerFill: 2, fillIntervalMs: 1000 })).toEqual({ t0: 10, t1: 2, t2: 2, at5: 6 });
  });

  it('§3 Envoy local (1.31+): starts full, refills continuously; allowed iff >= 1 token; says when the next token comes', () => {
    const c: TokenBucketConfig = { flavour: 'envoy', maxTokens: 2, tokensPerFill: 2, fillIntervalMs: 1000 };
    const ds = run(c, [T0, T0, T0 + 250, T0 + 500]);
    expect(ds.map((d) => d.allowed)).toEqual([true, true, false, true]);
    expect(ds[2]?.tokensBefore).toBe(0.5);
    expect(ds[2]?.nextTokenInMs).toBe(250);
    expect(ds[2]?.status).toBe(429);
  });

  it('§3 Envoy timer model: tokens_per_fill added in one step at multiples of fill_interval from the bucket creation', () => {
    const c: TokenBucketConfig = { flavour: 'envoy-timer', maxTokens: 3, tokensPerFill: 2, fillIntervalMs: 1000 };
    const ds = run(c, [T0 + 300, T0 + 300, T0 + 300, T0 + 1299, T0 + 1300, T0 + 1300, T0 + 1300, T0 + 2299]);
    expect(ds.map((d) => d.allowed)).toEqual([true, true, true, false, true, true, false, false]);
    expect(ds[3]?.nextTokenInMs).toBe(1);
    expect(ds[7]?.nextTokenInMs).toBe(1);
  });

  it('§4 Traefik maxDelay = 1/(2r) with r truncated to an integer for r >= 1, else 500 ms', () => {
    expect(traefikMaxDelayNs(100)).toBe(5e6);
    expect(traefikMaxDelayNs(10)).toBe(50e6);
    expect(traefikMaxDelayNs(1.5)).toBe(500e6); // time.Duration(1.5) == 1
    expect(traefikMaxDelayNs(2.5)).toBe(250e6);
    expect(traefikMaxDelayNs(1 / 60)).toBe(500e6);
    expect(tokenBucketRate({ flavour: 'traefik', average: 3, periodMs: 2000 })).toBe(1.5);
    expect(tokenBucketCapacity({ flavour: 'traefik', average: 3, burst: 0 })).toBe(1);
  });

  it('§4 Traefik: a wait <= maxDelay is served after the wait (tokens go negative); a longer one → 429, Retry-After, X-Retry-In, reservation cancelled', () => {
    const c: TokenBucketConfig = { flavour: 'traefik', average: 10, burst: 1 };
    const ds = run(c, [T0, T0, T0 + 60, T0 + 60]);
    expect(ds[0]).toMatchObject({ allowed: true, delayMs: 0, tokensAfter: 0 });
    expect(ds[1]).toMatchObject({ allowed: false, status: 429, retryAfterSeconds: 1, retryIn: '100ms', tokensAfter: 0 });
    expect(ds[1]?.state).toEqual(ds[0]?.state);
    expect(ds[2]).toMatchObject({ allowed: true, delayMs: 40 });
    expect(ds[2]?.tokensAfter).toBeCloseTo(-0.4, 12);
    expect(ds[3]).toMatchObject({ allowed: false, retryIn: '140ms', retryAfterSeconds: 1 });
  });

  it('§4 Traefik: a slow rate shows Go-formatted waits and rounds Retry-After up', () => {
    const c: TokenBucketConfig = { flavour: 'traefik', average: 1, periodMs: 60_000, burst: 1 };
    const ds = run(c, [T0, T0 + 1500]);
    expect(ds[1]).toMatchObject({ allowed: false, retryAfterSeconds: 59, retryIn: '58.5s' });
    expect(formatGoDuration(3_600_000_000_000)).toBe('1h0m0s');
    expect(formatGoDuration(61_500_000_000)).toBe('1m1.5s');
    expect(formatGoDuration(333_333_333)).toBe('333.333333ms');
    expect(formatGoDuration(1500)).toBe('1.5µs');
    expect(formatGoDuration(0)).toBe('0s');
  });

  it("§4 Traefik: a new x/time/rate limiter fills by capped catch-up (0.999999999 tokens at r = 3) and still admits at once", () => {
    const d = run({ flavour: 'traefik', average: 3, burst: 1 }, [T0])[0];
    expect(d?.tokensBefore).toBe(0.999999999);
    expect(d).toMatchObject({ allowed: true, delayMs: 0 });
  });

  it('§4 Traefik: average 0 means no limiting', () => {
    expect(run({ flavour: 'traefik', average: 0 }, Array(50).fill(T0)).every((d) => d.allowed && d.delayMs === 0)).toBe(true);
  });

  it('§4 Traefik: an idle source loses its bucket after the TTL (2 s for r >= 1) and gets a full one back', () => {
    const c = { flavour: 'traefik', average: 1, burst: 10 } as const;
    const times = [...Array(10).fill(T0), ...Array(10).fill(T0 + 2000)];
    expect(run(c, times).filter((d) => d.allowed)).toHaveLength(20);
    expect(run({ ...c, evictIdleBuckets: false }, times).filter((d) => d.allowed)).toHaveLength(12);
  });

  it('§5 AWS: rate 5 burst 10 → 10 at once, then 429 with the next token in 200 ms', () => {
    const ds = run({ flavour: 'aws', rate: 5, burst: 10 }, Array(11).fill(T0));
    expect(ds.filter((d) => d.allowed)).toHaveLength(10);
    expect(ds[10]).toMatchObject({ allowed: false, status: 429, nextTokenInMs: 200 });
  });

  const configArb: fc.Arbitrary<TokenBucketConfig> = fc.oneof(
    fc.record({ flavour: fc.constant('envoy' as const), maxTokens: fc.integer({ min: 1, max: 20 }), tokensPerFill: fc.integer({ min: 1, max: 5 }), fillIntervalMs: fc.integer({ min: 50, max: 3000 }) }),
    fc.record({ flavour: fc.constant('envoy-timer' as const), maxTokens: fc.integer({ min: 1, max: 20 }), tokensPerFill: fc.integer({ min: 1, max: 5 }), fillIntervalMs: fc.integer({ min: 50, max: 3000 }) }),
    fc.record({ flavour: fc.constant('traefik' as const), average: fc.integer({ min: 1, max: 50 }), periodMs: fc.constantFrom(1000, 2000, 60_000), burst: fc.integer({ min: 1, max: 20 }), evictIdleBuckets: fc.constant(false) }),
    fc.record({ flavour: fc.constant('aws' as const), rate: fc.integer({ min: 1, max: 50 }), burst: fc.integer({ min: 0, max: 20 }) }),
  );

  it('properties (every flavour): admitted by act time T <= burst + rate·(T − t0); identical inputs → identical decisions', () => {
    fc.assert(
      fc.property(configArb, fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 300 }), (config, gaps) => {
        let t = T0;
        const times = gaps.map((g) => (t += g));
        const ds = run(config, times);
        expect(run(config, times)).toEqual(ds);
        const acts = times.flatMap((time, i) => (ds[i]?.allowed ? [time + (ds[i]?.delayMs ?? 0)] : [])).sort((a, b) => a - b);
        const burst = tokenBucketCapacity(config);
        const rate = tokenBucketRate(config);
        acts.forEach((act, k) => expect(k + 1).toBeLessThanOrEqual(burst + (rate * (act - T0)) / 1000 + 1e-6));
        // Traefik never holds a request longer than its maxDelay.
        if (config.flavour === 'traefik') for (const d of ds) expect(d.delayMs).toBeLessThanOrEqual(traefikMaxDelayNs(rate) / 1e6);
      }),
      { seed, verbose: true },
    );
  });
});
