/**
 * Which configured plugin instances apply to a request, and in what order. Kong picks, for each plugin
 * name, the most specific instance (route+service beats route beats service beats global) and runs the
 * chosen ones by descending priority, whatever order the YAML listed them in.
 */
import type { GatewayIR, PluginInstanceIR, RouteIR, ServiceIR } from '../config/ir.ts';

/** How specific a scope is; higher wins. Mirrors Kong's precedence for plugins without consumers. */
function specificity(p: PluginInstanceIR): number {
  const { route, service, consumer } = p.scope;
  return (consumer ? 4 : 0) + (route ? 2 : 0) + (service ? 1 : 0);
}

function refersTo(ref: string | undefined, entity: { id: string; name: string } | undefined): boolean {
  if (ref === undefined) return true;
  return entity !== undefined && (ref === entity.id || ref === entity.name);
}

export function applicablePlugins(
  ir: GatewayIR,
  route: RouteIR | undefined,
  service: ServiceIR | undefined,
  priorityOf: (pluginId: string) => number,
): PluginInstanceIR[] {
  const best = new Map<string, PluginInstanceIR>();
  // In declared order every instance runs (two header modifiers on one rule are two filters); Kong's
  // "most specific instance per plugin name" applies only where plugins are ordered by priority.
  const declared = ir.pluginOrder === 'declared';
  for (const p of ir.plugins) {
    if (!p.enabled) continue;
    // Consumer-scoped instances need authentication first; they join with the auth plugins.
    if (p.scope.consumer) continue;
    if (!refersTo(p.scope.route, route) || !refersTo(p.scope.service, service)) continue;
    if (declared) {
      best.set(p.instanceId, p);
      continue;
    }
    const prev = best.get(p.plugin);
    if (!prev || specificity(p) > specificity(prev)) best.set(p.plugin, p);
  }
  const chosen = [...best.values()];
  if (ir.pluginOrder === 'declared') {
    const at = new Map(ir.plugins.map((p, i) => [p.instanceId, i]));
    return chosen.sort((a, b) => (at.get(a.instanceId) ?? 0) - (at.get(b.instanceId) ?? 0));
  }
  return chosen.sort((a, b) => priorityOf(b.plugin) - priorityOf(a.plugin) || a.plugin.localeCompare(b.plugin));
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
