/**
 * Kong plugin entries → PluginInstanceIR. Each entry's config is parsed by the gatelab plugin itself
 * (semantics §1: the plugin owns its schema), through a reporter that turns paths relative to `config`
 * into file:line:column. Names Kong ships but gatelab does not model load with a warning, so the
 * lesson's files run; names Kong does not know are errors, as in Kong.
 */
import type { PluginInstanceIR, RealIpIR } from '../ir.ts';
import type { ConfigReporter } from '../../pipeline/types.ts';
import { type AdaptContext, type EntityNode, type ParentKind, fieldPath, formatLoc, isRecord } from './context.ts';
import type { Collected } from './collect.ts';
import { kongBundledPluginNames } from './bundled-plugins.ts';
import type { ConsumerInfo } from './consumers.ts';
import { entityId } from './ids.ts';
import { nearest } from './nearest.ts';
import { readRealIpPlugin } from './real-ip.ts';
import { type Indexed, resolveRef } from './refs.ts';
import { describe, readBool, readString, readStringList } from './read.ts';
import type { RouteInfo } from './routes.ts';
import type { ServiceInfo } from './services.ts';

export interface PluginRefs {
  services: Indexed<ServiceInfo>;
  routes: Indexed<RouteInfo>;
  consumers: Indexed<ConsumerInfo>;
}

export interface BuiltPlugins {
  plugins: PluginInstanceIR[];
  /** Settings from `real-ip` entries, in file order. */
  realIp: Array<Partial<RealIpIR>>;
}

/** Plugins Kong forbids on a consumer (their schema's `consumer = typedefs.no_consumer`). */
const NO_CONSUMER = ['key-auth', 'jwt', 'basic-auth', 'hmac-auth', 'ldap-auth', 'oauth2', 'acl', 'cors', 'session'];

const SCOPES = [
  { field: 'route', parent: 'route', entities: 'routes' },
  { field: 'service', parent: 'service', entities: 'services' },
  { field: 'consumer', parent: 'consumer', entities: 'consumers' },
] as const;

export function buildPlugins(ctx: AdaptContext, collected: Collected, refs: PluginRefs): BuiltPlugins {
  const out: BuiltPlugins = { plugins: [], realIp: [] };
  const ids = new Map<string, EntityNode>();
  for (const node of collected.plugins) {
    const name = readString(ctx, node, 'name');
    if (name === undefined) {
      ctx.error(node.doc, node.path, 'GL_E_CONFIG_INVALID', `${node.label} needs a name`, 'e.g. name: rate-limiting');
      continue;
    }
    if (name === 'real-ip') {
      const settings = readRealIpPlugin(ctx, node);
      if (settings) out.realIp.push(settings);
      continue;
    }
    const scope = readScope(ctx, node, refs);
    if (!scope) continue;
    if (scope.consumer !== undefined && NO_CONSUMER.includes(name)) {
      // Kong's schemas of these plugins say `consumer = typedefs.no_consumer`: they decide who the consumer is.
      ctx.error(node.doc, node.parent?.kind === 'consumer' ? fieldPath(node, 'name') : fieldPath(node, 'consumer'), 'GL_E_CONFIG_INVALID', `schema violation (consumer: value must be null): ${name} cannot be configured on a consumer`, 'attach it to a route, a service or globally');
      continue;
    }
    readStringList(ctx, node, 'protocols');
    const enabled = readBool(ctx, node, 'enabled', true);
    const id = entityId(ctx, node, 'plugins', readString(ctx, node, 'instance_name') ?? cacheKey(name, node, scope));
    // Kong keeps one instance of a plugin per (route, service, consumer), however each was written.
    const scopeKey = [name, scope.route ?? '', scope.service ?? '', scope.consumer ?? ''].join('|');
    const first = ids.get(id) ?? ids.get(scopeKey);
    if (first) {
      ctx.error(
        node.doc,
        fieldPath(node, 'name'),
        'GL_E_CONFIG_REFERENCE',
        `uniqueness violation: a ${name} plugin is already configured for this route, service and consumer (first at ${formatLoc(ctx.loc(first.doc, first.path))})`,
        'Kong allows one instance of a plugin per scope; merge their configs',
      );
      continue;
    }
    ids.set(id, node);
    ids.set(scopeKey, node);
    const instance = parseInstance(ctx, node, name, id, scope, enabled);
    if (instance) out.plugins.push(instance);
  }
  return out;
}

