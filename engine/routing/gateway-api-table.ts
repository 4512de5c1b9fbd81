/**
 * The Gateway API routing table: what `RouterIR { kind: 'gateway-api', table }` holds. The adapter
 * (engine/config/gateway-api/) resolves attachment — parentRefs, allowedRoutes, hostname intersection,
 * ReferenceGrants — once, so the router only has to pick a listener and the best matching rule. Plain
 * data (JSON in the golden files); regexes are compiled by the router.
 */

export type GwProtocol = 'http' | 'https';

export interface GwListener {
  /** `namespace/name` of the Gateway the listener belongs to. */
  gateway: string;
  name: string;
  port: number;
  protocol: GwProtocol;
  /** The listener's hostname, or null for "any host". */
  hostname: string | null;
}

export type GwStringMatchType = 'Exact' | 'RegularExpression';

export interface GwValueMatch {
  /** Header names are lower-cased (they compare case-insensitively); query names keep their case. */
  name: string;
  type: GwStringMatchType;
  value: string;
}

export interface GwMatch {
  path: { type: 'Exact' | 'PathPrefix' | 'RegularExpression'; value: string };
  /** Deduplicated: of entries naming the same header, only the first is kept (spec). */
  headers: GwValueMatch[];
  queryParams: GwValueMatch[];
  method: string | null;
}

export interface GwBackend {
  /** `namespace/name:port` as written, for reasons. */
  label: string;
  /** Why this backendRef cannot receive traffic (its share answers 500), or null when it is usable. */
  problem: string | null;
}

export interface GwRule {
  /** The RouteIR this rule became (`namespace/name#index`). */
  routeId: string;
  index: number;
  matches: GwMatch[];
  /** Parallel to the RouteIR's `backends`. */
  backends: GwBackend[];
  /** Why the whole rule answers 500 (an unresolvable filter), or null. */
  invalid: string | null;
}

export interface GwAttachment {
  /** Index into `listeners`. */
  listener: number;
  /** The intersected hostnames the route serves on that listener; null = any host. */
  hostnames: string[] | null;
}

export interface GwRoute {
  /** `namespace/name`. */
  key: string;
  /** metadata.creationTimestamp in epoch ms; null when the file gives none (treated as newest). */
  createdMs: number | null;
  attachments: GwAttachment[];
  rules: GwRule[];
}

export interface GwUnattached {
  key: string;
  hostnames: string[];
  /** Why no listener took the route (the adapter's warnings). */
  why: string;
}

export interface GwTable {
  listeners: GwListener[];
  /** Only routes attached to at least one listener; in document order. */
  routes: GwRoute[];
  /** Routes no listener accepted: a 404's reason names those that would have served the host. */
  unattached?: GwUnattached[];
}
