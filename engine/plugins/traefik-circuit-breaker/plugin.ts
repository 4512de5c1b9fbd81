/**
 * Traefik's `circuitBreaker` middleware (vulcand/oxy cbreaker inside traefik/traefik
 * pkg/middlewares/circuitbreaker). The access hook is oxy's activateFallback: forward, or answer with
 * the fallback. The response hook is the rest of oxy's serve(): record the status and latency of a
 * request this breaker forwarded, then maybe check the condition. A breaker sees only what happens
 * behind it: a request answered before it never reaches it, and its own fallback answers are not
 * recorded. State is per replica and per router (Traefik builds one breaker per router that uses the
 * middleware), kept lazily — nothing moves between requests.
 */
import { next, reply, type DecisionData, type PluginDefinition, type PluginEnv, type PluginHooks, type PluginHost, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import { admit, INITIAL_BREAKER, observe, type BreakerCore, type Transition } from './breaker.ts';
import { parseTraefikCircuitBreakerConfig, type TraefikCircuitBreakerConfig } from './config.ts';
import { explain } from './expression.ts';
import { RtMetrics } from './metrics.ts';
import { admitReason, fallbackResponse, observeReason, transitionReason } from './respond.ts';

export const TRAEFIK_CB_ID = 'traefik-circuit-breaker';
/** Traefik runs middlewares in declared order; the priority only matters to Kong-style ordering. */
export const TRAEFIK_CB_PRIORITY = 800;
/** The machine name on breaker.transition trace events. */
export const TRAEFIK_CB_MACHINE = 'traefik-circuit-breaker';

interface RouterBreaker {
  core: BreakerCore;
  metrics: RtMetrics;
}

/** What the access hook leaves for the response hook of the same request. */
interface CbVars {
  key: string;
  /** Set when the request was forwarded: latency runs from here (oxy starts its clock in serve()). */
  forwardedAt?: number;
}

export function createTraefikCircuitBreakerHooks(config: TraefikCircuitBreakerConfig, env: PluginEnv): PluginHooks {
  const breakers = new Map<string, RouterBreaker>();
  // Per instance: two breakers in one chain each record what is behind them.
  const varsKey = `${TRAEFIK_CB_ID}:${env.instanceId}`;
  const condition = config.condition;

  /** Tells the host (→ a breaker.transition trace event); each move happens when oxy makes it, so no `at`. */
  const announce = (host: PluginHost, key: string, t: Transition, before: BreakerCore, after: BreakerCore): void => {
    const route = key.split('\u0000')[1];
    const subject = route ? `${env.instanceId} (router ${route})` : env.instanceId;
    host.transition?.({ machine: TRAEFIK_CB_MACHINE, subject, from: t.from, to: t.to, reason: transitionReason(t, before, after, config) });
  };

  const breakerFor = (key: string): RouterBreaker => {
    let b = breakers.get(key);
    if (!b) breakers.set(key, (b = { core: INITIAL_BREAKER, metrics: new RtMetrics() }));
    return b;
  };

  return {
    access(ctx: RequestContext, host: PluginHost): Verdict {
      if (!condition) return next(`the expression ${JSON.stringify(config.expression)} was rejected, so Traefik would not build this middleware at all; gatelab lets the request through`);
      const key = `${host.replica}\u0000${ctx.match?.route.id ?? ''}`;
      const b = breakerFor(key);
      const now = host.now();
      const before = b.core;
      const res = admit(before, config, now);
      b.core = res.core;
      for (const t of res.transitions) announce(host, key, t, before, res.core);
      const reason = admitReason(res, before, config, now);
      const data: DecisionData = {
        state: res.core.state,
        transition: res.transitions.map((t) => `${t.from}→${t.to}`).join(', ') || undefined,
        until: Number.isFinite(res.core.until) ? res.core.until : undefined,
        rampTarget: res.ramp?.target,
        rampAllowed: res.ramp?.allowed,
        rampDenied: res.ramp?.denied,
      };
      if (res.forward) {
        ctx.vars[varsKey] = { key, forwardedAt: now } satisfies CbVars;
        return next(reason, data);
      }
      ctx.vars[varsKey] = { key } satisfies CbVars;
      const fallback = fallbackResponse(config.responseCode);
      return reply(config.responseCode, reason, { headers: fallback.headers, body: fallback.body, data });
    },

    response(ctx: RequestContext, host: PluginHost): Verdict {
      const vars = ctx.vars[varsKey] as CbVars | undefined;
      if (!condition || !vars) return next('the request was answered before it reached the circuit breaker: nothing to record');
      if (vars.forwardedAt === undefined) return next('the circuit breaker answered this request itself: its fallback is not recorded in the metrics');
      const b = breakerFor(vars.key);
      const now = host.now();
      const status = ctx.response?.status ?? 200;
      const recorded = { status, source: ctx.response?.source ?? 'upstream', latencyMs: now - vars.forwardedAt } as const;
      b.metrics.record(now, status, recorded.latencyMs);
      const before = b.core;
      const res = observe(before, config, now, () => explain(condition, b.metrics.view(now)));
      b.core = res.core;
      if (res.kind === 'checked' && res.transition) {
        b.metrics.reset(now);
        announce(host, vars.key, res.transition, before, res.core);
      }
      const data: DecisionData = {
        state: res.core.state,
        status,
        latencyMs: recorded.latencyMs,
        networkError: status === 502 || status === 504,
        checked: res.kind === 'checked',
        matched: res.kind === 'checked' ? res.matched : undefined,
        transition: res.kind === 'checked' && res.transition ? `${res.transition.from}→${res.transition.to}` : undefined,
      };
      return next(observeReason(recorded, res, config), data);
    },

    snapshot(host: PluginHost): Record<string, unknown> {
      const now = host.now();
      const routers: Record<string, unknown> = {};
      for (const [key, b] of breakers) {
        const [replica, route] = key.split('\u0000') as [string, string];
        if (replica !== host.replica) continue;
        const { core } = b;
        routers[route || '-'] = {
          state: core.state,
          until: Number.isFinite(core.until) ? core.until : null,
          nextCheckAfter: Number.isFinite(core.lastCheck) ? core.lastCheck : null,
          trip: core.trip,
          recovery: core.recovery,
          metrics: b.metrics.summary(now),
        };
      }
      return { expression: config.expression, routers };
    },
  };
}

export const traefikCircuitBreakerPlugin: PluginDefinition<TraefikCircuitBreakerConfig> = {
  id: TRAEFIK_CB_ID,
  priority: TRAEFIK_CB_PRIORITY,
  parse: parseTraefikCircuitBreakerConfig,
  create: createTraefikCircuitBreakerHooks,
};
