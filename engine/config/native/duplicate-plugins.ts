/**
 * A plugin listed twice for the same scope. Where plugins run by priority, the pipeline keeps one
 * instance of each plugin per scope (engine/pipeline/plugin-resolution.ts: the first enabled one in
 * file order, since a later one of equal precedence never replaces it), so a second `rate-limit` on
 * the same route would be dropped without a word. This check says so at the dropped entry.
 *
 * Kong refuses such a config outright — its plugins table is unique on (name, route, service,
 * consumer), in DB mode ("UNIQUE violation detected on '{consumer=null,name=...}'", Kong/kong#8276)
 * and in declarative config (the Kong adapter reports it as a uniqueness violation). The native form
 * is gatelab's own, so it loads the file and warns instead.
 */
import type { Diagnostic, SourceLoc } from '../../core/errors.ts';
import type { GatewayIR, PluginInstanceIR } from '../ir.ts';

/** Warnings for every enabled instance that loses to an earlier one with the same plugin and scope. */
export function duplicatePluginWarnings(ir: GatewayIR): Diagnostic[] {
  // In declared order every instance runs (two header filters are two filters): nothing is dropped.
  if (ir.pluginOrder === 'declared') return [];
  const routeIds = idsByReference(ir.routes);
  const serviceIds = idsByReference(ir.services);
  const firstByScope = new Map<string, PluginInstanceIR>();
  const warnings: Diagnostic[] = [];
  for (const p of ir.plugins) {
    // A disabled instance never runs, so it cannot hide another one and none can hide it.
    if (!p.enabled) continue;
    const key = scopeKey(p, routeIds, serviceIds);
    const first = firstByScope.get(key);
    if (!first) {
      firstByScope.set(key, p);
      continue;
    }
    warnings.push({
      severity: 'warning',
      code: 'GL_W_NO_EFFECT',
      message:
        `${p.plugin} is configured twice ${describeScope(p)}; only the first entry${first.loc ? ` (${place(first.loc)})` : ''} runs ` +
        'and this one is ignored: a scope keeps one instance of a plugin',
      hint: 'merge the two configs into one entry or attach this one to another route or service; Kong would reject the file',
      ...(p.loc ? { loc: p.loc } : {}),
    });
  }
  return warnings;
}

/** A route or service may be named by its name or its id; both map to the id. */
function idsByReference(entities: ReadonlyArray<{ id: string; name?: string }>): Map<string, string> {
  const ids = new Map<string, string>();
  for (const e of entities) {
    ids.set(e.id, e.id);
    if (e.name !== undefined) ids.set(e.name, e.id);
  }
  return ids;
}

function scopeKey(p: PluginInstanceIR, routeIds: Map<string, string>, serviceIds: Map<string, string>): string {
  const { route, service, consumer } = p.scope;
  // A reference that names nothing keeps its text, so two entries with the same broken name still
  // count as one scope (the adapter reports the broken reference itself).
  const parts = [p.plugin, route === undefined ? '' : (routeIds.get(route) ?? route), service === undefined ? '' : (serviceIds.get(service) ?? service), consumer ?? ''];
  return JSON.stringify(parts);
}

function describeScope(p: PluginInstanceIR): string {
  const { route, service, consumer } = p.scope;
  const parts = [
    ...(route !== undefined ? [`route '${route}'`] : []),
    ...(service !== undefined ? [`service '${service}'`] : []),
    ...(consumer !== undefined ? [`consumer '${consumer}'`] : []),
  ];
  return parts.length === 0 ? 'globally' : `for ${parts.join(' and ')}`;
}

function place(loc: SourceLoc): string {
  return `at ${loc.file}:${loc.line}:${loc.col}`;
}
