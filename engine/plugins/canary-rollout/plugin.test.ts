import { describe, expect, it } from 'vitest';
import type { RouteIR, ServiceIR } from '../../config/ir.ts';
import { HeaderMap } from '../../pipeline/headers.ts';
import type { MachineTransition, PluginEnv, PluginHooks, RequestContext } from '../../pipeline/types.ts';
import { context, host as testHost, NOON, parsed } from '../kit/test-kit.ts';
import { canaryRolloutPlugin } from './plugin.ts';

const service = (name: string, port: number): ServiceIR => ({
  name, id: `svc-${name}`, protocol: 'http', host: name, port, targets: [{ host: name, port, weight: 100 }], retries: 0, connectTimeoutMs: 1000, readTimeoutMs: 1000, writeTimeoutMs: 1000,
});
const V1 = service('orders-v1', 8001);
const V2 = service('orders-v2', 8002);
const ROUTE: RouteIR = {
  name: 'orders', id: 'route-orders', service: null, protocols: ['http'], methods: [], hosts: [], paths: [{ kind: 'prefix', value: '/orders' }], headers: {},
  backends: [{ service: 'orders-v1', weight: 100 }, { service: 'orders-v2', weight: 0 }], stripPath: false, preserveHost: false, pathHandling: 'v0', regexPriority: 0, httpsRedirectStatusCode: 426,
};
const S = 1000;

/** The plugin with the two services in its env; `null` leaves them out (a Gateway that does not pass them yet). */
function hooks(raw: Record<string, unknown>, services: ServiceIR[] | null = [V1, V2]): PluginHooks {
  const env: PluginEnv = { instanceId: 'canary-rollout-1', scope: { route: ROUTE.id }, ...(services ? { services } : {}) };
  return canaryRolloutPlugin.create(parsed(canaryRolloutPlugin, { primary: 'orders-v1', canary: 'orders-v2', ...raw }), env);
}

/** One request through access, a modelled backend answer (status by service), and log. */
function send(h: PluginHooks, clock: ReturnType<typeof testHost>, id: string, answer: (svc: string) => number = () => 200, headers: Array<[string, string]> = []) {
  const ctx: RequestContext = context({ id, headers });
  ctx.match = { route: ROUTE, service: V1, reason: 'prefix /orders' };
  const verdict = h.access?.(ctx, clock);
  if (verdict?.kind !== 'next') throw new Error('canary-rollout only ever says next');
  const svc = ctx.match.service as ServiceIR;
  ctx.target = svc.targets[0];
  ctx.response = { status: answer(svc.name), headers: new HeaderMap(), source: 'upstream' };
  h.log?.(ctx, clock);
  return { ctx, verdict, backend: svc.name };
}

