import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hooksForRaw, sendRequest } from '../test-kit.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] rate-limit flavours seed=${seed} (replay: FC_SEED=${seed})`);

const T0 = 1_767_268_800_000;

interface Outcome {
  at: number;
  kind: string;
  reason: string;
  sleptMs: number;
  status?: number;
}

/** A schedule through fresh hooks, as the pipeline would run it. */
function run(raw: Record<string, unknown>, times: number[]): Outcome[] {
  const hooks = hooksForRaw(raw);
  return times.map((at) => {
    const r = sendRequest(hooks, at);
    return { at, kind: r.verdict.kind, reason: r.verdict.reason, sleptMs: r.sleptMs, ...(r.verdict.kind === 'reply' ? { status: r.verdict.status } : {}) };
  });
}

/** Instants at which admitted requests actually go upstream (after any hold), sorted. */
const acts = (os: Outcome[]): number[] => os.filter((o) => o.kind === 'next').map((o) => o.at + o.sleptMs).sort((a, b) => a - b);

/** The k-th request to go upstream (1-based) at time T must fit within burst + rate·(T − t0). */
function withinBound(os: Outcome[], burst: number, perSecond: number): void {
  acts(os).forEach((act, i) => expect(i + 1).toBeLessThanOrEqual(burst + (perSecond * (act - T0)) / 1000 + 1e-6));
}

const schedule = fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 250 }).map((gaps) => {
  let t = T0;
  return gaps.map((g) => (t += g));
});

const bucketArb = fc.oneof(
  fc.record({ flavour: fc.constantFrom('envoy', 'envoy-timer'), max_tokens: fc.integer({ min: 1, max: 20 }), tokens_per_fill: fc.integer({ min: 1, max: 5 }), fillMs: fc.integer({ min: 50, max: 3000 }) }).map((c) => ({
    raw: { algorithm: 'token-bucket', flavour: c.flavour, max_tokens: c.max_tokens, tokens_per_fill: c.tokens_per_fill, fill_interval: `${c.fillMs}ms` },
    burst: c.max_tokens,
    rate: (c.tokens_per_fill * 1000) / c.fillMs,
  })),
  // Gaps stay under a second, so Traefik's TTL map never drops a bucket (that refill is real, and unbounded).
  fc.record({ average: fc.integer({ min: 1, max: 50 }), periodS: fc.constantFrom(1, 2, 60), burst: fc.integer({ min: 1, max: 20 }) }).map((c) => ({
    raw: { algorithm: 'token-bucket', flavour: 'traefik', average: c.average, period: `${c.periodS}s`, burst: c.burst },
    burst: c.burst,
    rate: c.average / c.periodS,
  })),
  fc.record({ rate: fc.integer({ min: 1, max: 50 }), burst: fc.integer({ min: 0, max: 20 }) }).map((c) => ({ raw: { algorithm: 'token-bucket', flavour: 'aws', ...c }, burst: c.burst, rate: c.rate })),
);

const nginxArb = fc.record({ rate: fc.integer({ min: 1, max: 50 }), burst: fc.integer({ min: 0, max: 10 }), mode: fc.constantFrom('delay-all', 'nodelay', 'delay-2') }).map((c) => ({
  raw: {
    algorithm: 'nginx-limit-req',
    rate: `${c.rate}r/s`,
    ...(c.burst > 0 ? { burst: c.burst } : {}),
    ...(c.mode === 'nodelay' ? { nodelay: true } : c.mode === 'delay-2' ? { delay: 2 } : {}),
  },
  burst: c.burst + 1,
  rate: c.rate,
}));

const gcraArb = fc.record({ limit: fc.integer({ min: 1, max: 20 }), periodMs: fc.constantFrom(1000, 2000, 60_000), burst: fc.integer({ min: 0, max: 10 }) }).map((c) => ({
  raw: { algorithm: 'gcra', limit: c.limit, period: `${c.periodMs}ms`, burst: c.burst },
  burst: c.burst + 1,
  rate: (c.limit * 1000) / c.periodMs,
}));

describe('rate-limit flavours through the hooks: properties', () => {
  it('§2–§5 token buckets, nginx limit_req and GCRA: the k-th request upstream at T satisfies k <= burst + rate·(T − t0); same input → same decisions', () => {
    fc.assert(
      fc.property(fc.oneof(bucketArb, nginxArb, gcraArb), schedule, (c, times) => {
        const os = run(c.raw, times);
        expect(run(c.raw, times)).toEqual(os);
        withinBound(os, c.burst, c.rate);
        // Only nginx and Traefik hold requests; nginx rejections are limit_req_status (503), the others 429.
        for (const o of os) {
          if (o.sleptMs > 0) expect(['nginx-limit-req', 'token-bucket']).toContain(c.raw.algorithm);
          if (o.status !== undefined) expect(o.status).toBe(c.raw.algorithm === 'nginx-limit-req' ? 503 : 429);
        }
      }),
      { seed, verbose: true },
    );
  });

  it('§1 windows: the sliding log admits at most `limit` in any window; the sliding-window counter at most `limit` per aligned window', () => {
    const arb = fc.record({ algorithm: fc.constantFrom('sliding-log', 'sliding-window'), limit: fc.integer({ min: 1, max: 20 }), window_size: fc.integer({ min: 1, max: 30 }), disable_penalty: fc.boolean() });
    fc.assert(
      fc.property(arb, schedule, (c, times) => {
        const raw = c.algorithm === 'sliding-log' ? { algorithm: c.algorithm, limit: c.limit, window_size: c.window_size } : c;
        const os = run(raw, times);
        expect(run(raw, times)).toEqual(os);
        const admitted = acts(os);
        const W = c.window_size * 1000;
        for (const t of admitted) {
          const n = c.algorithm === 'sliding-log' ? admitted.filter((x) => x > t - W && x <= t).length : admitted.filter((x) => Math.floor(x / W) === Math.floor(t / W)).length;
          expect(n).toBeLessThanOrEqual(c.limit);
        }
      }),
      { seed, verbose: true },
    );
  });
});
