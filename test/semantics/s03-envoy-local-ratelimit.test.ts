/** Semantics §3 (Envoy local rate limit): the continuous bucket never holds more than max_tokens. */
import { describe, expect, it } from 'vitest';
import { tokenBucket, type TokenBucketConfig, type TokenBucketState } from '../../engine/plugins/rate-limit/math/token-bucket.ts';

const T0 = 1_767_268_800_000;

function admitted(config: TokenBucketConfig, times: number[]): boolean[] {
  let state: TokenBucketState | undefined;
  return times.map((t) => {
    const r = tokenBucket(config, state, t);
    state = r.state;
    return r.decision.allowed;
  });
}

describe('semantics §3 Envoy local_ratelimit', () => {
  it('§3 tokens accrue at tokens_per_fill / fill_interval but are capped at max_tokens: an hour idle still gives only max_tokens at once', () => {
    const c: TokenBucketConfig = { flavour: 'envoy', maxTokens: 3, tokensPerFill: 1, fillIntervalMs: 1000 };
    const hourLater = T0 + 3_600_000;
    expect(admitted(c, [T0, T0, T0, T0, hourLater, hourLater, hourLater, hourLater])).toEqual([true, true, true, false, true, true, true, false]);
  });

  it('§3 allowed iff ≥ 1 token: half a fill interval after emptying there is half a token (refused, costs nothing); a full interval later, one', () => {
    const c: TokenBucketConfig = { flavour: 'envoy', maxTokens: 1, tokensPerFill: 1, fillIntervalMs: 1000 };
    expect(admitted(c, [T0, T0 + 500, T0 + 999, T0 + 1000])).toEqual([true, false, false, true]);
  });
});
