import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../../pipeline/headers.ts';
import type { PluginHooks, RequestContext, StoreOp, Verdict } from '../../pipeline/types.ts';
import { collectingReporter, fakeContext, fakeHost, FakeStore } from '../rate-limit/test-kit.ts';
import { responseRatelimitingPlugin } from './plugin.ts';

const T0 = Date.parse('2026-01-01T12:00:05Z');

function hooksFor(raw: Record<string, unknown>, scope = {}): PluginHooks {
  const r = collectingReporter();
  const config = responseRatelimitingPlugin.parse(raw, r);
  const errors = r.items.filter((i) => i.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((e) => e.message).join('; '));
  return responseRatelimitingPlugin.create(config, { instanceId: 'rrl-1', scope });
}

interface Exchange {
  access: Verdict;
  response?: Verdict;
  ctx: RequestContext;
  /** Store effects in order, access and response alike. */
  effects: StoreOp[][];
  /** What the client gets: the reply's headers, or the upstream response as the hook left it. */
  status: number;
  headers: HeaderMap;
  body?: string;
}

/** One request: access (store effects answered by `store`), a scripted upstream answer, the response hook. */
function exchange(hooks: PluginHooks, nowMs: number, opts: { upstream?: Array<[string, string]>; store?: FakeStore; ctx?: RequestContext; replica?: string } = {}): Exchange {
  const ctx = opts.ctx ?? fakeContext();
  const host = fakeHost(nowMs, opts.replica);
  const store = opts.store ?? new FakeStore();
  const effects: StoreOp[][] = [];
  const settle = (first: Verdict): Verdict => {
    let v = first;
    while (v.kind === 'wait') {
      if (v.effect.type !== 'store') throw new Error(`unexpected ${v.effect.type} effect`);
      effects.push(v.effect.ops);
      v = v.resume(store.apply(v.effect.ops, nowMs));
    }
    return v;
  };
  const access = settle(hooks.access?.(ctx, host) as Verdict);
  if (access.kind === 'reply') return { access, ctx, effects, status: access.status, headers: new HeaderMap(access.headers ?? []), body: access.body };
  ctx.response = { status: 200, headers: new HeaderMap([['content-type', 'application/json'], ['x-upstream', 'echo'], ...(opts.upstream ?? [])]), body: '{"ok":true}', source: 'upstream' };
  const response = settle(hooks.response?.(ctx, host) as Verdict);
  if (response.kind === 'reply') return { access, response, ctx, effects, status: response.status, headers: new HeaderMap(response.headers ?? []), body: response.body };
  return { access, response, ctx, effects, status: ctx.response.status, headers: ctx.response.headers, body: ctx.response.body };
}

const limit = (value: string): Array<[string, string]> => [['x-kong-limit', value]];

