/**
 * Where a plugin instance is attached, in the words of its config: traces that name an instance (a
 * breaker's moves) say "service payments" beside its id, which a student finds in the YAML, where a
 * generated instance id means nothing to them (PluginEnv.label).
 */
import type { GatewayIR } from '../config/ir.ts';
import type { PluginScope } from './types.ts';

/** Its route, else its service, else its consumer, by name; undefined for a global instance. */
export function scopeLabel(ir: Pick<GatewayIR, 'routes' | 'services' | 'consumers'>, scope: PluginScope): string | undefined {
  // Scopes hold an id or a name depending on the dialect: either finds the item, and an unknown one is shown as written.
  const named = <T extends { id: string; name: string }>(items: readonly T[], ref: string | undefined): string | undefined =>
    ref === undefined ? undefined : (items.find((i) => i.id === ref || i.name === ref)?.name ?? ref);
  const route = named(ir.routes, scope.route);
  if (route !== undefined) return `route ${route}`;
  const service = named(ir.services, scope.service);
  if (service !== undefined) return `service ${service}`;
  if (scope.consumer === undefined) return undefined;
  const consumer = ir.consumers.find((c) => c.id === scope.consumer);
  return `consumer ${consumer?.username ?? consumer?.customId ?? scope.consumer}`;
}
