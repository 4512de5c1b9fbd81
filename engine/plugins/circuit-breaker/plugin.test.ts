import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../../pipeline/headers.ts';
import type { GatewayResponse, PluginHooks, PluginHost, Verdict } from '../../pipeline/types.ts';
import { RATE_LIMIT_PRIORITY } from '../rate-limit/plugin.ts';
import { ACL_PRIORITY } from '../acl/plugin.ts';
import { REQUEST_TRANSFORMER_PRIORITY } from '../request-transformer/plugin.ts';
import { collecting, context, hooksOf, host, jsonBody, NOON, replyOf } from '../kit/test-kit.ts';
import { CIRCUIT_BREAKER_DEFAULTS } from './config.ts';
import { CIRCUIT_BREAKER_PRIORITY, circuitBreakerPlugin } from './plugin.ts';

type Host = PluginHost & { nowMs: number };

let seq = 0;

/**
 * One request through the breaker as the gateway runs it: access; then, if permitted, the upstream
 * takes `latencyMs` and answers `status`; the response hook runs on whatever response goes back
 * (the breaker's own 503 included, as the gateway runs response plugins after an access reply).
 */
function call(hooks: PluginHooks, h: Host, status = 200, opts: { latencyMs?: number; source?: GatewayResponse['source'] } = {}): { access: Verdict; response: Verdict } {
  const ctx = context({ id: `req-${++seq}` });
  const access = hooks.access?.(ctx, h) as Verdict;
  if (access.kind === 'reply') {
    ctx.response = { status: access.status, headers: new HeaderMap(access.headers ?? []), body: access.body, source: 'gateway' };
  } else {
    h.nowMs += opts.latencyMs ?? 20;
    ctx.response = { status, headers: new HeaderMap(), source: opts.source ?? 'upstream' };
  }
  return { access, response: hooks.response?.(ctx, h) as Verdict };
}

/** Calls one second apart: '.' succeeds (200), 'x' fails (503 from the upstream). */
function traffic(hooks: PluginHooks, h: Host, pattern: string): void {
  for (const c of pattern) {
    call(hooks, h, c === 'x' ? 503 : 200);
    h.nowMs += 980;
  }
}

const LESSON = { slidingWindowSize: 10, minimumNumberOfCalls: 10, waitDurationInOpenState: '30s', permittedNumberOfCallsInHalfOpenState: 2 };