describe('canary-rollout plugin', () => {
  it('draws by request id: the reason shows the step, the draw and the weight; the proxy goes to that service', () => {
    const h = hooks({ steps: [10, 100] });
    const clock = testHost(NOON);
    const results = Array.from({ length: 40 }, (_, i) => send(h, clock, `client-${i}`));
    const canary = results.filter((r) => r.backend === 'orders-v2');
    expect(canary.length).toBeGreaterThan(0);
    const one = canary[0] as (typeof results)[number];
    expect(one.verdict.reason).toMatch(/^canary step 1 of 2 \(10 %\): draw 0\.\d\d < 0\.10 → canary$/);
    expect(one.ctx.match?.service).toBe(V2);
    expect(results.find((r) => r.backend === 'orders-v1')?.verdict.reason).toMatch(/draw 0\.\d\d ≥ 0\.10 → primary$/);
    // The same request id makes the same choice on another replica (and on the real proxy).
    const again = send(hooks({ steps: [10, 100] }), testHost(NOON, 'gw-1'), one.ctx.request.id);
    expect(again.backend).toBe('orders-v2');
  });

  it('a healthy canary moves along the plan to promotion; the snapshot tells the story', () => {
    const h = hooks({ steps: [10, 50], stepDuration: '1m', analysis: { minRequests: 5 } });
    const clock = testHost(NOON);
    let n = 0;
    for (let t = 0; t <= 130; t++) {
      clock.nowMs = NOON + t * S;
      for (let k = 0; k < 5; k++) send(h, clock, `r-${n++}`);
    }
    const snap = h.snapshot?.(clock) as Record<string, unknown>;
    expect(snap).toMatchObject({ state: 'promoted', weight: 100, step: 2, steps: 2, startedAt: '2026-01-01T12:00:00.000Z' });
    const history = snap['history'] as Array<{ kind: string; reason: string }>;
    expect(history.map((c) => c.kind)).toEqual(['advance', 'promote']);
    expect(history[0]?.reason).toMatch(/^step 1 → 2: canary error rate 0 % ≤ 1 % over \d+ requests; canary weight 10 % → 50 %$/);
    expect(send(h, clock, 'after').verdict.reason).toContain('promoted: canary weight 50 % → 100 %, every request goes to the canary');
  });

  it('a failing canary is rolled back, and from then on every request goes to the primary, forced or not', () => {
    const h = hooks({ steps: [50, 100], analysis: { maxErrorRate: 0.05, minRequests: 10 }, header: { name: 'X-Canary', value: 'true' } });
    const clock = testHost(NOON + 3 * 60 * S + 10 * S);
    const failing = (svc: string) => (svc === 'orders-v2' ? 503 : 200);
    const seen = Array.from({ length: 60 }, (_, i) => send(h, clock, `r-${i}`, failing));
    const snap = h.snapshot?.(clock) as Record<string, unknown>;
    expect(snap).toMatchObject({ state: 'rolledBack', weight: 0, canaryRequests: 10, canaryErrorRate: 1 });
    // The rollback happened in the log hook; the next decision and every one after it names it.
    const told = seen.find((r) => r.verdict.reason.startsWith('rolled back'));
    expect(told?.verdict.reason).toBe('rolled back at 12:03:10: canary error rate 100 % > 5 % over 10 requests in the last 1m0s; canary weight 50 % → 0 %, every request goes to the primary');
    const forced = send(h, clock, 'tester', failing, [['X-Canary', 'true']]);
    expect(forced.backend).toBe('orders-v1');
    expect(forced.verdict.reason).toBe('rolled back at 12:03:10: canary error rate 100 % > 5 % over 10 requests in the last 1m0s; canary weight 50 % → 0 %, every request goes to the primary');
  });

  it('header forcing, ingress-nginx style: a value must match exactly; without a value, always/never', () => {
    const exact = hooks({ steps: [0, 100], header: { name: 'X-Canary', value: 'true' } });
    const clock = testHost(NOON);
    expect(send(exact, clock, 'a', undefined, [['X-Canary', 'true']]).verdict.reason).toBe('X-Canary: true equals "true" → canary');
    const other = send(exact, clock, 'b', undefined, [['X-Canary', 'yes']]);
    expect(other.backend).toBe('orders-v1');
    expect(other.verdict.reason).toBe('X-Canary: yes ≠ "true", so the weight decides: canary step 1 of 2 (0 %): weight 0 → primary');
    const words = hooks({ steps: [100], header: { name: 'X-Canary' } });
    expect(send(words, clock, 'c', undefined, [['X-Canary', 'never']]).backend).toBe('orders-v1');
    expect(send(words, clock, 'd', undefined, [['X-Canary', 'true']]).verdict.reason).toBe('X-Canary: true is neither always nor never, so the weight decides: canary step 1 of 1 (100 %): weight 100 % → canary');
  });

  it('cookie forcing: always → canary, never → primary; the header is asked first', () => {
    const h = hooks({ steps: [50], header: { name: 'X-Canary' }, cookie: 'canary' });
    const clock = testHost(NOON);
    expect(send(h, clock, 'a', undefined, [['Cookie', 'session=1; canary=always']]).verdict.reason).toBe('cookie canary=always → canary');
    expect(send(h, clock, 'b', undefined, [['Cookie', 'canary=never']]).backend).toBe('orders-v1');
    expect(send(h, clock, 'c', undefined, [['X-Canary', 'never'], ['Cookie', 'canary=always']]).backend).toBe('orders-v1');
  });

  it('requests another plugin answered do not count as the canary’s', () => {
    const h = hooks({ steps: [100], analysis: { minRequests: 1 } });
    const clock = testHost(NOON);
    const ctx = context({ id: 'denied' });
    ctx.match = { route: ROUTE, service: V1, reason: '' };
    h.access?.(ctx, clock);
    ctx.response = { status: 500, headers: new HeaderMap(), source: 'gateway' };
    h.log?.(ctx, clock);
    expect(h.snapshot?.(clock)).toMatchObject({ state: 'progressing', canaryRequests: 0 });
  });

  it('without the services in its env it cannot switch, and says so', () => {
    const h = hooks({ steps: [100] }, null);
    const r = send(h, testHost(NOON), 'x');
    expect(r.backend).toBe('orders-v1');
    expect(r.verdict.reason).toBe('canary step 1 of 1 (100 %): weight 100 % → canary, but this gateway knows no service orders-v2: the request stays on orders-v1');
  });

  it('every change reaches the host as a machine transition, dated when it took effect, with the weight before and after', () => {
    const h = hooks({ steps: [10, 20], gate: 'time', stepDuration: '1m' });
    const seen: MachineTransition[] = [];
    const clock = Object.assign(testHost(NOON), { transition: (c: MachineTransition) => seen.push(c) });
    send(h, clock, 'r-1');
    clock.nowMs = NOON + 150 * S;
    const r = send(h, clock, 'r-2');
    expect(seen).toEqual([
      { machine: 'canary-rollout', subject: 'canary-rollout-1', from: 'progressing', to: 'progressing', reason: 'step 1 → 2: held 10 % for 1m0s; canary weight 10 % → 20 %', at: NOON + 60 * S, weight: { from: 10, to: 20 } },
      { machine: 'canary-rollout', subject: 'canary-rollout-1', from: 'progressing', to: 'promoted', reason: 'step 2 of 2 passed: held 20 % for 1m0s; promoted: canary weight 20 % → 100 %, every request goes to the canary', at: NOON + 120 * S, weight: { from: 20, to: 100 } },
    ]);
    expect(r.backend).toBe('orders-v2');
  });

  it('each replica runs its own rollout, started by the first request it sees', () => {
    const h = hooks({ steps: [10, 20], gate: 'time', stepDuration: '1m' });
    const a = testHost(NOON, 'gw-0');
    const b = testHost(NOON + 30 * S, 'gw-1');
    expect(h.snapshot?.(a)).toMatchObject({ state: 'notStarted' });
    send(h, a, 'r-1');
    send(h, b, 'r-2');
    a.nowMs = b.nowMs = NOON + 61 * S;
    expect(h.snapshot?.(a)).toMatchObject({ step: 2, weight: 20 });
    expect(h.snapshot?.(b)).toMatchObject({ step: 1, weight: 10, startedAt: '2026-01-01T12:00:30.000Z' });
  });
});
