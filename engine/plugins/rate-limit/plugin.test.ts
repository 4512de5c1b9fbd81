import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../../pipeline/headers.ts';
import type { GatewayResponse, PluginHooks, RequestContext, Verdict } from '../../pipeline/types.ts';
import type { ConsumerIR, ServiceIR, RouteIR } from '../../config/ir.ts';
import { findPlugin, findVendorPlugin } from '../index.ts';
import { rateLimitPlugin } from './plugin.ts';
import { epochMsOfCivil } from './math/utc-calendar.ts';
import { fakeContext, fakeHost, FakeStore, settle, validConfig } from './test-kit.ts';

const at = (h: number, m: number, s: number, ms = 0): number => epochMsOfCivil(2026, 1, 1) + ((h * 60 + m) * 60 + s) * 1000 + ms;
const ZERO = '00000000-0000-0000-0000-000000000000';

function hooksFor(raw: Record<string, unknown>, scope: { route?: string; service?: string } = {}): PluginHooks {
  return rateLimitPlugin.create(validConfig(raw), { instanceId: 'rl-1', scope });
}

/** Runs access (+ response for admitted requests) like the pipeline does; returns the verdict and the client's headers. */
function send(hooks: PluginHooks, nowMs: number, ctx: RequestContext = fakeContext(), replica = 'gw-0'): { verdict: Verdict; ctx: RequestContext; headers: HeaderMap } {
  const host = fakeHost(nowMs, replica);
  const verdict = hooks.access?.(ctx, host) as Verdict;
  if (verdict.kind === 'reply') return { verdict, ctx, headers: new HeaderMap(verdict.headers ?? []) };
  const response: GatewayResponse = { status: 200, headers: new HeaderMap([['Content-Type', 'text/plain']]), source: 'upstream' };
  ctx.response = response;
  hooks.response?.(ctx, host);
  return { verdict, ctx, headers: response.headers };
}

