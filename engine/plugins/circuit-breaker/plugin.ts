/**
 * The classic circuit breaker as a gateway plugin (resilience4j semantics, semantics §9), driven by the
 * xstate machine in engine/machines/circuit-breaker/. access asks the breaker for permission and fails
 * fast with a 503 while it is OPEN (or HALF_OPEN with every trial slot taken); response records how
 * the call went. The decision reasons are the trace: this plugin emits no events of its own.
 *
 * State lives per plugin instance and per gateway replica, like resilience4j's one breaker per JVM:
 * three replicas behind a load balancer trip three times, each on the calls it saw.
 */
import { closedMinimumCalls, halfOpenMinimumCalls, isConsecutiveMode } from '../../machines/circuit-breaker/config.ts';
import { initialState, PHASE_NAMES, step, type StepResult } from '../../machines/circuit-breaker/transition.ts';
import type { BreakerEvent, BreakerState } from '../../machines/circuit-breaker/state.ts';
import { tally } from '../../machines/circuit-breaker/window.ts';
import { next, reply, type DecisionData, type GatewayResponse, type PluginDefinition, type PluginEnv, type PluginHooks, type PluginHost, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import { describeStatuses, isFailureStatus, parseCircuitBreakerConfig, type CircuitBreakerConfig } from './config.ts';

/**
 * 890: after every access-phase plugin that can refuse a request — auth (≥ 950: acl 950, key-auth
 * 1250, jwt 1450, …), Kong's ip-restriction (990) and request-size-limiting (951), rate-limiting
 * (910) and response-ratelimiting (900) — so a request they refuse never takes a breaker permission
 * (a HALF_OPEN trial slot above all) and never counts as a call; before request-transformer (801) and
 * the serverless plugins (aws-lambda 750) that stand in for the upstream, so a failing-fast request
 * does no transform work and the breaker guards whatever calls the backend.
 */
export const CIRCUIT_BREAKER_PRIORITY = 890;

export const PLUGIN_ID = 'circuit-breaker';

/** What access leaves for the response hook of the same request. */
interface BreakerVars {
  instance: string;
  /** host.now() when permission was asked: slow calls are measured from here. */
  startedAt: number;
  verdict: 'permitted' | 'rejected' | 'done';
}

function verdictData(r: StepResult): DecisionData {
  const last = r.transitions.at(-1);
  return {
    state: PHASE_NAMES[r.state.phase],
    decision: r.decision.kind,
    transition: r.transitions.length ? r.transitions.map((t) => `${PHASE_NAMES[t.from]} → ${PHASE_NAMES[t.to]}`).join(', ') : undefined,
    cause: last?.cause,
    retryInMs: r.decision.kind === 'rejected' ? r.decision.retryInMs : undefined,
  };
}

/** The reason in one line: phase changes first (they happened first), then the decision. */
function explain(r: StepResult, prefix = 'circuit breaker'): string {
  return `${prefix} ${[...r.transitions.map((t) => t.reason), r.decision.reason].join(' — ')}`;
}

/** How the call went: a failure, a success, or never called (a later plugin answered first). */
function outcomeOf(res: GatewayResponse, config: CircuitBreakerConfig): { kind: 'failure' | 'success' | 'not-called'; why: string } {
  if (res.source === 'upstream') {
    return isFailureStatus(config, res.status)
      ? { kind: 'failure', why: `upstream answered ${res.status}, in failureStatuses ${describeStatuses(config)}` }
      : { kind: 'success', why: `upstream answered ${res.status}` };
  }
  // The gateway's own 502/504 (and a 503 for no target) mean the upstream could not be used.
  if (res.status === 502 || res.status === 503 || res.status === 504) return { kind: 'failure', why: `the gateway answered ${res.status} itself: the upstream failed or was unreachable` };
  return { kind: 'not-called', why: `the gateway answered ${res.status} before calling the upstream` };
}

/**
 * One replica's breaker, driven by the pure step() function. The xstate machine
 * (machines/circuit-breaker/machine.ts) is built on the same primitives and its model test proves it
 * answers exactly as step() does; an actor's send costs ~10× more per request, so the plugin steps the
 * function and the machine stays the source of the diagram. Every move goes into the trace.
 */
class PureBreaker {
  state: BreakerState;

  constructor(
    private readonly config: CircuitBreakerConfig,
    now: number,
    private readonly instance: string,
    public host: PluginHost,
  ) {
    this.state = initialState(config, now);
  }

  send(event: BreakerEvent): StepResult {
    const result = step(this.state, event, this.config);
    this.state = result.state;
    for (const t of result.transitions) {
      this.host.transition?.({ machine: PLUGIN_ID, subject: this.instance, from: PHASE_NAMES[t.from], to: PHASE_NAMES[t.to], reason: t.reason, at: t.at });
    }
    return result;
  }
}

export function createCircuitBreakerHooks(config: CircuitBreakerConfig, env: PluginEnv): PluginHooks {
  // Keyed by replica as well, so per-replica state holds even if a host shares one instance.
  const breakers = new Map<string, PureBreaker>();
  // The trace names the instance and, where it is attached, what to (the lab's row label shows the latter).
  const subject = env.label !== undefined ? `${env.instanceId} (${env.label})` : env.instanceId;
  const breakerOf = (host: PluginHost): PureBreaker => {
    let b = breakers.get(host.replica);
    if (!b) breakers.set(host.replica, (b = new PureBreaker(config, host.now(), subject, host)));
    b.host = host;
    return b;
  };

  return {
    access(ctx: RequestContext, host: PluginHost): Verdict {
      const now = host.now();
      const r = breakerOf(host).send({ type: 'request', now });
      const permitted = r.decision.kind === 'permitted';
      ctx.vars[PLUGIN_ID] = { instance: env.instanceId, startedAt: now, verdict: permitted ? 'permitted' : 'rejected' } satisfies BreakerVars;
      if (permitted) return next(explain(r), verdictData(r));
      const retryInMs = r.decision.kind === 'rejected' ? r.decision.retryInMs : null;
      const body = {
        message: 'Service unavailable: the circuit breaker is open',
        state: PHASE_NAMES[r.state.phase],
        retry_after_ms: retryInMs,
        reason: r.decision.reason,
      };
      return reply(503, explain(r), {
        headers: [
          ['content-type', 'application/json; charset=utf-8'],
          ['x-gatelab-breaker', 'open'],
        ],
        body: JSON.stringify(body),
        data: verdictData(r),
      });
    },

    response(ctx: RequestContext, host: PluginHost): Verdict {
      const vars = ctx.vars[PLUGIN_ID] as BreakerVars | undefined;
      if (!vars || vars.instance !== env.instanceId) return next('circuit breaker not asked: an earlier plugin answered this request');
      if (vars.verdict === 'rejected') return next('circuit breaker: the 503 is its own fail-fast answer, not a call; not counted');
      if (vars.verdict === 'done' || !ctx.response) return next('circuit breaker: already recorded');
      vars.verdict = 'done';
      const now = host.now();
      const outcome = outcomeOf(ctx.response, config);
      const durationMs = now - vars.startedAt;
      const r =
        outcome.kind === 'not-called'
          ? breakerOf(host).send({ type: 'release', now })
          : breakerOf(host).send({ type: 'result', now, failed: outcome.kind === 'failure', durationMs });
      return next(explain(r, `circuit breaker: ${outcome.why} after ${durationMs} ms —`), { ...verdictData(r), outcome: outcome.kind, durationMs });
    },

    snapshot(host: PluginHost): Record<string, unknown> {
      const now = host.now();
      // Time-driven changes due by now are shown, not stored: looking must not change the run.
      const view = step(breakers.get(host.replica)?.state ?? initialState(config, now), { type: 'tick', now }, config);
      const s = view.state;
      const t = tally(s.window, now);
      const rate = (part: number): number | null => (t.calls === 0 ? null : Math.round((part * 1000) / t.calls) / 10);
      return {
        state: PHASE_NAMES[s.phase],
        since: s.since,
        openedAt: s.phase === 'open' ? s.since : null,
        openedBecause: s.openedBecause || null,
        openings: s.openings,
        failureRate: rate(t.failed),
        slowCallRate: rate(t.slow),
        calls: t.calls,
        failedCalls: t.failed,
        slowCalls: t.slow,
        minimumNumberOfCalls: s.phase === 'half_open' ? halfOpenMinimumCalls(config) : closedMinimumCalls(config),
        window: s.window.kind === 'count' ? `COUNT_BASED, last ${s.window.size} calls` : `TIME_BASED, last ${s.window.seconds} s`,
        consecutiveFailures: isConsecutiveMode(config) ? s.consecutiveFailures : null,
        trialPermitsLeft: s.phase === 'half_open' ? s.permitsLeft : null,
        retryInMs: s.phase === 'open' ? Math.max(0, s.since + config.waitDurationInOpenState - now) : null,
        reason: view.decision.reason,
      };
    },
  };
}

export const circuitBreakerPlugin: PluginDefinition<CircuitBreakerConfig> = {
  id: PLUGIN_ID,
  priority: CIRCUIT_BREAKER_PRIORITY,
  parse: parseCircuitBreakerConfig,
  create: createCircuitBreakerHooks,
};
