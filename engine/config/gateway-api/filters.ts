/**
 * HTTPRouteFilter → plugin instances, in declared order. What the API server's CEL rules reject is an
 * error: a filter whose config field does not fit its type, a filter type repeated in a rule
 * (RequestMirror excepted), RequestRedirect together with URLRewrite, ReplacePrefixMatch without exactly
 * one PathPrefix match. What the controller refuses makes the rule answer 500 (Envoy Gateway's
 * behaviour): an ExtensionRef it cannot resolve (the spec forbids skipping it), a header modifier that
 * names one header in more than one of set/add/remove. The experimental CORS and DirectResponse
 * filters run too (cors-filter, direct-response); ExternalAuth is left out with a warning.
 */
import { findVendorPlugin } from '../../plugins/index.ts';
import { conflictingNames, type HeaderModifierConfig } from '../../plugins/header-modifier/config.ts';
import type { ConfigReporter } from '../../pipeline/types.ts';
import type { GwMatch } from '../../routing/gateway-api-table.ts';
import type { BackendResolver, ResolvedBackend } from './backends.ts';
import { isRecord, listField, type AdaptContext, type K8sObject } from './context.ts';

export interface FilterModel {
  type: string;
  plugin: string;
  config: unknown;
  at: Array<string | number>;
  /** RequestMirror: where the copy goes (the service name is filled in once names are known). */
  mirror?: ResolvedBackend;
}

const CONFIG_FIELD: Record<string, string> = {
  RequestHeaderModifier: 'requestHeaderModifier',
  ResponseHeaderModifier: 'responseHeaderModifier',
  RequestMirror: 'requestMirror',
  RequestRedirect: 'requestRedirect',
  URLRewrite: 'urlRewrite',
  ExtensionRef: 'extensionRef',
  CORS: 'cors',
  ExternalAuth: 'externalAuth',
  DirectResponse: 'directResponse',
};

export interface ReadFiltersResult {
  filters: FilterModel[];
  /** Why the rule must answer 500, or null. */
  invalid: string | null;
}

