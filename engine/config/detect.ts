/**
 * Guesses a config's dialect from its content, so a scenario may point at a vendor file without saying
 * what it is. Only the Kong adapter exists today; the other names are returned anyway so that later
 * adapters plug in without touching callers. Unknown or mixed content gives undefined, and the caller
 * reports GL_E_CONFIG_FORMAT with the file's location.
 */
import type { GatewaySpec } from '../scenario/types.ts';
import type { Dialect } from './ir.ts';
import { SourceMap } from './yaml-source.ts';

/** Top-level keys that only a Kong declarative file has at its root. */
const KONG_ROOT_KEYS = ['_format_version', 'services', 'routes', 'plugins', 'consumers', 'upstreams'];

/** Kubernetes kinds by API group. The group matters: Istio also has a kind named Gateway. */
const KIND_DIALECTS: ReadonlyArray<{ group: RegExp; kinds: readonly string[]; dialect: Dialect }> = [
  {
    group: /^gateway\.networking\.k8s\.io\//,
    kinds: ['Gateway', 'GatewayClass', 'HTTPRoute', 'GRPCRoute', 'ReferenceGrant'],
    dialect: 'gateway-api',
  },
  { group: /^networking\.k8s\.io\//, kinds: ['Ingress'], dialect: 'ingress-nginx' },
  {
    // traefik.containo.us is the pre-v3 group; Traefik v3 still serves it with a deprecation notice.
    group: /^traefik\.(io|containo\.us)\//,
    kinds: ['IngressRoute', 'Middleware', 'TraefikService'],
    dialect: 'traefik',
  },
];

/**
 * The dialect a gateway spec is in: its `format` when given, else what its documents and overlays look
 * like. loadGateway picks the adapter by this, and the scenario loader notes it so the lab's worker can
 * fetch that adapter first (adapter-registry.ts): one function, so the two cannot disagree.
 */
export function gatewayDialect(spec: GatewaySpec): Dialect | undefined {
  return spec.format ?? detectDialect([...spec.sources, ...spec.overlays].flatMap((s) => s.docs.map((d) => d.value)));
}

/** Takes parsed documents (`{ value, map }`) or their plain values; both forms are in use. */
export function detectDialect(docs: ReadonlyArray<unknown>): Dialect | undefined {
  const found = new Set<Dialect>();
  for (const doc of docs) {
    for (const value of listItems(isParsedDoc(doc) ? doc.value : doc)) {
      const d = detectOne(value);
      if (d) found.add(d);
    }
  }
  // Two dialects in one set of documents (an Ingress next to an HTTPRoute) have no single adapter.
  if (found.size !== 1) return undefined;
  return [...found][0];
}

/** A Kubernetes `kind: List` (what `kubectl get -o yaml` prints) stands for its items. */
function listItems(value: unknown): unknown[] {
  const obj = value as { kind?: unknown; items?: unknown } | null;
  if (typeof obj === 'object' && obj !== null && obj.kind === 'List' && Array.isArray(obj.items)) return obj.items;
  return [value];
}

function isParsedDoc(d: unknown): d is { value: unknown; map: SourceMap } {
  return typeof d === 'object' && d !== null && (d as { map?: unknown }).map instanceof SourceMap && 'value' in d;
}

function detectOne(value: unknown): Dialect | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const obj = value as Record<string, unknown>;
  const kind = obj['kind'];
  const apiVersion = obj['apiVersion'];
  if (typeof kind === 'string' || typeof apiVersion === 'string') {
    // A Kubernetes object. Kinds that are not gateway config (Deployment, Service, PodDisruptionBudget,
    // Istio's DestinationRule, for which the IR has no dialect yet) do not decide anything.
    if (typeof kind !== 'string' || typeof apiVersion !== 'string') return undefined;
    for (const entry of KIND_DIALECTS) {
      if (entry.group.test(apiVersion) && entry.kinds.includes(kind)) return entry.dialect;
    }
    return undefined;
  }
  if (KONG_ROOT_KEYS.some((k) => Object.hasOwn(obj, k))) return 'kong';
  // Traefik's file provider (dynamic configuration): http.routers / services / middlewares.
  const http = obj['http'];
  if (typeof http === 'object' && http !== null && ['routers', 'services', 'middlewares'].some((k) => Object.hasOwn(http, k))) return 'traefik';
  return undefined;
}
