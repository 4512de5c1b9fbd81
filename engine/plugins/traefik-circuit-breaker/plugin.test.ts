import { describe, expect, it } from 'vitest';
import type { RouteIR } from '../../config/ir.ts';
import { HeaderMap } from '../../pipeline/headers.ts';
import type { MachineTransition, PluginHooks, RequestContext, Verdict } from '../../pipeline/types.ts';
import { context, host, hooksOf, replyOf } from '../kit/test-kit.ts';
import { traefikCircuitBreakerPlugin } from './plugin.ts';

/** 2026-01-01T12:00:00Z. */
const T0 = 1_767_268_800_000;
const at = (s: number): number => T0 + Math.round(s * 1000);

interface Sent {
  access: Verdict;
  response?: Verdict;
  ctx: RequestContext;
}

let n = 0;
/** Every transition the plugin announced to its host, for the breaker.transition trace event. */
let announced: MachineTransition[] = [];

/**
 * One request through the breaker the way the pipeline runs it: access at `t`; when forwarded, the
 * answer arrives `latency` seconds later and the response hook sees it.
 */
function send(hooks: PluginHooks, t: number, answer: { status?: number; source?: 'upstream' | 'gateway'; latency?: number; route?: string } = {}): Sent {
  const h = Object.assign(host(t), { transition: (c: MachineTransition) => void announced.push(c) });
  const ctx = context({ id: `c-${++n}` });
  ctx.match = { route: { id: answer.route ?? 'orders' } as RouteIR, service: undefined, reason: '' };
  const access = hooks.access?.(ctx, h) as Verdict;
  if (access.kind !== 'next') return { access, ctx };
  h.nowMs = t + (answer.latency ?? 0) * 1000;
  ctx.response = { status: answer.status ?? 200, headers: new HeaderMap(), source: answer.source ?? 'upstream' };
  return { access, response: hooks.response?.(ctx, h) as Verdict, ctx };
}

const snapshot = (hooks: PluginHooks, t: number, route = 'orders') => (hooks.snapshot?.(host(t)) as { routers: Record<string, { state: string; metrics: { total: number } }> }).routers[route];

/** Trips a breaker with network errors at 12:00:04 (6 of 9 responses are 502s). */
function trippedAt4(raw: Record<string, unknown> = {}): PluginHooks {
  const hooks = hooksOf(traefikCircuitBreakerPlugin, { expression: 'NetworkErrorRatio() > 0.5', checkPeriod: '1s', ...raw });
  send(hooks, at(2.9));
  for (const s of [3.0, 3.1]) send(hooks, at(s));
  for (const s of [3.2, 3.3, 3.4, 3.5, 3.6]) send(hooks, at(s), { status: 502, source: 'gateway' });
  const trip = send(hooks, at(4), { status: 502, source: 'gateway' });
  expect(trip.response?.reason).toBe(
    `recorded 502 from the gateway after 0 ms — a network error to oxy, which counts every 502 and 504; checked NetworkErrorRatio() > 0.5: NetworkErrorRatio() = 0.667 > 0.5 → tripped, metrics reset; fallback ${String(raw['responseCode'] ?? 503)} until 12:00:14`,
  );
  return hooks;
}

