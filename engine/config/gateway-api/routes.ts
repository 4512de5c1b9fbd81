/**
 * HTTPRoutes: the app team's half of the API — which Gateways (parentRefs) and hostnames a route wants,
 * and its rules: matches, filters and weighted backendRefs. Attachment is decided later (attach.ts),
 * because it depends on the listeners, not on the route alone.
 */
import { parseIsoInstant } from '../../core/calendar.ts';
import { HOSTNAME_PATTERN, looksLikeIp } from '../../routing/gateway-api-hostname.ts';
import type { GwMatch } from '../../routing/gateway-api-table.ts';
import type { BackendResolver, ResolvedBackend } from './backends.ts';
import { GATEWAY_GROUP } from './collect.ts';
import { intField, isRecord, listField, stringField, type AdaptContext, type K8sObject } from './context.ts';
import { readFilters, type FilterModel } from './filters.ts';
import { readMatches } from './matches.ts';
import { readResilience, type RuleResilience } from './resilience.ts';

export interface ParentRefModel {
  group: string;
  kind: string;
  namespace: string;
  /** Whether the file spelled out the namespace (the lesson's snippet 08 does not). */
  namespaceGiven: boolean;
  name: string;
  sectionName?: string;
  port?: number;
  at: Array<string | number>;
}

export interface BackendRefModel {
  resolved: ResolvedBackend;
  weight: number;
  filters: FilterModel[];
  at: Array<string | number>;
}

export interface RuleModel {
  index: number;
  matches: GwMatch[];
  filters: FilterModel[];
  backendRefs: BackendRefModel[];
  invalid: string | null;
  /** timeouts and retry (GEP-1742, GEP-1731): per rule here, per service in the IR (upstream.ts). */
  resilience: RuleResilience;
}

export interface RouteModel {
  obj: K8sObject;
  key: string;
  createdMs: number | null;
  hostnames: string[];
  parentRefs: ParentRefModel[];
  rules: RuleModel[];
}

export function readRoute(ctx: AdaptContext, o: K8sObject, resolver: BackendResolver): RouteModel {
  const spec = isRecord(o.value['spec']) ? o.value['spec'] : {};
  const meta = isRecord(o.value['metadata']) ? o.value['metadata'] : {};
  let createdMs: number | null = null;
  if (meta['creationTimestamp'] !== undefined && meta['creationTimestamp'] !== null) {
    const parsed = typeof meta['creationTimestamp'] === 'string' ? parseIsoInstant(meta['creationTimestamp']) : undefined;
    if (parsed === undefined) ctx.warn(o, ['metadata', 'creationTimestamp'], 'GL_W_NO_EFFECT', 'creationTimestamp is not an RFC 3339 time; the route counts as the newest', 'write e.g. 2026-01-01T12:00:00Z');
    else createdMs = parsed;
  }
  return {
    obj: o,
    key: `${o.namespace}/${o.name}`,
    createdMs,
    hostnames: readHostnames(ctx, o, spec['hostnames']),
    parentRefs: readParentRefs(ctx, o, spec['parentRefs']),
    rules: readRules(ctx, o, spec['rules'], resolver),
  };
}

function readHostnames(ctx: AdaptContext, o: K8sObject, raw: unknown): string[] {
  const items = listField(ctx, o, ['spec', 'hostnames'], raw, 'hostnames');
  if (items.length > 16) ctx.error(o, ['spec', 'hostnames'], 'GL_E_CONFIG_INVALID', `at most 16 hostnames, not ${items.length}`);
  const out: string[] = [];
  items.forEach((h, i) => {
    if (typeof h !== 'string' || !HOSTNAME_PATTERN.test(h) || looksLikeIp(h)) {
      ctx.error(o, ['spec', 'hostnames', i], 'GL_E_CONFIG_INVALID', `${JSON.stringify(h)} is not a valid hostname`, 'a lower-case DNS name, optionally starting with "*." (no IP address, no port)');
      return;
    }
    if (!out.includes(h)) out.push(h);
  });
  return out;
}

function readParentRefs(ctx: AdaptContext, o: K8sObject, raw: unknown): ParentRefModel[] {
  const items = listField(ctx, o, ['spec', 'parentRefs'], raw, 'parentRefs');
  if (items.length === 0) {
    ctx.warn(o, ['spec'], 'GL_W_NO_EFFECT', `${o.label} has no parentRefs, so it is attached to no Gateway and serves nothing`, 'add parentRefs: [{name: <gateway>, namespace: <its namespace>}]');
  }
  if (items.length > 32) ctx.error(o, ['spec', 'parentRefs'], 'GL_E_CONFIG_INVALID', `at most 32 parentRefs, not ${items.length}`);
  const out: ParentRefModel[] = [];
  items.forEach((item, i) => {
    const at = ['spec', 'parentRefs', i];
    if (!isRecord(item)) {
      ctx.error(o, at, 'GL_E_TYPE', 'a parentRef must be a mapping with a name');
      return;
    }
    const name = stringField(ctx, o, [...at, 'name'], item['name'], 'parentRef name');
    if (name === undefined) {
      if (item['name'] === undefined) ctx.error(o, at, 'GL_E_CONFIG_INVALID', 'a parentRef needs a name');
      return;
    }
    const ns = stringField(ctx, o, [...at, 'namespace'], item['namespace'], 'parentRef namespace');
    const section = stringField(ctx, o, [...at, 'sectionName'], item['sectionName'], 'sectionName');
    const port = intField(ctx, o, [...at, 'port'], item['port'], 'parentRef port', { min: 1, max: 65535 });
    out.push({
      group: typeof item['group'] === 'string' ? item['group'] : GATEWAY_GROUP,
      kind: typeof item['kind'] === 'string' ? item['kind'] : 'Gateway',
      namespace: ns ?? o.namespace,
      namespaceGiven: ns !== undefined,
      name,
      ...(section !== undefined ? { sectionName: section } : {}),
      ...(port !== undefined ? { port } : {}),
      at,
    });
  });
  return out;
}

