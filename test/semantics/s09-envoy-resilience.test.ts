/** Semantics §9 (Envoy route defaults): num_retries is 1 once a retry policy is set. */
import { describe, expect, it } from 'vitest';
import { envoyRetryPolicy } from '../../engine/upstream/retry.ts';

describe('semantics §9 Envoy retry policy defaults', () => {
  it('§9 a retry policy without num_retries retries once', () => {
    expect(envoyRetryPolicy().numRetries).toBe(1);
    expect(envoyRetryPolicy({ numRetries: 3 }).numRetries).toBe(3);
  });
});
