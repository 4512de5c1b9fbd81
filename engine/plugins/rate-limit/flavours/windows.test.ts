import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../../../pipeline/headers.ts';
import type { PluginHooks, Verdict } from '../../../pipeline/types.ts';
import { fakeContext, fakeHost, hooksForRaw as hooksFor, sendRequest as send } from '../test-kit.ts';

const T0 = 1_767_268_800_000; // a multiple of 60 s: 12:00:00
const SW = { algorithm: 'sliding-window', limit: 100, window_size: 60 };

const admittedOf = (hooks: PluginHooks, n: number, at: number): Verdict[] => Array.from({ length: n }, () => send(hooks, at).verdict);
const passed = (vs: Verdict[]): number => vs.filter((v) => v.kind === 'next').length;

describe('rate-limit plugin, sliding-window flavour (Kong rate-limiting-advanced)', () => {
  it('§1 the lesson: 80 in the previous window, a burst of 100 half-way → weighted count 40, 60 admitted with ≥ (61 with >)', () => {
    for (const [reject, expected] of [['gte', 60], ['gt', 61]] as const) {
      const hooks = hooksFor({ ...SW, reject });
      expect(passed(admittedOf(hooks, 80, T0 + 10_000))).toBe(80);
      const burst = admittedOf(hooks, 100, T0 + 90_000);
      expect(passed(burst)).toBe(expected);
      expect(burst[0]?.reason).toBe('Kong Advanced sliding window of 60 s, ip 203.0.113.7: estimate 40 = 0 + 80 × 0.5, under the limit of 100 — admitted');
      // Remaining counts what still fits after this request, by the same rule.
      expect(burst[0]?.data).toMatchObject({ algorithm: 'sliding-window', window: 60, limit: 100, estimate: 40, current: 0, previous: 80, previousWeight: 0.5, remaining: expected - 1 });
    }
  });

  it('§1 headers like Kong Advanced: X-RateLimit-Limit-<window_size>, -Remaining-, RateLimit-*; a 429 adds Retry-After and Kong’s error body', () => {
    const hooks = hooksFor({ algorithm: 'sliding-window', limit: 3, window_size: 30 });
    const first = send(hooks, T0 + 1000);
    expect(first.headers.toJSON()).toEqual({ 'x-ratelimit-limit-30': '3', 'x-ratelimit-remaining-30': '2', 'ratelimit-limit': '3', 'ratelimit-remaining': '2', 'ratelimit-reset': '29' });
    send(hooks, T0 + 1000);
    send(hooks, T0 + 1000);
    const no = send(hooks, T0 + 1000, fakeContext({ id: 'r-4' }));
    expect(no.verdict).toMatchObject({ kind: 'reply', status: 429, body: '{"message":"API rate limit exceeded","request_id":"r-4"}' });
    // Penalty: the refused request counts (4 in the window), so the estimate 4 × (30 − e)/30 must fall
    // under 3: e > 7.5 s into the next window, 29 s + 7.501 s from now → Retry-After 37 (Kong's own
    // example shows 38 for the same config, one second earlier in the window).
    expect(no.headers.get('Retry-After')).toBe('37');
    expect(no.headers.get('RateLimit-Reset')).toBe('37');
    expect(no.headers.get('X-RateLimit-Remaining-30')).toBe('0');
  });

  it('§1 penalty: by default refused requests are counted, so a client that keeps retrying stays out; disable_penalty lets the fading window readmit it', () => {
    const run = (raw: Record<string, unknown>) => {
      const hooks = hooksFor(raw);
      admittedOf(hooks, 12, T0);
      // Next window, one request a second: with the penalty the previous window holds 12, without it 10.
      return Array.from({ length: 10 }, (_, i) => send(hooks, T0 + 60_000 + i * 1000).verdict.kind);
    };
    const raw = { algorithm: 'sliding-window', limit: 10, window_size: 60 };
    expect(run(raw).filter((k) => k === 'next')).toHaveLength(0);
    // Without it: at 1 s, 0 + 10 × 59/60 = 9.83 fits; at 7 s, 1 + 10 × 53/60 = 9.83 fits again.
    expect(run({ ...raw, disable_penalty: true })).toEqual(['reply', 'next', 'reply', 'reply', 'reply', 'reply', 'reply', 'next', 'reply', 'reply']);
    const hooks = hooksFor({ ...raw, disable_penalty: true });
    admittedOf(hooks, 12, T0);
    // Half-way through the next window, 10 × 0.5 = 5: five fit.
    expect(passed(admittedOf(hooks, 8, T0 + 90_000))).toBe(5);
  });

  it('§1 window_type fixed: the previous window has no weight — the boundary burst is back', () => {
    const hooks = hooksFor({ algorithm: 'sliding-window', limit: 100, window_size: 60, window_type: 'fixed' });
    expect(passed(admittedOf(hooks, 100, T0 + 59_000))).toBe(100);
    const second = admittedOf(hooks, 101, T0 + 61_000);
    expect(passed(second)).toBe(100);
    expect(second[100]?.reason).toContain('fixed window: 100 of 100 counted, the limit is reached — rejected (and counted: the penalty)');
  });

  it('§1 several windows (Kong writes lists): every window must admit, headers for each, the refusing one decides', () => {
    const hooks = hooksFor({ algorithm: 'sliding-window', limit: [2, 3], window_size: [1, 60] });
    const r = [send(hooks, T0), send(hooks, T0), send(hooks, T0)];
    expect(r.map((x) => x.verdict.kind)).toEqual(['next', 'next', 'reply']);
    expect(r[0]?.headers.get('X-RateLimit-Remaining-1')).toBe('1');
    expect(r[0]?.headers.get('X-RateLimit-Remaining-60')).toBe('2');
    expect(r[2]?.verdict.reason).toContain('window of 1 s');
    expect(r[2]?.verdict.reason).toContain('the tightest of 2 windows');
    // A second later the 1 s window is clear but the minute has 3 counted (penalty included).
    expect(send(hooks, T0 + 1000).verdict.reason).toContain('window of 60 s');
  });

  it('snapshot: per key (dots as underscores) current, previous, estimate and limit at the instant asked', () => {
    const hooks = hooksFor(SW);
    admittedOf(hooks, 80, T0 + 10_000);
    expect(hooks.snapshot?.(fakeHost(T0 + 90_000))).toEqual({ '203_0_113_7': { current: 0, previous: 80, estimate: 40, limit: 100 } });
  });
});

