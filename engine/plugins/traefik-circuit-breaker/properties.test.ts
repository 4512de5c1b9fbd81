import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { RouteIR } from '../../config/ir.ts';
import { HeaderMap } from '../../pipeline/headers.ts';
import type { PluginHooks, RequestContext, Verdict } from '../../pipeline/types.ts';
import { context, host, hooksOf } from '../kit/test-kit.ts';
import { traefikCircuitBreakerPlugin } from './plugin.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] traefik-cb seed=${seed} (replay: FC_SEED=${seed})`);

const T0 = 1_767_268_800_000;

interface Req {
  gap: number;
  latency: number;
  status: number;
  route: string;
}

interface Outcome {
  kind: string;
  status?: number;
  reason: string;
  data: unknown;
  /** The breaker of the request's router just before access, from the snapshot. */
  before: { state: string; until: number | null } | undefined;
  at: number;
}

/**
 * Requests arrive after their gaps and are answered `latency` ms later; accesses and responses are
 * interleaved in time order (so requests are in flight when the breaker trips), as the pipeline runs them.
 */
function run(raw: Record<string, unknown>, reqs: Req[]): { outcomes: Outcome[]; responses: string[]; final: unknown } {
  const hooks: PluginHooks = hooksOf(traefikCircuitBreakerPlugin, raw);
  const events: Array<{ t: number; seq: number; i: number; phase: 'access' | 'response' }> = [];
  let t = T0;
  reqs.forEach((r, i) => {
    t += r.gap;
    events.push({ t, seq: events.length, i, phase: 'access' }, { t: t + r.latency, seq: events.length + 1, i, phase: 'response' });
  });
  events.sort((a, b) => a.t - b.t || a.seq - b.seq);
  const ctxs = new Map<number, RequestContext>();
  const outcomes: Outcome[] = [];
  const responses: string[] = [];
  for (const e of events) {
    const h = host(e.t);
    const r = reqs[e.i] as Req;
    if (e.phase === 'access') {
      const ctx = context({ id: `p-${e.i}` });
      ctx.match = { route: { id: r.route } as RouteIR, service: undefined, reason: '' };
      const snap = hooks.snapshot?.(h) as { routers: Record<string, { state: string; until: number | null }> };
      const v = hooks.access?.(ctx, h) as Verdict;
      if (v.kind === 'next') ctxs.set(e.i, ctx);
      outcomes.push({ kind: v.kind, status: v.kind === 'reply' ? v.status : undefined, reason: v.reason, data: v.data, before: snap.routers[r.route], at: e.t });
    } else {
      const ctx = ctxs.get(e.i);
      if (!ctx) continue;
      ctx.response = { status: r.status, headers: new HeaderMap(), source: r.status === 502 || r.status === 504 ? 'gateway' : 'upstream' };
      responses.push((hooks.response?.(ctx, h) as Verdict).reason);
    }
  }
  return { outcomes, responses, final: hooks.snapshot?.(host(t + 60_000)) };
}

const reqArb = fc.record({
  gap: fc.integer({ min: 0, max: 400 }),
  latency: fc.integer({ min: 0, max: 3000 }),
  status: fc.constantFrom(200, 200, 200, 404, 500, 502, 502, 503, 504),
  route: fc.constantFrom('orders', 'orders', 'payments'),
});

/** Long enough to trip, fall back and recover: 20–200 requests over up to 80 s. */
const trafficArb = fc.array(reqArb, { minLength: 20, maxLength: 200, size: 'large' });

/** Each run replays a few hundred requests; a loaded machine needs more than vitest's 5 s. */
const TIMEOUT_MS = 60_000;

const configArb = fc.record({
  expression: fc.constantFrom(
    'NetworkErrorRatio() > 0.5',
    'ResponseCodeRatio(500, 600, 0, 600) > 0.25',
    'LatencyAtQuantileMS(50.0) > 1000 || NetworkErrorRatio() >= 0.3',
    'NetworkErrorRatio() > 0.2 && ResponseCodeRatio(500, 505, 0, 600) != 0.0',
  ),
  checkPeriod: fc.constantFrom('100ms', '1s', '50ms'),
  fallbackDuration: fc.constantFrom('2s', '10s', 5),
  recoveryDuration: fc.constantFrom('3s', '10s'),
  responseCode: fc.constantFrom(503, 429),
});

describe('traefik-circuit-breaker properties (semantics §4 / Traefik circuitBreaker; vulcand/oxy cbreaker)', () => {
  it('the same config and traffic give the same decisions, reasons and final state', () => {
    fc.assert(
      fc.property(configArb, trafficArb, (raw, reqs) => {
        expect(run(raw, reqs)).toEqual(run(raw, reqs));
      }),
      { seed, numRuns: 40 },
    );
  }, TIMEOUT_MS);

  it('never forwards while tripped; while recovering, forwards only below the ramp’s target share', () => {
    fc.assert(
      fc.property(configArb, trafficArb, (raw, reqs) => {
        for (const o of run(raw, reqs).outcomes) {
          if (o.before?.state === 'tripped' && o.at < (o.before.until as number)) {
            expect(o.kind).toBe('reply');
            expect(o.status).toBe(raw.responseCode);
          }
          const d = o.data as { state?: string; rampTarget?: number; rampAllowed?: number; rampDenied?: number } | undefined;
          if (o.kind === 'next' && d?.state === 'recovering') {
            const { rampTarget, rampAllowed, rampDenied } = d as Required<typeof d>;
            expect(rampAllowed / (rampAllowed + rampDenied)).toBeLessThan(rampTarget);
          }
          if (o.kind === 'reply') expect(['tripped', 'recovering']).toContain(d?.state);
        }
      }),
      { seed, numRuns: 80 },
    );
  }, TIMEOUT_MS);
});
