/**
 * The canary-rollout plugin: an automated canary rollout (what Flagger or Argo Rollouts do to a
 * gateway's weights) run inside the gateway. The access hook picks primary or canary for each request
 * and points the proxy stage at that service; the log hook tells the rollout machine how the request
 * went, and the machine moves the weight along the plan, pauses for data, promotes or rolls back.
 *
 * The rollout starts at the first request a replica sees: there is no controller process and no
 * timer, so "the rollout begins" is the first instant the plugin is asked anything. Each replica runs
 * its own rollout (as a rate-limit counter is per replica): with several replicas, each judges the
 * canary on the requests it proxied itself.
 */
import type { ServiceIR } from '../../config/ir.ts';
import { formatIsoInstant } from '../../core/calendar.ts';
import { isTerminal, type RolloutChange, type RolloutEvent, type RolloutState } from '../../machines/rollout/plan.ts';
import { startRollout, transition } from '../../machines/rollout/transition.ts';
import { prune, sliceOf, stats } from '../../machines/rollout/window.ts';
import { next, type PluginDefinition, type PluginEnv, type PluginHooks, type PluginHost, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import { parseCanaryRolloutConfig, type CanaryRolloutConfig } from './config.ts';
import { choose, isFailure, type Backend, type RolloutView } from './decide.ts';

export const CANARY_ROLLOUT_ID = 'canary-rollout';
/**
 * Low, so that in a priority-ordered chain auth and rate limits run first: a request the gateway
 * refuses is never drawn for a backend and never counts as the canary's traffic.
 */
export const CANARY_ROLLOUT_PRIORITY = 10;
/** The snapshot keeps the latest changes only; a flapping pause must not grow it without end. */
const HISTORY_LIMIT = 50;

/**
 * Per replica, the rollout is driven by the pure transition function, not an xstate actor: the
 * machine (machines/rollout/machine.ts) calls the same function in its guards and the model test
 * proves they agree, while an actor's send costs ~10× as much per request. The machine stays the
 * source of the diagram.
 */
interface ReplicaRollout {
  state: RolloutState;
  history: RolloutChange[];
  /** Changes made while recording outcomes (the log hook makes no plugin.decision); told in the next decision. */
  untold: RolloutChange[];
}

interface CanaryVars {
  backend: Backend;
}

export function createCanaryRolloutHooks(config: CanaryRolloutConfig, env: PluginEnv): PluginHooks {
  const services = env.services ?? [];
  const replicas = new Map<string, ReplicaRollout>();
  const steps = config.plan.steps.length;

  const rolloutOf = (host: PluginHost): ReplicaRollout => {
    let r = replicas.get(host.replica);
    if (!r) {
      r = { state: startRollout(config.plan, host.now()), history: [], untold: [] };
      replicas.set(host.replica, r);
    }
    return r;
  };

  const send = (r: ReplicaRollout, host: PluginHost, event: RolloutEvent): RolloutChange[] => {
    if (isTerminal(r.state.status)) return [];
    const result = transition(config.plan, r.state, event);
    r.state = result.state;
    const changes = result.changes;
    // Into the trace as `breaker.transition`, at the instant each change took effect (a lazily
    // noticed step ended earlier than the request that noticed it). from/to are the machine's states.
    for (const c of changes) {
      host.transition?.({ machine: CANARY_ROLLOUT_ID, subject: env.instanceId, from: c.from.status, to: c.to.status, reason: c.reason, at: c.at, weight: { from: c.from.weight, to: c.to.weight } });
    }
    r.history.push(...changes);
    if (r.history.length > HISTORY_LIMIT) r.history.splice(0, r.history.length - HISTORY_LIMIT);
    return changes;
  };

  const viewOf = (r: ReplicaRollout): { view: RolloutView; rollout: RolloutState } => {
    const rollout = r.state;
    const last = r.history.at(-1);
    const ending = last && (last.kind === 'rollback' || last.kind === 'promote') ? last.reason : undefined;
    return { rollout, view: { status: rollout.status, step: rollout.step, steps, weight: rollout.weight, ...(ending ? { ending } : {}) } };
  };

  /** The ServiceIR of a name: from the env, or the route's own pick when it already is that service. */
  const serviceNamed = (name: string, ctx: RequestContext): ServiceIR | undefined =>
    services.find((s) => s.name === name) ?? (ctx.match?.service?.name === name ? ctx.match.service : undefined);

  return {
    access(ctx: RequestContext, host: PluginHost): Verdict {
      const match = ctx.match;
      if (!match) return next('no route matched: nothing to roll out');
      const r = rolloutOf(host);
      const told = [...r.untold.splice(0), ...send(r, host, { type: 'tick', now: host.now() })].map((c) => c.reason);
      const { view, rollout } = viewOf(r);
      const choice = choose(config, ctx.request.headers, view, () => host.draw(CANARY_ROLLOUT_ID, ctx.request.id));
      const name = choice.backend === 'canary' ? config.canary : config.primary;
      const service = serviceNamed(name, ctx);
      ctx.vars[CANARY_ROLLOUT_ID] = { backend: choice.backend } satisfies CanaryVars;
      // A finished rollout's decision already is the ending's reason; do not tell it twice.
      const news = told.filter((t) => t !== choice.reason);
      const prefix = news.length > 0 ? `${news.join('; ')} — ` : '';
      const data = { backend: choice.backend, by: choice.by, state: rollout.status, step: rollout.step + 1, weight: rollout.weight, draw: choice.draw ?? null };
      if (!service) {
        const stays = match.service?.name ?? 'no service';
        return next(`${prefix}${choice.reason}, but this gateway knows no service ${name}: the request stays on ${stays}`, { ...data, service: stays });
      }
      ctx.match = { ...match, service };
      return next(`${prefix}${choice.reason}`, { ...data, service: name });
    },

    log(ctx: RequestContext, host: PluginHost): void {
      if (ctx.vars[CANARY_ROLLOUT_ID] === undefined) return;
      // Only a request that reached a backend says something about it (a 502 from a refused
      // connection does); a 401 or 429 answered by another plugin does not.
      if (ctx.target === undefined && ctx.response?.source !== 'upstream') return;
      const r = replicas.get(host.replica);
      if (!r) return;
      const canary = ctx.match?.service?.name === config.canary;
      const failed = isFailure(config, ctx.response?.status ?? 0);
      r.untold.push(...send(r, host, { type: 'observe', now: host.now(), canary, failed }));
    },

    snapshot(host: PluginHost): Record<string, unknown> {
      const r = replicas.get(host.replica);
      if (!r) {
        return { state: 'notStarted', step: 0, steps, weight: 0, canaryErrorRate: 0, canaryRequests: 0, failedChecks: 0, history: [], note: 'the rollout starts at the first request this replica sees' };
      }
      const plan = config.plan;
      const rollout = r.state;
      // The state at this instant without changing it: the pure function answers "what if time passed".
      const { state, changes } = transition(plan, rollout, { type: 'tick', now: host.now() });
      const window = stats(prune(state.buckets, sliceOf(plan.analysis, state.startedAt, state.lastAt)));
      return {
        state: state.status,
        step: state.step + 1,
        steps,
        weight: state.weight,
        canaryErrorRate: window.rate,
        canaryRequests: window.total,
        canaryFailures: window.failed,
        failedChecks: state.failedChecks,
        startedAt: formatIsoInstant(state.startedAt),
        history: [...r.history, ...changes].map((c) => ({ at: formatIsoInstant(c.at), kind: c.kind, reason: c.reason })),
      };
    },
  };
}

export const canaryRolloutPlugin: PluginDefinition<CanaryRolloutConfig> = {
  id: CANARY_ROLLOUT_ID,
  priority: CANARY_ROLLOUT_PRIORITY,
  parse: parseCanaryRolloutConfig,
  create: createCanaryRolloutHooks,
};