describe('rate-limit plugin, sliding-log and GCRA flavours', () => {
  it('sliding log: at most `limit` in any window_size; a slot frees when the oldest entry is window_size old', () => {
    const hooks = hooksFor({ algorithm: 'sliding-log', limit: 2, window_size: 10 });
    expect([send(hooks, T0), send(hooks, T0 + 4000)].map((r) => r.verdict.kind)).toEqual(['next', 'next']);
    const no = send(hooks, T0 + 9000);
    expect(no.verdict).toMatchObject({ kind: 'reply', status: 429, data: { count: 2, limit: 2, remaining: 0, retryAfterMs: 1000 } });
    expect(no.headers.get('Retry-After')).toBe('1');
    expect(send(hooks, T0 + 10_000).verdict.kind).toBe('next');
    expect(hooks.snapshot?.(fakeHost(T0 + 10_000))).toEqual({ '203_0_113_7': { count: 2, limit: 2 } });
  });

  it('GCRA: burst + 1 at once, then one per emission interval; headers say what is left', () => {
    const hooks = hooksFor({ algorithm: 'gcra', limit: 10, period: '1s', burst: 2 });
    const r = [send(hooks, T0), send(hooks, T0), send(hooks, T0), send(hooks, T0)];
    expect(r.map((x) => x.verdict.kind)).toEqual(['next', 'next', 'next', 'reply']);
    expect(r[0]?.headers.get('X-RateLimit-Remaining')).toBe('2');
    expect(r[3]?.verdict).toMatchObject({ status: 429, data: { retryAfterMs: 100, remaining: 0 } });
    expect(send(hooks, T0 + 100).verdict.kind).toBe('next');
  });

  it('key: header:<name>, consumer (falling back to the client IP) and global', () => {
    const byHeader = hooksFor({ algorithm: 'gcra', limit: 1, period: '1m', key: 'header:X-Api-Key' });
    const k = (v: string) => fakeContext({ headers: new HeaderMap({ 'x-api-key': v }) });
    expect([send(byHeader, T0, k('a')), send(byHeader, T0, k('b')), send(byHeader, T0, k('a'))].map((r) => r.verdict.kind)).toEqual(['next', 'next', 'reply']);
    const byConsumer = hooksFor({ algorithm: 'gcra', limit: 1, period: '1m', key: 'consumer' });
    const anon = send(byConsumer, T0);
    expect(anon.verdict.reason).toContain('ip 203.0.113.7 (no consumer on this request, so the client IP)');
    const global = hooksFor({ algorithm: 'gcra', limit: 1, period: '1m', key: 'global' });
    expect([send(global, T0, fakeContext({ peerIp: '10.0.0.1' })), send(global, T0, fakeContext({ peerIp: '10.0.0.2' }))].map((r) => r.verdict.kind)).toEqual(['next', 'reply']);
  });
});
