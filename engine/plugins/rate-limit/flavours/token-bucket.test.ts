import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../../pipeline/types.ts';
import { rateLimitPlugin } from '../plugin.ts';
import { fakeContext, fakeHost, hooksForRaw, sendRequest, validRateLimitConfig } from '../test-kit.ts';

const T0 = 1_767_268_800_000; // 2026-01-01T12:00:00Z

const hooksFor = hooksForRaw;
const send = sendRequest;

const reply = (v: Verdict) => v as Extract<Verdict, { kind: 'reply' }>;

describe('rate-limit plugin, token-bucket flavours', () => {
  it('§3 Envoy local_ratelimit: max_tokens is the initial fill; no token → 429 "local_rate_limited", text/plain, no x-envoy-ratelimited', () => {
    // key: ip is Envoy with a remote_address descriptor; without a key the bucket is shared (§3 Scope).
    const hooks = hooksFor({ algorithm: 'token-bucket', flavour: 'envoy', max_tokens: 2, tokens_per_fill: 1, fill_interval: '500ms', key: 'ip' });
    expect([send(hooks, T0), send(hooks, T0)].map((r) => r.verdict.kind)).toEqual(['next', 'next']);
    const no = send(hooks, T0 + 200, fakeContext({ id: 'r-3' }));
    expect(no.verdict).toMatchObject({ kind: 'reply', status: 429, body: 'local_rate_limited' });
    expect(no.headers.get('content-type')).toBe('text/plain');
    expect(no.headers.has('x-envoy-ratelimited')).toBe(false);
    expect(no.verdict.reason).toBe('Envoy local rate limit, ip 203.0.113.7: token bucket empty: 0.4 of 2 tokens, next token in 300 ms → 429 local_rate_limited');
    expect(no.verdict.data).toMatchObject({ algorithm: 'token-bucket', flavour: 'envoy', identifier: '203.0.113.7', tokens: 0.4, capacity: 2, rate: 2, remaining: 0, nextTokenInMs: 300 });
    // Continuous refill: 300 ms later the 0.4 has become 1.0.
    expect(send(hooks, T0 + 500).verdict.kind).toBe('next');
  });

  it('§3 Envoy: status below 400 is answered as 429 (with a warning); enable_x_ratelimit_headers adds limit and remaining, no reset', () => {
    const hooks = hooksFor({ algorithm: 'token-bucket', flavour: 'envoy', max_tokens: 3, fill_interval: '1s', enable_x_ratelimit_headers: 'DRAFT_VERSION_03' });
    const ok = send(hooks, T0);
    expect(ok.headers.get('x-ratelimit-limit')).toBe('3');
    expect(ok.headers.get('x-ratelimit-remaining')).toBe('2');
    expect(ok.headers.has('x-ratelimit-reset')).toBe(false);
    const r = { items: [] as unknown[] };
    const parsed = rateLimitPlugin.parse({ algorithm: 'token-bucket', flavour: 'envoy', max_tokens: 1, fill_interval: '1s', status: 302 }, { error: () => r.items.push('e'), warn: () => r.items.push('w') });
    expect(r.items).toEqual(['w']);
    expect(parsed).toMatchObject({ status: 429 });
  });

  it('§3 Envoy before 1.31 (envoy-timer): tokens come back in whole steps every fill_interval, so half-way there is nothing yet', () => {
    const raw = { algorithm: 'token-bucket', max_tokens: 2, tokens_per_fill: 2, fill_interval: '1s' };
    const timer = hooksFor({ ...raw, flavour: 'envoy-timer', enable_x_ratelimit_headers: 'DRAFT_VERSION_03' });
    const continuous = hooksFor({ ...raw, flavour: 'envoy' });
    for (const h of [timer, continuous]) {
      send(h, T0);
      send(h, T0);
    }
    expect(send(continuous, T0 + 500).verdict.kind).toBe('next'); // 1 token refilled continuously
    const early = send(timer, T0 + 500);
    expect(early.verdict).toMatchObject({ kind: 'reply', status: 429 });
    expect(early.verdict.reason).toContain('next token in 500 ms');
    expect(early.headers.get('x-ratelimit-reset')).toBe('1');
    expect([send(timer, T0 + 1000), send(timer, T0 + 1000), send(timer, T0 + 1000)].map((r) => r.verdict.kind)).toEqual(['next', 'next', 'reply']);
  });

  it('§4 Traefik: a wait up to maxDelay = 1/(2r) is really held (a sleep effect), then forwarded; a longer one is 429 with Retry-After and X-Retry-In, and costs nothing', () => {
    const hooks = hooksFor({ algorithm: 'token-bucket', flavour: 'traefik', average: 10, period: '1s', burst: 2 });
    expect([send(hooks, T0), send(hooks, T0)].map((r) => r.sleptMs)).toEqual([0, 0]);
    const long = send(hooks, T0, fakeContext({ id: 'r-3' }));
    expect(reply(long.verdict)).toMatchObject({ status: 429, body: 'Too Many Requests' });
    expect(long.headers.get('Retry-After')).toBe('1');
    expect(long.headers.get('X-Retry-In')).toBe('100ms');
    expect(long.verdict.reason).toBe('Traefik rateLimit, ip 203.0.113.7: token bucket (0 of 2 tokens) would need a wait of 100 ms (X-Retry-In: 100ms), more than the 50 ms Traefik holds a request: 429, Retry-After 1 s');
    // 60 ms later: 0.6 tokens, a 40 ms wait — held, not refused (the 429 above cost nothing).
    const held = send(hooks, T0 + 60);
    expect(held.first.kind).toBe('wait');
    if (held.first.kind !== 'wait') throw new Error('expected a wait');
    expect(held.first.effect).toEqual({ type: 'sleep', purpose: 'traefik rateLimit reservation', ms: 40 });
    expect(held.first.reason).toContain('held 40 ms for the next one');
    expect(held.verdict.kind).toBe('next');
    expect(held.verdict.reason).toContain('the wait is over, forwarded now');
    expect(held.verdict.data).toMatchObject({ tokens: -0.4, delayMs: 40 });
  });

  it('§4 Traefik: average 0 means no limit at all (with a warning when parsed)', () => {
    const warnings: string[] = [];
    const config = rateLimitPlugin.parse({ algorithm: 'token-bucket', flavour: 'traefik', average: 0 }, { error: (_p, c) => warnings.push(c), warn: (_p, c) => warnings.push(c) });
    expect(warnings).toEqual(['GL_W_NO_EFFECT']);
    const hooks = rateLimitPlugin.create(config, { instanceId: 'x', scope: {} });
    expect(Array.from({ length: 20 }, () => send(hooks, T0).verdict.kind).every((k) => k === 'next')).toBe(true);
  });

  it('§5 AWS: rate + burst, 429 {"message":"Too Many Requests"} as JSON; unset means the account default 10,000 / 5,000', () => {
    const hooks = hooksFor({ algorithm: 'token-bucket', flavour: 'aws', rate: 5, burst: 1 });
    expect(send(hooks, T0).verdict.kind).toBe('next');
    const no = send(hooks, T0 + 100);
    expect(no.verdict).toMatchObject({ kind: 'reply', status: 429, body: '{"message":"Too Many Requests"}' });
    expect(no.headers.get('content-type')).toBe('application/json');
    expect(validRateLimitConfig({ algorithm: 'token-bucket', flavour: 'aws' })).toMatchObject({ bucket: { flavour: 'aws', rate: 10_000, burst: 5_000 } });
  });

  it('snapshot: one entry per key, dots as underscores, tokens refilled up to the instant asked (the lesson: 6 tokens at t=5)', () => {
    const hooks = hooksFor({ algorithm: 'token-bucket', flavour: 'aws', rate: 2, burst: 10, key: 'ip' });
    for (let i = 0; i < 10; i++) send(hooks, T0);
    for (let i = 0; i < 2; i++) send(hooks, T0 + 1000);
    for (let i = 0; i < 3; i++) send(hooks, T0 + 2000);
    expect(hooks.snapshot?.(fakeHost(T0 + 5000))).toEqual({ '203_0_113_7': { tokens: 6, capacity: 10 } });
    const other = fakeContext({ peerIp: '2001:db8::1' });
    send(hooks, T0 + 5000, other);
    expect(Object.keys(hooks.snapshot?.(fakeHost(T0 + 5000)) ?? {})).toEqual(['203_0_113_7', '2001:db8::1']);
  });
});
