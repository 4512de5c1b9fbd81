/**
 * Which configured plugin instances apply to a request, and in what order. Kong picks, for each plugin
 * name, the most specific instance and runs the chosen ones by descending priority, whatever order the
 * YAML listed them in. Consumers take part (semantics §6 and Kong's plugin precedence): once an auth
 * plugin has identified the consumer, the plugins still to run are chosen again for that consumer.
 */
import type { ConsumerIR, GatewayIR, PluginInstanceIR, RouteIR, ServiceIR } from '../config/ir.ts';
import { runChain, type ChainHost, type ChainStage, type ReplyVerdict } from './chain.ts';
import type { RequestContext } from './types.ts';

/**
 * Kong's precedence, most specific first: consumer+route+service > consumer+route > consumer+service >
 * route+service > consumer > route > service > global. Note route+service outranks a bare consumer,
 * so the rank is a table, not a sum of weights.
 */
const RANK: Record<string, number> = {
  'c+r+s': 7,
  'c+r': 6,
  'c+s': 5,
  'r+s': 4,
  c: 3,
  r: 2,
  s: 1,
  '': 0,
};

/** How specific an instance's scope is; higher wins. */
export function precedence(p: PluginInstanceIR): number {
  const { route, service, consumer } = p.scope;
  const key = [consumer ? 'c' : '', route ? 'r' : '', service ? 's' : ''].filter(Boolean).join('+');
  return RANK[key] ?? 0;
}

function refersTo(ref: string | undefined, entity: { id: string; name?: string; username?: string } | undefined): boolean {
  if (ref === undefined) return true;
  return entity !== undefined && (ref === entity.id || ref === entity.name || ref === entity.username);
}

export function applicablePlugins(
  ir: GatewayIR,
  route: RouteIR | undefined,
  service: ServiceIR | undefined,
  priorityOf: (pluginId: string) => number,
  consumer?: ConsumerIR,
): PluginInstanceIR[] {
  const best = new Map<string, PluginInstanceIR>();
  // In declared order every instance runs (two header modifiers on one rule are two filters); Kong's
  // "most specific instance per plugin name" applies only where plugins are ordered by priority.
  const declared = ir.pluginOrder === 'declared';
  for (const p of ir.plugins) {
    if (!p.enabled) continue;
    // A consumer-scoped instance applies only once that consumer is known (after authentication).
    if (!refersTo(p.scope.consumer, consumer)) continue;
    if (!refersTo(p.scope.route, route) || !refersTo(p.scope.service, service)) continue;
    if (declared) {
      best.set(p.instanceId, p);
      continue;
    }
    const prev = best.get(p.plugin);
    if (!prev || precedence(p) > precedence(prev)) best.set(p.plugin, p);
  }
  const chosen = [...best.values()];
  if (declared) {
    const at = new Map(ir.plugins.map((p, i) => [p.instanceId, i]));
    return chosen.sort((a, b) => (at.get(a.instanceId) ?? 0) - (at.get(b.instanceId) ?? 0));
  }
  return chosen.sort((a, b) => byPriority(a.plugin, b.plugin, priorityOf));
}

/** Descending priority; equal priorities by plugin id, so the order never depends on the YAML. */
function byPriority(a: string, b: string, priorityOf: (pluginId: string) => number): number {
  return priorityOf(b) - priorityOf(a) || a.localeCompare(b);
}

/** Global instances only: Kong's rewrite phase runs before the router, so nothing else is known yet. */
export function globalPlugins(ir: GatewayIR, priorityOf: (pluginId: string) => number): PluginInstanceIR[] {
  return applicablePlugins(
    { ...ir, plugins: ir.plugins.filter((p) => !p.scope.route && !p.scope.service && !p.scope.consumer) },
    undefined,
    undefined,
    priorityOf,
  );
}

/** True when some instance is scoped to a consumer, so the access phase must re-resolve after auth. */
export function hasConsumerScopedPlugins(ir: GatewayIR): boolean {
  return ir.pluginOrder !== 'declared' && ir.plugins.some((p) => p.enabled && p.scope.consumer !== undefined);
}

/**
 * Runs the access phase one stage at a time. When a stage changes `ctx.consumer` (an auth plugin
 * identified the caller), the stages still to come are chosen again for that consumer: Kong looks up
 * each plugin's configuration when its turn comes, with the consumer known at that moment. Plugins of
 * higher priority than the auth plugin have run already and are not revisited.
 */
export function runAccessPhase(
  stages: readonly ChainStage[],
  ctx: RequestContext,
  host: ChainHost,
  opts: {
    /** The access stages for the context as it is now (with its consumer). */
    restage: (ctx: RequestContext) => readonly ChainStage[];
    priorityOf: (pluginId: string) => number;
    /** False when no instance is consumer-scoped: then one plain chain is enough. */
    reResolve: boolean;
  },
  done: (reply: ReplyVerdict | undefined) => void,
): void {
  if (!opts.reResolve) {
    runChain(stages, ctx, host, done);
    return;
  }
  let queue = stages;
  let index = 0;
  let consumer = ctx.consumer?.id;
  const step = (): void => {
    const stage = queue[index];
    if (!stage) {
      done(undefined);
      return;
    }
    runChain([stage], ctx, host, (reply) => {
      if (reply) {
        done(reply);
        return;
      }
      if (ctx.consumer?.id !== consumer) {
        consumer = ctx.consumer?.id;
        const fresh = opts.restage(ctx);
        // Continue strictly after this stage's place in priority order.
        queue = fresh.filter((s) => byPriority(stage.plugin, s.plugin, opts.priorityOf) < 0);
        index = 0;
      } else {
        index++;
      }
      step();
    });
  };
  step();
}