function parseInstance(
  ctx: AdaptContext,
  node: EntityNode,
  name: string,
  instanceId: string,
  scope: PluginInstanceIR['scope'],
  enabled: boolean,
): PluginInstanceIR | undefined {
  const raw = node.value['config'];
  if (raw !== undefined && raw !== null && !isRecord(raw)) {
    ctx.error(node.doc, fieldPath(node, 'config'), 'GL_E_TYPE', `config of ${node.label} must be a mapping, not ${describe(raw)}`);
    return undefined;
  }
  const def = ctx.plugins.find(name);
  if (!def) {
    reportUnmodelled(ctx, node, name);
    return undefined;
  }
  const configPath = fieldPath(node, 'config');
  const at = (path: Array<string | number>, code: string) => ({
    path: [...configPath, ...path],
    key: code === 'GL_E_UNKNOWN_FIELD' || code === 'GL_W_UNKNOWN_FIELD',
  });
  const reporter: ConfigReporter = {
    error(path, code, message, hint) {
      const w = at(path, code);
      ctx.error(node.doc, w.path, code, `${name}: ${message}`, hint, w.key);
    },
    warn(path, code, message, hint) {
      const w = at(path, code);
      ctx.warn(node.doc, w.path, code, `${name}: ${message}`, hint, w.key);
    },
  };
  let config: unknown;
  try {
    config = def.parse(raw ?? {}, reporter);
  } catch (e) {
    // A plugin's parse reports instead of throwing; if one throws anyway, the load must still not crash.
    ctx.error(node.doc, configPath, 'GL_E_CONFIG_INVALID', `the ${def.id} plugin could not read this config: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  return { instanceId, plugin: def.id, vendorName: name, config, scope, enabled, loc: ctx.loc(node.doc, node.path) };
}

function reportUnmodelled(ctx: AdaptContext, node: EntityNode, name: string): void {
  const kong = kongBundledPluginNames();
  if (kong.includes(name) || ctx.plugins.mapped().includes(name)) {
    ctx.warn(node.doc, fieldPath(node, 'name'), 'GL_W_NO_EFFECT', `gatelab does not model the ${name} plugin yet; it is ignored`, 'requests pass as if the entry were absent');
    return;
  }
  const hit = nearest(name, [...new Set([...kong, ...ctx.plugins.mapped()])]);
  ctx.error(
    node.doc,
    fieldPath(node, 'name'),
    'GL_E_CONFIG_UNKNOWN_PLUGIN',
    `plugin '${name}' not enabled; Kong ships no plugin by that name`,
    hit?.close ? `did you mean "${hit.name}"?` : `the nearest Kong plugin name is "${hit?.name ?? ''}"`,
  );
}

/**
 * The plugin's route, service and consumer, as ids. A nested entry takes its parent's id; a top-level
 * one names its targets. Returns undefined when a reference is broken (already reported).
 */
function readScope(ctx: AdaptContext, node: EntityNode, refs: PluginRefs): PluginInstanceIR['scope'] | undefined {
  const scope: PluginInstanceIR['scope'] = {};
  let ok = true;
  for (const s of SCOPES) {
    const raw = node.value[s.field];
    if (node.parent?.kind === s.parent) {
      if (raw !== undefined && raw !== null) {
        ctx.error(node.doc, fieldPath(node, s.field), 'GL_E_CONFIG_INVALID', `${node.label} is nested in a ${s.parent} and may not name another one`, `remove ${s.field}: here`, true);
        ok = false;
      }
      const id = parentId(node.parent.node, node.parent.kind, refs);
      if (id) scope[s.field] = id;
      else ok = false;
      continue;
    }
    if (raw === undefined || raw === null) continue;
    const index = refs[s.entities] as Indexed<{ node: EntityNode; ir: { id: string } }>;
    const hit = resolveRef(ctx, node, s.field, index, s.entities);
    if (hit) scope[s.field] = hit.ir.id;
    else ok = false;
  }
  return ok ? scope : undefined;
}

function parentId(parent: EntityNode, kind: ParentKind, refs: PluginRefs): string | undefined {
  const list: Array<{ node: EntityNode; ir: { id: string } }> =
    kind === 'route' ? [...refs.routes.byId.values()] : kind === 'service' ? [...refs.services.byId.values()] : [...refs.consumers.byId.values()];
  return list.find((e) => e.node === parent)?.ir.id;
}

/**
 * Kong's cache key for a plugin without instance_name: "plugins:<name>:<route>:<service>:<consumer>",
 * each part the parent's id when nested, the reference as written for a top-level entry, "" when
 * absent. (Kong leaves out a part written as a mapping; gatelab copies that, as it only shapes the id.)
 */
function cacheKey(name: string, node: EntityNode, scope: PluginInstanceIR['scope']): string {
  const parts = ['plugins', name];
  for (const s of SCOPES) {
    const raw = node.value[s.field];
    if (node.parent?.kind === s.parent) parts.push(scope[s.field] ?? '');
    else if (typeof raw === 'string') parts.push(raw);
    else if (raw === undefined || raw === null) parts.push('');
  }
  return parts.join(':');
}