describe('kong/plugins/response-ratelimiting (local policy)', () => {
  it('access.lua + header_filter.lua: counts the units the upstream reports, not requests', () => {
    const hooks = hooksFor({ limits: { video: { minute: 10 } } });
    const shown = [1, 2, 3, 4].map(() => exchange(hooks, T0, { upstream: limit('video=3') }).headers.get('x-ratelimit-remaining-video-minute'));
    expect(shown).toEqual(['7', '4', '1', '0']);
    // The fourth took usage to 12: the limit was crossed by a response that still went through.
    const fifth = exchange(hooks, T0, { upstream: limit('video=3') });
    expect(fifth.status).toBe(429);
    expect(fifth.ctx.upstream.headers.get('x-ratelimit-remaining-video')).toBe('-2');
  });

  it('header_filter.lua: the 429 replaces the upstream answer with an empty body, keeping its headers and the usage headers', () => {
    const hooks = hooksFor({ limits: { video: { minute: 2 } } });
    exchange(hooks, T0, { upstream: limit('video=2') });
    const x = exchange(hooks, T0, { upstream: limit('video=1') });
    expect(x.access.kind).toBe('next');
    expect(x.response?.kind).toBe('reply');
    expect(x.status).toBe(429);
    expect(x.body).toBe('');
    expect(x.headers.get('content-length')).toBe('0');
    expect(x.headers.get('x-upstream')).toBe('echo');
    expect(x.headers.get('x-ratelimit-limit-video-minute')).toBe('2');
    expect(x.headers.get('x-ratelimit-remaining-video-minute')).toBe('0');
    expect(x.headers.has('x-kong-limit')).toBe(false);
  });

  it('a response that asks for nothing passes even when the quota is spent', () => {
    const hooks = hooksFor({ limits: { video: { minute: 1 } } });
    exchange(hooks, T0, { upstream: limit('video=1') });
    expect(exchange(hooks, T0).status).toBe(200);
    expect(exchange(hooks, T0, { upstream: limit('video=0') }).status).toBe(200);
    expect(exchange(hooks, T0, { upstream: limit('video=1') }).status).toBe(429);
  });

  it('header_filter.lua: removes header_name before the client sees it; sets the usage headers', () => {
    const hooks = hooksFor({ limits: { video: { minute: 10, hour: 40 } }, header_name: 'X-Cost' });
    const x = exchange(hooks, T0, { upstream: [['x-cost', 'video=2']] });
    expect(x.headers.has('x-cost')).toBe(false);
    expect(x.headers.list().filter(([n]) => n.startsWith('X-RateLimit'))).toEqual([
      ['X-RateLimit-Limit-video-minute', '10'],
      ['X-RateLimit-Remaining-video-minute', '8'],
      ['X-RateLimit-Limit-video-hour', '40'],
      ['X-RateLimit-Remaining-video-hour', '38'],
    ]);
    expect(x.ctx.upstream.headers.get('X-RateLimit-Remaining-video')).toBe('10');
  });

  it('kong.service.response.get_header: only the first x-kong-limit line counts', () => {
    const hooks = hooksFor({ limits: { video: { minute: 10 } } });
    exchange(hooks, T0, { upstream: [['x-kong-limit', 'video=1'], ['x-kong-limit', 'video=5']] });
    expect(exchange(hooks, T0).headers.get('x-ratelimit-remaining-video-minute')).toBe('9');
  });

  it('malformed x-kong-limit values are ignored: nothing counted, the header still removed', () => {
    const hooks = hooksFor({ limits: { video: { minute: 10 } } });
    const x = exchange(hooks, T0, { upstream: limit('video=two, videos=1, video') });
    expect(x.headers.has('x-kong-limit')).toBe(false);
    expect(x.response?.reason).toMatch(/ignored/);
    expect(exchange(hooks, T0).headers.get('x-ratelimit-remaining-video-minute')).toBe('10');
  });

  it('negative units refund, fractional units count (shm:incr takes floats)', () => {
    const hooks = hooksFor({ limits: { video: { minute: 10 } } });
    exchange(hooks, T0, { upstream: limit('video=5') });
    exchange(hooks, T0, { upstream: limit('video=-2') });
    exchange(hooks, T0, { upstream: limit('video=0.5') });
    expect(exchange(hooks, T0).headers.get('x-ratelimit-remaining-video-minute')).toBe('6.5');
  });

  it('calendar windows: the minute counter starts again at :00 of the next minute; the hour keeps counting', () => {
    const hooks = hooksFor({ limits: { video: { minute: 2, hour: 100 } } });
    exchange(hooks, T0, { upstream: limit('video=2') });
    expect(exchange(hooks, T0 + 54_000, { upstream: limit('video=1') }).status).toBe(429);
    const next = exchange(hooks, T0 + 55_000);
    expect(next.headers.get('x-ratelimit-remaining-video-minute')).toBe('2');
    expect(next.headers.get('x-ratelimit-remaining-video-hour')).toBe('98');
  });

  it('block_on_first_violation: a limit at exactly 0 refuses in access, before the upstream (spec "should block on first violation")', () => {
    const hooks = hooksFor({ block_on_first_violation: true, limits: { video: { minute: 6, hour: 12 }, image: { minute: 4 } } });
    expect(exchange(hooks, T0, { upstream: limit('video=2, image=4') }).status).toBe(200);
    const x = exchange(hooks, T0, { upstream: limit('video=2'), ctx: fakeContext({ id: 'req-7' }) });
    expect(x.access.kind).toBe('reply');
    expect(x.status).toBe(429);
    expect(JSON.parse(x.body ?? '')).toEqual({ message: "API rate limit exceeded for 'image'", request_id: 'req-7' });
    expect(x.headers.has('x-ratelimit-remaining-image-minute')).toBe(false);
  });

  it('§1 block_on_first_violation answers through kong.response.error: the body follows Accept', () => {
    const hooks = hooksFor({ block_on_first_violation: true, limits: { image: { minute: 1 } } });
    exchange(hooks, T0, { upstream: limit('image=1') });
    const x = exchange(hooks, T0, { ctx: fakeContext({ id: 'req-8', headers: new HeaderMap([['Accept', 'application/xml']]) }) });
    expect(x.status).toBe(429);
    expect(x.headers.get('Content-Type')).toBe('application/xml; charset=utf-8');
    expect(x.body).toBe("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<error>\n  <message>API rate limit exceeded for 'image'</message>\n  <requestid>req-8</requestid>\n</error>\n");
  });

  it('block_on_first_violation compares == 0: a counter pushed past the limit is refused only after the upstream ran', () => {
    const hooks = hooksFor({ block_on_first_violation: true, limits: { video: { minute: 2 } } });
    exchange(hooks, T0, { upstream: limit('video=3') });
    const x = exchange(hooks, T0, { upstream: limit('video=1') });
    expect(x.access.kind).toBe('next');
    expect(x.response?.kind).toBe('reply');
    expect(x.status).toBe(429);
  });

  it('hide_client_headers: no usage headers for the client; the upstream is still told', () => {
    const hooks = hooksFor({ hide_client_headers: true, limits: { video: { minute: 10 } } });
    const x = exchange(hooks, T0, { upstream: limit('video=1') });
    expect(x.headers.list().some(([n]) => /ratelimit/i.test(n))).toBe(false);
    expect(x.headers.has('x-kong-limit')).toBe(false);
    expect(x.ctx.upstream.headers.get('x-ratelimit-remaining-video')).toBe('10');
  });

  it('limit_by consumer falls back to the client IP; a consumer has its own counters', () => {
    const hooks = hooksFor({ limits: { video: { minute: 10 } } });
    exchange(hooks, T0, { upstream: limit('video=4') });
    const anon = exchange(hooks, T0);
    expect(anon.headers.get('x-ratelimit-remaining-video-minute')).toBe('6');
    expect(anon.access.data?.identifier).toBe('203.0.113.7');
    const consumer = exchange(hooks, T0, { ctx: fakeContext({}, { consumer: { id: 'c-1', username: 'alice', credentials: [] } as never }) });
    expect(consumer.headers.get('x-ratelimit-remaining-video-minute')).toBe('10');
    expect(consumer.access.data?.identifier).toBe('c-1');
  });

  it('local counters are per replica: a second node starts from zero', () => {
    const hooks = hooksFor({ limits: { video: { minute: 10 } } });
    exchange(hooks, T0, { upstream: limit('video=4'), replica: 'gw-0' });
    expect(exchange(hooks, T0, { replica: 'gw-1' }).headers.get('x-ratelimit-remaining-video-minute')).toBe('10');
  });

  it('issues no store effect with policy local', () => {
    const hooks = hooksFor({ limits: { video: { minute: 10 } } });
    expect(exchange(hooks, T0, { upstream: limit('video=1') }).effects).toEqual([]);
  });

  it('snapshot: identifier → limit → period counters (dots escaped)', () => {
    const hooks = hooksFor({ limits: { video: { minute: 10 } } });
    exchange(hooks, T0, { upstream: limit('video=3') });
    const snap = hooks.snapshot?.(fakeHost(T0)) as Record<string, Record<string, Record<string, { count: number }>>>;
    expect(snap['203_0_113_7']?.['video']?.['minute']?.count).toBe(3);
  });

  it('needsBody: only a response that asks for units (it may become a 429 that drops the body)', () => {
    const r = collectingReporter();
    const config = responseRatelimitingPlugin.parse({ limits: { video: { minute: 1 } } }, r);
    const ask = (v?: string) => responseRatelimitingPlugin.needsBody?.(config, { status: 200, headers: new HeaderMap(v ? limit(v) : []) });
    expect([ask('video=1'), ask('video=0'), ask('image=1'), ask()]).toEqual([true, false, false, false]);
  });
});