describe('Kong rate-limiting plugin', () => {
  it('is registered as rate-limit, priority 910, and is what Kong’s rate-limiting maps to', () => {
    expect(findPlugin('rate-limit')).toBe(rateLimitPlugin);
    expect(findVendorPlugin('kong', 'rate-limiting')).toBe(rateLimitPlugin);
    expect(rateLimitPlugin.priority).toBe(910);
  });

  it('§1 Kong 100/minute: 100 admitted at 12:00:59, the 101st gets 429 with Kong’s body and headers, 100 more admitted at 12:01:01', () => {
    const hooks = hooksFor({ minute: 100, limit_by: 'ip' });
    const first = Array.from({ length: 100 }, () => send(hooks, at(12, 0, 59)));
    expect(first.every((r) => r.verdict.kind === 'next')).toBe(true);
    expect(first[0]?.headers.get('X-RateLimit-Remaining-Minute')).toBe('99');
    expect(first[99]?.headers.get('X-RateLimit-Remaining-Minute')).toBe('0');
    expect(first[99]?.headers.get('RateLimit-Reset')).toBe('1');
    expect(first[99]?.headers.get('Content-Type')).toBe('text/plain');

    const rejected = send(hooks, at(12, 0, 59, 500), fakeContext({ id: 'burster-101' }));
    expect(rejected.verdict).toMatchObject({ kind: 'reply', status: 429 });
    const v = rejected.verdict as Extract<Verdict, { kind: 'reply' }>;
    expect(v.body).toBe('{\n  "message":"API rate limit exceeded",\n  "request_id":"burster-101"\n}');
    expect(v.headers).toEqual([
      ['X-RateLimit-Limit-Minute', '100'],
      ['X-RateLimit-Remaining-Minute', '0'],
      ['RateLimit-Limit', '100'],
      ['RateLimit-Remaining', '0'],
      ['RateLimit-Reset', '1'],
      ['Retry-After', '1'],
      ['Content-Type', 'application/json; charset=utf-8'],
    ]);
    expect(v.reason).toBe('minute window 12:00:00–12:01:00: 100 of 100 used by ip 203.0.113.7 — limit reached, 429; Retry-After 1 s (local policy: counters of replica gw-0 only)');
    expect(v.data).toMatchObject({ period: 'minute', limit: 100, usage: 100, remaining: 0, identifier: '203.0.113.7', windowStart: at(12, 0, 0) });

    const second = Array.from({ length: 100 }, () => send(hooks, at(12, 1, 1)));
    expect(second.every((r) => r.verdict.kind === 'next')).toBe(true);
    expect(second[0]?.headers.get('X-RateLimit-Remaining-Minute')).toBe('99');
    expect(second[0]?.verdict.reason).toBe('minute window 12:01:00–12:02:00: 1 of 100 used by ip 203.0.113.7 with this request, 99 remaining (local policy: counters of replica gw-0 only)');
    expect(send(hooks, at(12, 1, 2)).verdict.kind).toBe('reply');
  });

  it('§1 Kong: hide_client_headers drops every rate-limit header, Retry-After included; error_code and error_message are used', () => {
    const hooks = hooksFor({ second: 1, limit_by: 'ip', hide_client_headers: true, error_code: 503, error_message: 'slow down' });
    const ok = send(hooks, at(9, 0, 0));
    expect(ok.headers.names()).toEqual(['content-type']);
    const no = send(hooks, at(9, 0, 0, 400), fakeContext({ id: 'r-2' }));
    expect(no.verdict).toMatchObject({ kind: 'reply', status: 503, body: '{\n  "message":"slow down",\n  "request_id":"r-2"\n}', headers: [['Content-Type', 'application/json; charset=utf-8']] });
  });

  it('§1 Kong: the 429 body follows Accept (kong.response.error), the rate-limit headers stay; the 500 of a failed store follows it too (kong/error_handlers.lua)', () => {
    const hooks = hooksFor({ second: 1, limit_by: 'ip' });
    send(hooks, at(9, 0, 0));
    const html = send(hooks, at(9, 0, 0, 400), fakeContext({ id: 'r-3', headers: new HeaderMap([['Accept', 'text/html,application/xhtml+xml,*/*;q=0.8']]) }));
    const v = html.verdict as Extract<Verdict, { kind: 'reply' }>;
    expect(v.status).toBe(429);
    expect(v.body).toContain('<p>API rate limit exceeded.</p>\n    <p>request_id: r-3</p>');
    expect(html.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('Retry-After')).toBe('1');
    const plain = send(hooks, at(9, 0, 0, 500), fakeContext({ id: 'r-4', headers: new HeaderMap([['Accept', 'text/*']]) }));
    expect((plain.verdict as Extract<Verdict, { kind: 'reply' }>).body).toBe('API rate limit exceeded\nrequest_id: r-4\n');

    const store = new FakeStore();
    store.down = true;
    const failing = hooksFor({ minute: 5, limit_by: 'ip', policy: 'redis', redis: { host: 'redis' }, fault_tolerant: false });
    const ctx = fakeContext({ id: 'r-5', headers: new HeaderMap([['Accept', 'text/html']]) });
    const broken = settle(failing.access?.(ctx, fakeHost(at(9, 0, 0))) as Verdict, store, at(9, 0, 0)).verdict;
    expect(broken).toMatchObject({ kind: 'reply', status: 500, headers: [['Content-Type', 'text/html; charset=utf-8']] });
    expect((broken as Extract<Verdict, { kind: 'reply' }>).body).toContain('<p>An unexpected error occurred.</p>\n    <p>request_id: r-5</p>');
  });

  it('§1 Kong identifier: consumer → credential → client IP; header, path and service fall back to the IP too', () => {
    const consumer: ConsumerIR = { id: 'c-1', groups: [], credentials: [] };
    const service = { id: 'svc-1', name: 'orders' } as ServiceIR;
    const byConsumer = hooksFor({ second: 1 });
    expect(send(byConsumer, at(8, 0, 0), fakeContext({}, { consumer })).verdict.data?.identifier).toBe('c-1');
    expect(send(byConsumer, at(8, 0, 0), fakeContext({}, { credentialId: 'cred-9' })).verdict.data?.identifier).toBe('cred-9');
    const anon = send(byConsumer, at(8, 0, 0));
    expect(anon.verdict.data?.identifier).toBe('203.0.113.7');
    expect(anon.verdict.reason).toContain('no consumer on this request, so the client IP');

    const byHeader = hooksFor({ second: 5, limit_by: 'header', header_name: 'X-Api-Key' });
    expect(send(byHeader, at(8, 0, 1), fakeContext({ headers: new HeaderMap({ 'x-api-key': 'k1' }) })).verdict.data?.identifier).toBe('k1');
    expect(send(byHeader, at(8, 0, 1)).verdict.data?.identifier).toBe('203.0.113.7');

    const byPath = hooksFor({ second: 5, limit_by: 'path', path: '/api/orders' });
    expect(send(byPath, at(8, 0, 2)).verdict.data?.identifier).toBe('/api/orders');
    expect(send(byPath, at(8, 0, 2), fakeContext({ path: '/api/orders/1' })).verdict.data?.identifier).toBe('203.0.113.7');

    const byService = hooksFor({ second: 5, limit_by: 'service' });
    const match = { route: {} as RouteIR, service, reason: '' };
    expect(send(byService, at(8, 0, 3), fakeContext({}, { match })).verdict.data?.identifier).toBe('svc-1');
    expect(send(byService, at(8, 0, 3)).verdict.data?.identifier).toBe('203.0.113.7');
  });

  it('§1 Kong local policy: each replica counts alone, so 2 replicas admit 2 × limit', () => {
    const hooks = hooksFor({ minute: 3, limit_by: 'ip' });
    const results = ['gw-0', 'gw-1'].flatMap((replica) => Array.from({ length: 4 }, () => send(hooks, at(10, 0, 5), fakeContext(), replica).verdict.kind));
    expect(results).toEqual(['next', 'next', 'next', 'reply', 'next', 'next', 'next', 'reply']);
    expect(hooks.snapshot?.(fakeHost(at(10, 0, 30), 'gw-1'))).toEqual({ '203_0_113_7': { minute: { windowStart: at(10, 0, 0), count: 3 } } });
    expect(hooks.snapshot?.(fakeHost(at(10, 1, 0), 'gw-1'))).toEqual({});
  });

  it('§1 Kong redis (sync_rate -1): a store round trip that INCRs every period, with relative TTLs and the plugin-scope key', () => {
    const hooks = hooksFor({ second: 5, minute: 100, limit_by: 'ip', policy: 'redis', redis: { host: 'redis' } }, { route: 'route-1' });
    const v = hooks.access?.(fakeContext(), fakeHost(at(12, 0, 30, 250))) as Verdict;
    expect(v.kind).toBe('wait');
    if (v.kind !== 'wait' || v.effect.type !== 'store') throw new Error('expected a store wait');
    expect(v.effect.ops).toEqual([
      { op: 'incr', key: `ratelimit:route-1:${ZERO}:203.0.113.7:${at(12, 0, 30)}:second`, by: 1, ttlMs: 1000 },
      { op: 'incr', key: `ratelimit:route-1:${ZERO}:203.0.113.7:${at(12, 0, 0)}:minute`, by: 1, ttlMs: 60_000 },
    ]);
    // INCR returns the count including this request; Kong's usage is that minus one.
    expect(v.resume({ ok: true, values: [3, 41] })).toMatchObject({ kind: 'next', data: { period: 'second', usage: 2, remaining: 2 } });
    expect(v.resume({ ok: true, values: [1, 99] })).toMatchObject({ kind: 'next', data: { period: 'minute', usage: 98, remaining: 1 } });
    const no = v.resume({ ok: true, values: [6, 41] });
    expect(no).toMatchObject({ kind: 'reply', status: 429, data: { period: 'second', usage: 5 } });
  });

  it('§1 Kong redis: a request rejected by `second` still consumes `minute` quota in Redis', () => {
    const hooks = hooksFor({ second: 2, minute: 100, limit_by: 'ip', policy: 'redis', redis: { host: 'redis' } });
    const store = new FakeStore();
    const now = at(12, 0, 30);
    const kinds = Array.from({ length: 5 }, () => settle(hooks.access?.(fakeContext(), fakeHost(now)) as Verdict, store, now).verdict.kind);
    expect(kinds).toEqual(['next', 'next', 'reply', 'reply', 'reply']);
    expect(store.value(`ratelimit:${ZERO}:${ZERO}:203.0.113.7:${at(12, 0, 0)}:minute`)).toBe(5);
    expect(hooks.snapshot?.(fakeHost(now))).toEqual({ '203_0_113_7': { second: { windowStart: now, count: 5 }, minute: { windowStart: at(12, 0, 0), count: 5 } } });
  });

  it('§1 Kong global plugin: one counter per identifier across routes (the all-zero scope)', () => {
    const hooks = hooksFor({ minute: 2, limit_by: 'ip' });
    const a = fakeContext({ path: '/a' });
    const b = fakeContext({ path: '/b' });
    expect([send(hooks, at(7, 0, 0), a), send(hooks, at(7, 0, 0), b), send(hooks, at(7, 0, 0), a)].map((r) => r.verdict.kind)).toEqual(['next', 'next', 'reply']);
  });

  it('§1 Kong fault_tolerant: a failed store → proxied without limit and without headers; off → 500', () => {
    const tolerant = hooksFor({ minute: 1, limit_by: 'ip', policy: 'redis', redis: { host: 'redis' } });
    const ctx = fakeContext();
    const v = tolerant.access?.(ctx, fakeHost(at(6, 0, 0))) as Verdict;
    if (v.kind !== 'wait') throw new Error('expected wait');
    const skipped = v.resume({ ok: false, error: 'connection refused' });
    expect(skipped.kind).toBe('next');
    expect(skipped.reason).toContain('limit is skipped');
    expect(ctx.vars['rate-limit']).toEqual({ lines: [], note: 'no rate-limit headers: the limit was skipped after a counter-store error' });

    const strict = hooksFor({ minute: 1, limit_by: 'ip', policy: 'redis', redis: { host: 'redis' }, fault_tolerant: false });
    const w = strict.access?.(fakeContext({ id: 'r-500' }), fakeHost(at(6, 0, 0))) as Verdict;
    if (w.kind !== 'wait') throw new Error('expected wait');
    // Kong's error handler with neither Accept nor Content-Type: error_default_type, text/plain.
    expect(w.resume({ ok: false, error: 'timeout' })).toMatchObject({
      kind: 'reply',
      status: 500,
      body: 'An unexpected error occurred\nrequest_id: r-500\n',
    });
  });

  it('§1 Kong redis with sync_rate: replicas count locally between syncs, so two replicas overshoot the shared limit', () => {
    const hooks = hooksFor({ minute: 10, limit_by: 'ip', policy: 'redis', redis: { host: 'redis' }, sync_rate: 1 });
    const store = new FakeStore();
    const run = (replica: string, nowMs: number) => settle(hooks.access?.(fakeContext(), fakeHost(nowMs, replica)) as Verdict, store, nowMs);
    const t = at(12, 0, 10);
    const a = Array.from({ length: 12 }, () => run('gw-0', t));
    expect(a[0]?.effects).toEqual([[{ op: 'get', key: `ratelimit:${ZERO}:${ZERO}:203.0.113.7:${at(12, 0, 0)}:minute` }]]);
    expect(a.slice(1).every((r) => r.effects.length === 0)).toBe(true); // no round trip between syncs
    expect(a.filter((r) => r.verdict.kind === 'next')).toHaveLength(10);
    const b = Array.from({ length: 12 }, () => run('gw-1', t + 100));
    expect(b.filter((r) => r.verdict.kind === 'next')).toHaveLength(10); // gw-0 has not flushed yet: 20 admitted in all
    // One second after its first count gw-0 flushes its 10 and reads the shared total back.
    const flush = run('gw-0', t + 1000);
    const key = `ratelimit:${ZERO}:${ZERO}:203.0.113.7:${at(12, 0, 0)}:minute`;
    expect(flush.effects).toEqual([[{ op: 'incr', key, by: 10, ttlMs: 49_000 }]]); // EXPIREAT window start + 60 s, as a relative TTL
    expect(flush.verdict.kind).toBe('reply');
    expect(store.value(key)).toBe(10);
    expect(hooks.snapshot?.(fakeHost(t + 1000, 'gw-0'))).toEqual({ '203_0_113_7': { minute: { windowStart: at(12, 0, 0), count: 10 } } });
  });
});
