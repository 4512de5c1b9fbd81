/**
 * The portable model `gatelab translate` works through: what routes match, where they send traffic
 * (weighted), and the few transformations every target can express in some form — a stripped path
 * prefix, request and response headers set or removed, one rate limit. Each source dialect reads its
 * IR into this model and reports what does not fit; each target writes the model in its own syntax and
 * reports what it cannot say. Nothing here is specific to one vendor.
 */
import type { SourceLoc } from '../../core/errors.ts';
import type { TargetIR } from '../ir.ts';

export interface PValueMatch {
  name: string;
  value: string;
  regex: boolean;
}

export interface PMatch {
  /** Exact hosts or `*.` wildcards; empty = any host. */
  hosts: string[];
  /** A character prefix (Kong, Traefik), a segment-wise prefix (Gateway API), an exact path or a regex. */
  path?: { kind: 'prefix' | 'segment-prefix' | 'exact' | 'regex'; value: string };
  /** Any of these methods; empty = any. */
  methods: string[];
  headers: PValueMatch[];
  query: PValueMatch[];
}

export interface PHeaderOps {
  set: Array<[string, string]>;
  add: Array<[string, string]>;
  remove: string[];
}

export interface PRateLimit {
  /** Requests per period. */
  limit: number;
  periodSeconds: number;
  /** Token-bucket burst, when the source has one. */
  burst?: number;
  /** Who shares the limit: `ip`, `header:<name>`, `consumer`, `global`. */
  key: string;
  /** How the source counts: `fixed-window` (Kong), `token-bucket` (Traefik). */
  algorithm: 'fixed-window' | 'token-bucket';
}

export interface PRoute {
  name: string;
  /** Any one of these matches the route. */
  matches: PMatch[];
  backends: Array<{ service: string; weight: number }>;
  /** The path prefix removed before the request goes upstream. */
  stripPrefix?: string;
  requestHeaders: PHeaderOps;
  responseHeaders: PHeaderOps;
  rateLimit?: PRateLimit;
  /** The client's Host goes upstream (Traefik's passHostHeader, Kong's preserve_host). */
  preserveHost: boolean;
  loc?: SourceLoc;
}

export interface PService {
  name: string;
  protocol: 'http' | 'https';
  host: string;
  port: number;
  path?: string;
  targets: TargetIR[];
}

export interface Dropped {
  message: string;
  loc?: SourceLoc;
}

export interface PModel {
  routes: PRoute[];
  services: PService[];
  dropped: Dropped[];
}

export function emptyOps(): PHeaderOps {
  return { set: [], add: [], remove: [] };
}

export function emptyMatch(): PMatch {
  return { hosts: [], methods: [], headers: [], query: [] };
}