describe('circuit-breaker plugin — semantics §9 (resilience4j)', () => {
  it('semantics §9 (resilience4j): defaults are resilience4j’s, failures are 500–599, priority runs after auth and rate limiting, before transforms', () => {
    const r = collecting();
    expect(circuitBreakerPlugin.parse({}, r)).toEqual({ ...CIRCUIT_BREAKER_DEFAULTS });
    expect(r.items).toEqual([]);
    expect(CIRCUIT_BREAKER_DEFAULTS).toMatchObject({ failureRateThreshold: 50, slidingWindowSize: 100, minimumNumberOfCalls: 100, waitDurationInOpenState: 60_000, permittedNumberOfCallsInHalfOpenState: 10, failureStatuses: [[500, 599]] });
    expect(CIRCUIT_BREAKER_PRIORITY).toBeLessThan(RATE_LIMIT_PRIORITY);
    expect(CIRCUIT_BREAKER_PRIORITY).toBeLessThan(ACL_PRIORITY);
    expect(CIRCUIT_BREAKER_PRIORITY).toBeGreaterThan(REQUEST_TRANSFORMER_PRIORITY);
  });

  it('semantics §9 (resilience4j): 5 of 10 calls failed → OPEN; the next request gets a 503 with x-gatelab-breaker: open and the reason', () => {
    const h = host(NOON);
    const hooks = hooksOf(circuitBreakerPlugin, LESSON);
    traffic(hooks, h, '.x.x.x.x.x');
    expect(hooks.snapshot?.(h)).toMatchObject({ state: 'OPEN', calls: 10, failedCalls: 5, failureRate: 50, openedAt: NOON + 9 * 1000 + 20 });
    h.nowMs = NOON + 14_020;
    const { access } = call(hooks, h);
    const rejected = replyOf(access);
    expect(rejected.status).toBe(503);
    expect(rejected.headers).toContainEqual(['x-gatelab-breaker', 'open']);
    expect(rejected.reason).toBe('circuit breaker OPEN since 12:00:09.020 after 5 of 10 calls failed (50 % ≥ 50 %); failing fast for 25 s more');
    expect(jsonBody(access)).toMatchObject({ message: 'Service unavailable: the circuit breaker is open', state: 'OPEN', retry_after_ms: 25_000 });
    expect(rejected.data).toMatchObject({ state: 'OPEN', decision: 'rejected', retryInMs: 25_000 });
  });

  it('semantics §9 (resilience4j): its own 503 is not a call — the window does not move', () => {
    const h = host(NOON);
    const hooks = hooksOf(circuitBreakerPlugin, LESSON);
    traffic(hooks, h, 'xxxxxxxxxx');
    const before = hooks.snapshot?.(h);
    const { response } = call(hooks, h);
    expect(response.reason).toBe('circuit breaker: the 503 is its own fail-fast answer, not a call; not counted');
    expect(hooks.snapshot?.(h)).toMatchObject({ calls: before?.['calls'], failedCalls: before?.['failedCalls'] });
  });

  it('semantics §9 (resilience4j): after waitDurationInOpenState the next request is a trial (HALF_OPEN); extra requests get 503; passing trials close it', () => {
    const h = host(NOON);
    const hooks = hooksOf(circuitBreakerPlugin, LESSON);
    traffic(hooks, h, 'xxxxxxxxxx');
    h.nowMs += 31_000;
    const ctxA = context({ id: 'trial-a' });
    const ctxB = context({ id: 'trial-b' });
    const a = hooks.access?.(ctxA, h) as Verdict;
    const b = hooks.access?.(ctxB, h) as Verdict;
    expect(a.reason).toMatch(/^circuit breaker the 30 s wait in OPEN ended at 12:00:39\.020; this call moves OPEN → HALF_OPEN — HALF_OPEN: trial call 1 of 2 permitted$/);
    expect(a.data).toMatchObject({ transition: 'OPEN → HALF_OPEN', cause: 'wait-elapsed' });
    expect(b.kind).toBe('next');
    const extra = call(hooks, h).access;
    expect(replyOf(extra).status).toBe(503);
    expect(extra.reason).toContain('HALF_OPEN since 12:00:41: all 2 trial calls are out (2 of 2 trial calls permitted, 0 judged)');
    expect(jsonBody(extra)).toMatchObject({ state: 'HALF_OPEN', retry_after_ms: null });
    for (const ctx of [ctxA, ctxB]) {
      ctx.response = { status: 200, headers: new HeaderMap(), source: 'upstream' };
      hooks.response?.(ctx, h);
    }
    expect(hooks.snapshot?.(h)).toMatchObject({ state: 'CLOSED', calls: 0, openings: 1 });
  });

  it('semantics §9 (resilience4j): the gateway’s own 502/504 count as failures; a later plugin’s 4xx hands the trial permission back', () => {
    const h = host(NOON);
    const hooks = hooksOf(circuitBreakerPlugin, { ...LESSON, slidingWindowSize: 2, minimumNumberOfCalls: 2, permittedNumberOfCallsInHalfOpenState: 1 });
    expect(call(hooks, h, 502, { source: 'gateway' }).response.data).toMatchObject({ outcome: 'failure' });
    expect(call(hooks, h, 504, { source: 'gateway' }).response.reason).toContain('the gateway answered 504 itself: the upstream failed or was unreachable');
    expect(hooks.snapshot?.(h)).toMatchObject({ state: 'OPEN' });
    h.nowMs += 31_000;
    const refused = call(hooks, h, 401, { source: 'gateway' });
    expect(refused.response.reason).toContain('the gateway answered 401 before calling the upstream');
    expect(refused.response.reason).toContain('its trial permission is handed back (1 free)');
    expect(call(hooks, h, 200).access.kind).toBe('next');
    expect(hooks.snapshot?.(h)).toMatchObject({ state: 'CLOSED' });
  });

  it('semantics §9 (resilience4j): slow calls are timed on the host clock from access to response', () => {
    const h = host(NOON);
    const hooks = hooksOf(circuitBreakerPlugin, { slidingWindowSize: 4, minimumNumberOfCalls: 4, slowCallDurationThreshold: '1s', slowCallRateThreshold: 50 });
    call(hooks, h, 200, { latencyMs: 1000 });
    call(hooks, h, 200, { latencyMs: 1001 });
    call(hooks, h, 200, { latencyMs: 20 });
    const last = call(hooks, h, 200, { latencyMs: 1500 });
    expect(last.response.reason).toContain('2 of 4 calls slower than 1 s (50 % ≥ 50 %)');
    expect(hooks.snapshot?.(h)).toMatchObject({ state: 'OPEN', slowCalls: 2, slowCallRate: 50, failureRate: 0 });
  });

  it('semantics §9 (resilience4j): failureStatuses decides what an upstream failure is', () => {
    const h = host(NOON);
    const hooks = hooksOf(circuitBreakerPlugin, { slidingWindowSize: 2, minimumNumberOfCalls: 2, failureStatuses: [503, '429'] });
    expect(call(hooks, h, 500).response.data).toMatchObject({ outcome: 'success' });
    expect(call(hooks, h, 429).response.reason).toContain('upstream answered 429, in failureStatuses 503, 429');
  });

  it('consecutive mode: consecutiveFailures n opens after n failures in a row', () => {
    const h = host(NOON);
    const hooks = hooksOf(circuitBreakerPlugin, { consecutiveFailures: 3 });
    traffic(hooks, h, 'xx.xx');
    expect(hooks.snapshot?.(h)).toMatchObject({ state: 'CLOSED', consecutiveFailures: 2 });
    traffic(hooks, h, 'x');
    expect(hooks.snapshot?.(h)).toMatchObject({ state: 'OPEN', openedBecause: '3 consecutive failures' });
  });

  it('state is per replica and per instance; the snapshot holds numbers, not a diagram', () => {
    const hooks = hooksOf(circuitBreakerPlugin, LESSON);
    const gw0 = host(NOON, 'gw-0');
    traffic(hooks, gw0, 'xxxxxxxxxx');
    expect(hooks.snapshot?.(gw0)).toMatchObject({ state: 'OPEN' });
    expect(hooks.snapshot?.(host(gw0.nowMs, 'gw-1'))).toMatchObject({ state: 'CLOSED', calls: 0 });
    expect(hooksOf(circuitBreakerPlugin, LESSON).snapshot?.(gw0)).toMatchObject({ state: 'CLOSED' });
    const snap = hooks.snapshot?.(gw0) ?? {};
    expect(Object.keys(snap)).toEqual(expect.arrayContaining(['state', 'failureRate', 'calls', 'openedAt', 'reason']));
    expect(JSON.stringify(snap)).not.toContain('stateDiagram');
  });

  it('semantics §9 (resilience4j): the snapshot shows an automatic OPEN → HALF_OPEN that is due, without storing it', () => {
    const h = host(NOON);
    const hooks = hooksOf(circuitBreakerPlugin, { ...LESSON, automaticTransitionFromOpenToHalfOpenEnabled: true });
    traffic(hooks, h, 'xxxxxxxxxx');
    h.nowMs += 40_000;
    expect(hooks.snapshot?.(h)).toMatchObject({ state: 'HALF_OPEN', trialPermitsLeft: 2, since: NOON + 9_020 + 30_000 });
    expect(call(hooks, h).access.reason).toContain('automaticTransitionFromOpenToHalfOpenEnabled');
  });

  it('config errors name the field and the nearest known one, as resilience4j’s builder would reject them', () => {
    const r = collecting();
    circuitBreakerPlugin.parse(
      { failureRateTreshold: 50, failureThreshold: 5, slidingWindowType: 'count_based', waitDurationInOpenState: '30 seconds', failureStatuses: ['5xx', 'oops'], slowCallRateThreshold: 0, slidingWindowSize: 1.5 },
      r,
    );
    expect(r.items.map((i) => `${i.path} ${i.code}`)).toEqual([
      'failureRateTreshold GL_E_UNKNOWN_FIELD',
      'failureThreshold GL_E_UNKNOWN_FIELD',
      'slowCallRateThreshold GL_E_CONFIG_INVALID',
      'slidingWindowType GL_E_CONFIG_INVALID',
      'slidingWindowSize GL_E_CONFIG_INVALID',
      'waitDurationInOpenState GL_E_DURATION',
      'failureStatuses.1 GL_E_CONFIG_INVALID',
    ]);
    const hints = collectingHints({ failureRateTreshold: 50, slidingWindowType: 'count_based', failureThreshold: 5 });
    expect(hints).toEqual(["did you mean 'failureRateThreshold'?", expect.stringContaining('consecutiveFailures: n'), "did you mean 'COUNT_BASED'?"]);
  });

  it('config warnings: rate fields in consecutive mode, a minimum a count-based window can never reach', () => {
    const r = collecting();
    const c = circuitBreakerPlugin.parse({ consecutiveFailures: 5, failureRateThreshold: 40, waitDurationInOpenState: 10_000, maxWaitDurationInHalfOpenState: '1m' }, r);
    expect(c).toMatchObject({ consecutiveFailures: 5, waitDurationInOpenState: 10_000, maxWaitDurationInHalfOpenState: 60_000 });
    expect(r.items).toMatchObject([{ severity: 'warning', path: 'failureRateThreshold', code: 'GL_W_NO_EFFECT' }]);
    const w = collecting();
    circuitBreakerPlugin.parse({ slidingWindowSize: 10, minimumNumberOfCalls: 20 }, w);
    expect(w.items).toMatchObject([{ severity: 'warning', path: 'minimumNumberOfCalls', message: expect.stringContaining('capped at slidingWindowSize 10') }]);
  });
});

/** The hints the reporter got, for the nearest-key checks. */
function collectingHints(raw: unknown): Array<string | undefined> {
  const hints: Array<string | undefined> = [];
  circuitBreakerPlugin.parse(raw, { error: (_p, _c, _m, hint) => hints.push(hint), warn: () => undefined });
  return hints;
}

describe('the trace names the breaker by where it is attached', () => {
  it('a breaker on a service writes its moves with subject "<instance id> (service …)"; a global one with the id alone', () => {
    const moves = (label?: string): string[] => {
      const subjects: string[] = [];
      const hooks = circuitBreakerPlugin.create(circuitBreakerPlugin.parse(LESSON, collecting()), { instanceId: 'cb-1', scope: {}, ...(label ? { label } : {}) });
      const h = Object.assign(host(), { transition: (c: { subject: string }) => subjects.push(c.subject) });
      traffic(hooks, h, 'xxxxxxxxxx');
      return subjects;
    };
    expect(moves('service payments')[0]).toBe('cb-1 (service payments)');
    expect(moves()[0]).toBe('cb-1');
  });
});
