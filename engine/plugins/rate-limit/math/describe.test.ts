import { describe, expect, it } from 'vitest';
import { describeGcra, describeLimitReq, describeSlidingLog, describeSlidingWindow, describeTokenBucket } from './describe.ts';
import { gcra } from './gcra.ts';
import { limitReqOne } from './nginx-limit-req.ts';
import { slidingLog } from './sliding-log.ts';
import { slidingWindow } from './sliding-window.ts';
import { tokenBucket, type TokenBucketState } from './token-bucket.ts';

const T0 = 1_700_000_000_000;

describe('decision sentences', () => {
  it('token bucket: empty bucket names the next token; Traefik names its wait', () => {
    const c = { flavour: 'envoy', maxTokens: 10, tokensPerFill: 2, fillIntervalMs: 1000 } as const;
    const empty: TokenBucketState = { tokens: 0, lastMs: T0, createdMs: T0 };
    expect(describeTokenBucket(tokenBucket(c, empty, T0).decision)).toBe('token bucket empty: 0 of 10 tokens, next token in 500 ms');
    expect(describeTokenBucket(tokenBucket(c, undefined, T0).decision)).toBe('token bucket had 10 of 10 tokens: admitted, 9 left');
    const t = { flavour: 'traefik', average: 10, burst: 1 } as const;
    const first = tokenBucket(t, undefined, T0);
    expect(describeTokenBucket(tokenBucket(t, first.state, T0).decision)).toBe('token bucket (0 of 1 tokens) would need a wait of 100 ms (X-Retry-In: 100ms), more than the 50 ms Traefik holds a request: 429, Retry-After 1 s');
    expect(describeTokenBucket(tokenBucket(t, first.state, T0 + 60).decision)).toBe('token bucket short of a token (0.6 of 1 tokens): held 40 ms for the next one, then admitted');
  });

  it('nginx, sliding window, sliding log and GCRA', () => {
    const z = { zone: 'one', rateMilli: 10_000, burst: 5, delay: 0 };
    const a = limitReqOne(z, 'k', undefined, T0);
    expect(describeLimitReq(a.decision)).toBe('limit_req: first request of this key, passed');
    expect(describeLimitReq(limitReqOne(z, 'k', a.node, T0).decision)).toBe('limit_req zone "one": excess 1 — delayed 100 ms to keep the rate');
    expect(describeLimitReq(limitReqOne(z, 'k', { excess: 5000, last: T0 }, T0).decision)).toBe('limit_req zone "one": excess 6 is over the burst — rejected');
    const sw = slidingWindow({ limit: 2, windowMs: 1000 }, { windowStartMs: T0, current: 2, previous: 0 }, T0 + 10);
    expect(describeSlidingWindow(sw.decision)).toBe('sliding window: estimate 2 = 2 + 0 × 0.99 reaches the limit of 2 — rejected (and counted: the penalty), retry in 1324 ms');
    expect(describeSlidingLog(slidingLog({ limit: 1, windowMs: 1000 }, { log: [T0] }, T0 + 400).decision)).toBe('sliding log: 1 of 1 in the last window — rejected, a slot frees in 600 ms');
    expect(describeGcra(gcra({ limit: 10, periodMs: 1000, burst: 1 }, undefined, T0).decision)).toBe('GCRA: 0 ms ahead of schedule, within the 100 ms tolerance — admitted, 1 more fit now');
  });
});