export function readFilters(
  ctx: AdaptContext,
  o: K8sObject,
  at: Array<string | number>,
  raw: unknown,
  matches: readonly GwMatch[],
  resolver: BackendResolver,
): ReadFiltersResult {
  const items = listField(ctx, o, at, raw, 'filters');
  if (items.length > 16) ctx.error(o, at, 'GL_E_CONFIG_INVALID', `at most 16 filters, not ${items.length}`);
  const out: ReadFiltersResult = { filters: [], invalid: null };
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const fAt = [...at, i];
    if (!isRecord(item) || typeof item['type'] !== 'string') {
      ctx.error(o, fAt, 'GL_E_CONFIG_INVALID', 'a filter needs a type', `one of ${Object.keys(CONFIG_FIELD).join(', ')}`);
      return;
    }
    const type = item['type'];
    const field = CONFIG_FIELD[type];
    if (!field) {
      ctx.error(o, [...fAt, 'type'], 'GL_E_CONFIG_INVALID', `filter type '${type}' is not defined by Gateway API`, `one of ${Object.keys(CONFIG_FIELD).join(', ')}`);
      return;
    }
    for (const [t, f] of Object.entries(CONFIG_FIELD)) {
      if (t !== type && item[f] !== undefined) ctx.error(o, [...fAt, f], 'GL_E_CONFIG_INVALID', `${f} must not be set on a ${type} filter`, `set type: ${t}, or move ${f} to its own filter`, true);
    }
    if (item[field] === undefined || item[field] === null) {
      ctx.error(o, fAt, 'GL_E_CONFIG_INVALID', `a ${type} filter needs its ${field} field`);
      return;
    }
    if (type !== 'RequestMirror' && type !== 'ExtensionRef' && seen.has(type)) {
      ctx.error(o, [...fAt, 'type'], 'GL_E_CONFIG_INVALID', `${type} appears twice in one filter list; the API server allows it once`, 'merge the two filters into one');
    }
    seen.set(type, i);
    if (type === 'ExtensionRef') {
      const ref = item[field] as Record<string, unknown>;
      const reason = `ExtensionRef ${String(ref['group'] ?? '')}/${String(ref['kind'] ?? '')} ${String(ref['name'] ?? '')} cannot be resolved by this gateway`;
      ctx.warn(o, fAt, 'GL_W_NO_EFFECT', `${reason}; the spec forbids skipping it, so the rule answers 500`);
      out.invalid ??= reason;
      return;
    }
    if (type === 'ExternalAuth') {
      ctx.warn(o, fAt, 'GL_W_NO_EFFECT', 'ExternalAuth is an experimental filter gatelab does not simulate; it is left out, so no request is refused by it');
      return;
    }
    const model = readFilter(ctx, o, fAt, type, field, item[field], resolver);
    if (!model) return;
    const rewritesPrefix = pathModifierType(item[field]) === 'ReplacePrefixMatch';
    if (rewritesPrefix && (matches.length !== 1 || matches[0]?.path.type !== 'PathPrefix')) {
      ctx.error(o, [...fAt, field, 'path'], 'GL_E_CONFIG_INVALID', 'ReplacePrefixMatch needs a rule with exactly one match, of type PathPrefix', 'the API server rejects this HTTPRoute; use ReplaceFullPath or split the rule');
    }
    if (type === 'RequestHeaderModifier' || type === 'ResponseHeaderModifier') {
      const conflicts = conflictingNames(model.config as HeaderModifierConfig);
      if (conflicts.length > 0) {
        const reason = `${type} names ${conflicts.join(', ')} in more than one of set, add and remove`;
        ctx.warn(o, [...fAt, field], 'GL_W_NO_EFFECT', `${reason}; Envoy Gateway refuses such a filter and the rule answers 500`, 'use one action per header name');
        out.invalid ??= reason;
      }
    }
    out.filters.push(model);
  });
  if (seen.has('RequestRedirect') && seen.has('URLRewrite')) {
    ctx.error(o, [...at, seen.get('URLRewrite') as number], 'GL_E_CONFIG_INVALID', 'RequestRedirect and URLRewrite cannot be in the same filter list', 'a redirect answers the client; nothing is rewritten for a backend');
  }
  return out;
}

function pathModifierType(config: unknown): unknown {
  return isRecord(config) && isRecord(config['path']) ? config['path']['type'] : undefined;
}

function readFilter(
  ctx: AdaptContext,
  o: K8sObject,
  at: Array<string | number>,
  type: string,
  field: string,
  raw: unknown,
  resolver: BackendResolver,
): FilterModel | undefined {
  const def = findVendorPlugin('gateway-api', type);
  if (!def) {
    ctx.warn(o, at, 'GL_W_NO_EFFECT', `${type} is not simulated; the filter is left out`);
    return undefined;
  }
  const base = [...at, field];
  const report: ConfigReporter = {
    error: (path, code, message, hint) => ctx.error(o, [...base, ...path], code, message, hint),
    warn: (path, code, message, hint) => ctx.warn(o, [...base, ...path], code, message, hint),
  };
  let input: unknown = raw;
  let mirror: ResolvedBackend | undefined;
  if (type === 'RequestHeaderModifier' || type === 'ResponseHeaderModifier') {
    input = { ...(isRecord(raw) ? raw : {}), target: type === 'RequestHeaderModifier' ? 'request' : 'response' };
  } else if (type === 'RequestMirror' && isRecord(raw) && isRecord(raw['backendRef'])) {
    mirror = resolver.resolve(ctx, o, [...base, 'backendRef'], raw['backendRef']);
    input = { ...raw, problem: mirror.problem };
  }
  const config = def.parse(input, report);
  return { type, plugin: def.id, config, at, ...(mirror ? { mirror } : {}) };
}