describe('traefik-circuit-breaker plugin (semantics §4 / Traefik circuitBreaker; traefik pkg/middlewares/circuitbreaker)', () => {
  it('is the plugin id of its folder and forwards in standby, saying what it watches', () => {
    expect(traefikCircuitBreakerPlugin.id).toBe('traefik-circuit-breaker');
    const hooks = hooksOf(traefikCircuitBreakerPlugin, { expression: 'NetworkErrorRatio() > 0.5' });
    const r = send(hooks, at(1));
    expect(r.access).toMatchObject({ kind: 'next', data: { state: 'standby' } });
    expect(r.access.reason).toBe('circuit breaker in standby (closed): forwarded; NetworkErrorRatio() > 0.5 is checked on responses, at most once per 100ms');
    expect(r.response?.reason).toBe('recorded 200 from the backend after 0 ms; checked NetworkErrorRatio() > 0.5: NetworkErrorRatio() = 0, not > 0.5 → stays standby');
    expect(send(hooks, at(1.05)).response?.reason).toBe('recorded 200 from the backend after 0 ms; no check: one ran less than checkPeriod 100ms ago (next on the first response after 12:00:01.100)');
  });

  it('trips on the check and answers with Traefik’s fallback: 503 "Service Unavailable", text/plain', () => {
    const hooks = trippedAt4();
    const fb = replyOf(send(hooks, at(6.8)).access);
    expect(fb.status).toBe(503);
    expect(fb.body).toBe('Service Unavailable');
    expect(fb.headers).toEqual([['Content-Type', 'text/plain; charset=utf-8']]);
    expect(fb.reason).toBe('circuit breaker tripped at 12:00:04 because NetworkErrorRatio() = 0.667 > 0.5; fallback 503 for 7.2 s more (until 12:00:14)');
    expect(fb.data).toMatchObject({ state: 'tripped', until: at(14) });
  });

  it('responseCode sets the status; the body is Go’s status text for it, empty (and untyped) when Go has none', () => {
    expect(replyOf(send(trippedAt4({ responseCode: 429 }), at(5)).access)).toMatchObject({ status: 429, body: 'Too Many Requests' });
    expect(replyOf(send(trippedAt4({ responseCode: 599 }), at(5)).access)).toMatchObject({ status: 599, body: '', headers: [] });
  });

  it('fallback answers are not recorded; a request already in flight at the trip is, into the reset metrics, without a check', () => {
    const hooks = hooksOf(traefikCircuitBreakerPlugin, { expression: 'NetworkErrorRatio() > 0.5' });
    const h = host(at(3.5));
    const slow = context({ id: 'slow' });
    slow.match = { route: { id: 'orders' } as RouteIR, service: undefined, reason: '' };
    expect(hooks.access?.(slow, h).kind).toBe('next');
    send(hooks, at(4), { status: 504, source: 'gateway' });
    for (const s of [4.5, 5, 6]) expect(send(hooks, at(s)).access.kind).toBe('reply');
    expect(snapshot(hooks, at(6))).toMatchObject({ state: 'tripped', metrics: { total: 0 } });
    h.nowMs = at(6.5);
    slow.response = { status: 200, headers: new HeaderMap(), source: 'upstream' };
    const late = hooks.response?.(slow, h) as Verdict;
    expect(late.reason).toBe('recorded 200 from the backend after 3 s; the breaker is tripped, so no check runs (this request was already in flight when it tripped)');
    expect(snapshot(hooks, at(6.5))?.metrics.total).toBe(1);
  });

  it('recovers: the first request after fallbackDuration starts the ramp (and is refused at 0 %), later ones pass more and more, then standby', () => {
    const hooks = trippedAt4();
    const first = send(hooks, at(15));
    expect(first.access.kind).toBe('reply');
    expect(first.access.reason).toBe(
      'fallbackDuration 10s is over: recovering from 12:00:15 until 12:00:25; circuit breaker recovering since 12:00:15: ramp at 0 ms of 10s: at most 0% of the requests since the ramp began may pass; letting this one through would make 1 of 1 = 100%, not below that → fallback 503',
    );
    expect(first.access.data).toMatchObject({ state: 'recovering', transition: 'tripped→recovering' });
    const verdicts = Array.from({ length: 99 }, (_, i) => send(hooks, at(15.1 + i * 0.1)).access.kind);
    const early = verdicts.slice(0, 30).filter((k) => k === 'next').length;
    const late = verdicts.slice(69).filter((k) => k === 'next').length;
    expect(early).toBeLessThan(late);
    const passed = send(hooks, at(24.9));
    expect(passed.access.reason).toMatch(/^circuit breaker recovering since 12:00:15: ramp at 9\.9 s of 10s: at most 49\.5% of the requests since the ramp began may pass; letting this one through/);
    const back = send(hooks, at(25.001));
    expect(back.access).toMatchObject({ kind: 'next', data: { state: 'standby', transition: 'recovering→standby' } });
    expect(back.access.reason).toBe('recoveryDuration 10s ended at 12:00:25 without the condition matching again: back to standby, forwarded');
  });

  it('a network error while recovering trips it again, with a new fallbackDuration', () => {
    const hooks = trippedAt4();
    let t = 15;
    let forwarded: Sent | undefined;
    while (!forwarded) {
      const r = send(hooks, at(t), { status: 502, source: 'gateway' });
      if (r.access.kind === 'next') forwarded = r;
      t += 0.1;
    }
    expect(forwarded.response?.reason).toMatch(/checked NetworkErrorRatio\(\) > 0\.5: NetworkErrorRatio\(\) = 1 > 0\.5 → tripped again during recovery, metrics reset; fallback 503 until 12:00:\d\d/);
    expect(forwarded.response?.data).toMatchObject({ transition: 'recovering→tripped', state: 'tripped' });
    expect(send(hooks, at(t + 5)).access.kind).toBe('reply');
  });

  it('a 502 from the backend itself counts as a network error too: oxy sees only the status', () => {
    const hooks = hooksOf(traefikCircuitBreakerPlugin, { expression: 'NetworkErrorRatio() > 0.5' });
    const r = send(hooks, at(1), { status: 502, source: 'upstream' });
    expect(r.response?.data).toMatchObject({ networkError: true, matched: true, state: 'tripped' });
  });

  it('LatencyAtQuantileMS: latency runs from the breaker to the response', () => {
    const hooks = hooksOf(traefikCircuitBreakerPlugin, { expression: 'LatencyAtQuantileMS(50.0) > 100' });
    expect(send(hooks, at(1), { latency: 0.08 }).response?.data).toMatchObject({ matched: false, latencyMs: 80 });
    // Two samples: the median's rank rounds to 1, the fast one — hdrhistogram-go's rank rounding.
    expect(send(hooks, at(2), { latency: 0.3 }).response?.reason).toContain('LatencyAtQuantileMS(50.0) = 80 ms, not > 100');
    const slow = send(hooks, at(3), { latency: 0.3 });
    expect(slow.response?.data).toMatchObject({ matched: true, state: 'tripped' });
    // 300 ms is reported as the top of its HDR bucket.
    expect(slow.response?.reason).toContain('LatencyAtQuantileMS(50.0) = 301 ms > 100');
  });

  it('each router has its own breaker (Traefik builds one per router); a request answered before the breaker is not recorded', () => {
    const hooks = trippedAt4();
    expect(send(hooks, at(5), { route: 'payments' }).access.kind).toBe('next');
    expect(snapshot(hooks, at(5), 'payments')).toMatchObject({ state: 'standby', metrics: { total: 1 } });
    const untouched = context();
    expect((hooks.response?.(untouched, host(at(5))) as Verdict).reason).toBe('the request was answered before it reached the circuit breaker: nothing to record');
  });

  it('announces each move to the host, which writes it to the trace as breaker.transition', () => {
    announced = [];
    const hooks = trippedAt4();
    send(hooks, at(14));
    send(hooks, at(24.001));
    expect(announced).toEqual([
      { machine: 'traefik-circuit-breaker', subject: 'traefik-circuit-breaker-1 (router orders)', from: 'standby', to: 'tripped', reason: 'NetworkErrorRatio() = 0.667 > 0.5; fallback 503 until 12:00:14' },
      { machine: 'traefik-circuit-breaker', subject: 'traefik-circuit-breaker-1 (router orders)', from: 'tripped', to: 'recovering', reason: 'fallbackDuration 10s is over; ramp until 12:00:24' },
      { machine: 'traefik-circuit-breaker', subject: 'traefik-circuit-breaker-1 (router orders)', from: 'recovering', to: 'standby', reason: 'recoveryDuration 10s ended at 12:00:24 without the condition matching again' },
    ]);
  });

  it('snapshot: state, until, the last trip and the metrics of this replica’s routers', () => {
    const hooks = trippedAt4();
    const snap = hooks.snapshot?.(host(at(5)));
    expect(snap).toMatchObject({
      expression: 'NetworkErrorRatio() > 0.5',
      routers: { orders: { state: 'tripped', until: at(14), trip: { at: at(4), because: 'NetworkErrorRatio() = 0.667 > 0.5' }, metrics: { total: 0, windowSeconds: 10 } } },
    });
    expect(hooks.snapshot?.(host(at(5), 'gw-1'))).toEqual({ expression: 'NetworkErrorRatio() > 0.5', routers: {} });
  });
});