function readRules(ctx: AdaptContext, o: K8sObject, raw: unknown, resolver: BackendResolver): RuleModel[] {
  // The CRD's default: one rule matching PathPrefix / with no backends (so every request gets 500).
  if (raw === undefined || raw === null) return [{ index: 0, matches: readMatches(ctx, o, ['spec', 'rules'], undefined).matches, filters: [], backendRefs: [], invalid: null, resilience: {} }];
  const items = listField(ctx, o, ['spec', 'rules'], raw, 'rules');
  if (items.length > 16) ctx.error(o, ['spec', 'rules'], 'GL_E_CONFIG_INVALID', `an HTTPRoute may have at most 16 rules, not ${items.length}`);
  return items.map((item, index) => {
    if (!isRecord(item)) ctx.error(o, ['spec', 'rules', index], 'GL_E_TYPE', 'a rule must be a mapping (matches, filters, backendRefs)');
    return readRule(ctx, o, isRecord(item) ? item : {}, index, resolver);
  });
}

function readRule(ctx: AdaptContext, o: K8sObject, rule: Record<string, unknown>, index: number, resolver: BackendResolver): RuleModel {
  const at = ['spec', 'rules', index];
  const parsed = readMatches(ctx, o, [...at, 'matches'], rule['matches']);
  warnOredMatches(ctx, o, [...at, 'matches'], rule['matches'], parsed.explicitPath);
  const filters = readFilters(ctx, o, [...at, 'filters'], rule['filters'], parsed.matches, resolver);
  const refs = listField(ctx, o, [...at, 'backendRefs'], rule['backendRefs'], 'backendRefs');
  if (refs.length > 16) ctx.error(o, [...at, 'backendRefs'], 'GL_E_CONFIG_INVALID', `at most 16 backendRefs, not ${refs.length}`);
  const backendRefs: BackendRefModel[] = [];
  refs.forEach((ref, i) => {
    const bAt = [...at, 'backendRefs', i];
    if (!isRecord(ref) || typeof ref['name'] !== 'string') {
      ctx.error(o, bAt, 'GL_E_CONFIG_INVALID', 'a backendRef needs a name');
      return;
    }
    if ((ref['kind'] === undefined || ref['kind'] === 'Service') && (ref['group'] === undefined || ref['group'] === '') && ref['port'] === undefined) {
      ctx.error(o, bAt, 'GL_E_CONFIG_INVALID', `backendRef ${ref['name']} names a Service but no port; the API server rejects it`, 'add port: <the Service port>');
    }
    const weight = intField(ctx, o, [...bAt, 'weight'], ref['weight'], 'weight', { min: 0, max: 1_000_000 }) ?? 1;
    const bf = readFilters(ctx, o, [...bAt, 'filters'], ref['filters'], parsed.matches, resolver);
    const resolved = resolver.resolve(ctx, o, bAt, ref);
    // A filter of this backendRef that cannot run makes this backend's share answer 500, not the rule's.
    backendRefs.push({ resolved: bf.invalid ? { ...resolved, key: null, problem: bf.invalid } : resolved, weight, filters: bf.filters, at: bAt });
  });
  rejectDirectResponseWithBackends(ctx, o, at, filters.filters, refs.length);
  const resilience = readResilience(ctx, o, at, rule);
  return { index, matches: parsed.matches, filters: filters.filters, backendRefs, invalid: filters.invalid, resilience };
}

/**
 * GEP-2826: DirectResponse is terminal, so a rule that has it MUST NOT have backendRefs; a CEL rule on
 * HTTPRouteRule makes the API server reject the HTTPRoute, as it does RequestRedirect with backendRefs.
 */
function rejectDirectResponseWithBackends(ctx: AdaptContext, o: K8sObject, at: Array<string | number>, filters: readonly FilterModel[], refs: number): void {
  const direct = filters.find((f) => f.type === 'DirectResponse');
  if (!direct || refs === 0) return;
  ctx.error(
    o,
    [...at, 'backendRefs'],
    'GL_E_CONFIG_INVALID',
    'a rule with a DirectResponse filter must not have backendRefs: the API server rejects this HTTPRoute (GEP-2826)',
    'the filter answers every request the rule matches: remove backendRefs from this rule, or move the DirectResponse to a rule of its own',
    true,
  );
}

/**
 * The lesson's snippet 11 writes `- headers:` as its own list item next to `- path:`, which makes two
 * matches ORed: the header alone then matches every path. Valid, and routed as written, but rarely what
 * was meant — so say so where it happens.
 */
function warnOredMatches(ctx: AdaptContext, o: K8sObject, at: Array<string | number>, raw: unknown, explicitPath: boolean[]): void {
  if (!Array.isArray(raw) || !explicitPath.some(Boolean)) return;
  raw.forEach((m, i) => {
    if (explicitPath[i] || !isRecord(m) || (m['headers'] === undefined && m['queryParams'] === undefined && m['method'] === undefined)) return;
    const what = m['headers'] !== undefined ? 'headers' : m['queryParams'] !== undefined ? 'queryParams' : 'method';
    ctx.warn(
      o,
      [...at, i],
      'GL_W_LESSON_DIFFERS',
      `matches[${i}] has ${what} but no path, so it is a separate match, ORed with the others: it accepts every path (PathPrefix /) when its ${what} condition holds`,
      `to require the path AND the ${what} condition, put ${what} in the same list item as path (remove the "-" before ${what}:)`,
    );
  });
}
