/**
 * Semantics §5 (AWS API Gateway throttling) through the `aws` token-bucket flavour: the account
 * default bucket as behaviour (not only as parsed numbers), and that a refused request costs nothing.
 */
import { describe, expect, it } from 'vitest';
import { hooksForRaw, sendRequest } from '../test-kit.ts';

const T0 = 1_767_268_800_000; // 2026-01-01T12:00:00Z

describe('semantics §5 AWS throttling: the aws token bucket', () => {
  it('§5 left unset, the bucket is the account default per Region: 5,000 at once (burst), the 5,001st is 429, then 10,000 per second', () => {
    const hooks = hooksForRaw({ algorithm: 'token-bucket', flavour: 'aws' });
    const first = Array.from({ length: 5001 }, () => sendRequest(hooks, T0).verdict.kind);
    expect(first.filter((k) => k === 'next')).toHaveLength(5000);
    expect(first[5000]).toBe('reply');
    // 10,000 RPS: one token every 0.1 ms, so 1 ms later ten more pass and the eleventh does not.
    const later = Array.from({ length: 11 }, () => sendRequest(hooks, T0 + 1).verdict.kind);
    expect(later).toEqual([...Array<string>(10).fill('next'), 'reply']);
  });

  it('§5 429 Too Many Requests answers cost nothing: hammering an empty bucket does not delay its refill', () => {
    const hooks = hooksForRaw({ algorithm: 'token-bucket', flavour: 'aws', rate: 2, burst: 1 });
    expect(sendRequest(hooks, T0).verdict.kind).toBe('next');
    for (let t = 1; t < 500; t += 50) expect(sendRequest(hooks, T0 + t).verdict).toMatchObject({ kind: 'reply', status: 429 });
    expect(sendRequest(hooks, T0 + 500).verdict.kind).toBe('next');
  });
});