describe('kong/plugins/response-ratelimiting/policies/init.lua (redis policy)', () => {
  const redis = { policy: 'redis', redis: { host: 'redis.internal' } };

  it('usage(): one GET round trip per (limit, period), one after another', () => {
    const hooks = hooksFor({ ...redis, limits: { video: { minute: 10, hour: 40 }, image: { minute: 4 } } });
    const x = exchange(hooks, T0);
    expect(x.effects.map((ops) => ops.map((o) => `${o.op} ${o.key.split(':').slice(-2).join(':')}`))).toEqual([['get video:minute'], ['get video:hour'], ['get image:minute']]);
  });

  it('increment(): INCRBY every one of the six periods of each counted limit, TTL = the period, after the upstream answered', () => {
    const hooks = hooksFor({ ...redis, limits: { video: { minute: 10 } } });
    const x = exchange(hooks, T0, { upstream: limit('video=2') });
    expect(x.effects).toHaveLength(2);
    const incr = x.effects[1] as StoreOp[];
    expect(incr.map((o) => (o.op === 'incr' ? [o.key.split(':').at(-1), o.by, o.ttlMs] : o.op))).toEqual([
      ['second', 2, 1000],
      ['minute', 2, 60_000],
      ['hour', 2, 3_600_000],
      ['day', 2, 86_400_000],
      ['month', 2, 2_592_000_000],
      ['year', 2, 31_536_000_000],
    ]);
    expect(x.response?.reason).toMatch(/Kong sends this after the response/);
  });

  it('one shared counter for every replica', () => {
    const store = new FakeStore();
    const hooks = hooksFor({ ...redis, limits: { video: { minute: 10 } } });
    exchange(hooks, T0, { upstream: limit('video=4'), store, replica: 'gw-0' });
    expect(exchange(hooks, T0, { store, replica: 'gw-1' }).headers.get('x-ratelimit-remaining-video-minute')).toBe('6');
  });

  it('Redis refuses a fractional INCRBY: that increment is not counted', () => {
    const store = new FakeStore();
    const hooks = hooksFor({ ...redis, limits: { video: { minute: 10 } } });
    const x = exchange(hooks, T0, { upstream: limit('video=1.5'), store });
    expect(x.effects).toHaveLength(1);
    expect(x.response?.reason).toMatch(/fractional/);
  });

  it('fault_tolerant (default): a store error lets the request through unlimited, and x-kong-limit leaks to the client', () => {
    const store = new FakeStore();
    store.down = true;
    const hooks = hooksFor({ ...redis, limits: { video: { minute: 10 } } });
    const x = exchange(hooks, T0, { upstream: limit('video=1'), store });
    expect(x.status).toBe(200);
    expect(x.ctx.upstream.headers.has('x-ratelimit-remaining-video')).toBe(false);
    expect(x.headers.get('x-kong-limit')).toBe('video=1');
    expect(x.headers.has('x-ratelimit-remaining-video-minute')).toBe(false);
    expect(x.effects).toHaveLength(1);
  });

  it('fault_tolerant false: a store error is a 500', () => {
    const store = new FakeStore();
    store.down = true;
    const hooks = hooksFor({ ...redis, fault_tolerant: false, limits: { video: { minute: 10 } } });
    const x = exchange(hooks, T0, { store, ctx: fakeContext({ id: 'req-9', headers: new HeaderMap([['Accept', 'application/json']]) }) });
    expect(x.status).toBe(500);
    // Kong's error handler (kong/error_handlers.lua, semantics §1): negotiated, Kong's JSON template.
    expect(JSON.parse(x.body ?? '')).toEqual({ message: 'An unexpected error occurred', request_id: 'req-9' });
  });

  it('log.lua: a failed increment is only logged — the client still gets its response', () => {
    const store = new FakeStore();
    const hooks = hooksFor({ ...redis, fault_tolerant: false, limits: { video: { minute: 10 } } });
    const ctx = fakeContext();
    const host = fakeHost(T0);
    let v = hooks.access?.(ctx, host) as Verdict;
    while (v.kind === 'wait') v = v.resume(store.apply(v.effect.type === 'store' ? v.effect.ops : [], T0));
    ctx.response = { status: 200, headers: new HeaderMap(limit('video=1')), source: 'upstream' };
    const w = hooks.response?.(ctx, host) as Verdict;
    expect(w.kind).toBe('wait');
    const done = w.kind === 'wait' ? w.resume({ ok: false, error: 'connection refused' }) : w;
    expect(done.kind).toBe('next');
    expect(done.reason).toMatch(/only logs/);
  });
});
