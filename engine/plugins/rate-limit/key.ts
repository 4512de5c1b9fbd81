/**
 * Who shares a limit, for every flavour except Kong's own `rate-limiting` (which has `limit_by`, see
 * identifier.ts): `key: ip | header:<name> | consumer | global`. The client address is the one after
 * real-ip processing (semantics §6), so a gateway behind a CDN limits users only once it trusts the
 * CDN's hops.
 *
 * Traefik's `sourceCriterion` (source-criterion.ts, semantics §4) adds three keys that read the
 * request as it reaches the middleware — after the entryPoint has stripped untrusted X-Forwarded-*
 * and earlier middlewares have changed headers — not as the client sent it: `ip-strategy` (an
 * address picked from X-Forwarded-For or the TCP peer), `host` and a header `asForwarded`.
 */
import { compileIpStrategy, selectSourceIp, type IpStrategy, type TraefikIpStrategyConfig } from '../../net/ip-strategy.ts';
import type { RequestContext } from '../../pipeline/types.ts';

export type KeySpec =
  | { kind: 'ip' }
  | { kind: 'consumer' }
  | { kind: 'global' }
  /** `asForwarded`: read from the request as the gateway forwards it (Traefik's requestHeaderName). */
  | { kind: 'header'; name: string; asForwarded?: true }
  /** Traefik's requestHost: the Host the request carries at this point. */
  | { kind: 'host' }
  /** Traefik's ipStrategy; `{}` is the TCP peer. Plain data, so a parsed config stays serialisable. */
  | { kind: 'ip-strategy'; ipStrategy: TraefikIpStrategyConfig };

export interface ResolvedKey {
  /** The value state is kept under ('' when a header is absent). */
  value: string;
  /** For a sentence: "ip 203.0.113.7", "header x-api-key k1", "everyone (key: global)". */
  label: string;
}

/** The one key every request shares under `key: global`. */
export const GLOBAL_KEY = 'global';

/** Header names as Kong and nginx accept them. */
const HEADER_NAME = /^[A-Za-z0-9_-]+$/;

/** Parses `ip`, `consumer`, `global` or `header:<name>`; an error sentence otherwise. */
export function parseKeySpec(text: string): KeySpec | { error: string } {
  if (text === 'ip' || text === 'consumer' || text === 'global') return { kind: text };
  if (text.startsWith('header:')) {
    const name = text.slice('header:'.length).trim();
    if (HEADER_NAME.test(name)) return { kind: 'header', name: name.toLowerCase() };
    return { error: `'${text}' does not name a header: write header:<name>, e.g. header:x-api-key` };
  }
  return { error: `key must be ip, consumer, global or header:<name>, not '${text}'` };
}

export function describeKeySpec(k: KeySpec): string {
  if (k.kind === 'header') return `header:${k.name}`;
  if (k.kind !== 'ip-strategy') return k.kind;
  const s = k.ipStrategy;
  const parts = [
    s.depth !== undefined ? `depth ${s.depth}` : '',
    s.excludedIPs !== undefined ? `excludedIPs ${s.excludedIPs.join(',')}` : '',
    s.ipv6Subnet !== undefined ? `ipv6Subnet /${s.ipv6Subnet}` : '',
  ].filter(Boolean);
  return parts.length ? `ipStrategy ${parts.join(', ')}` : 'ipStrategy (remote address)';
}

/** Compiled once per parsed key: the key object lives as long as its config. */
const compiled = new WeakMap<object, IpStrategy>();

function strategyOf(spec: Extract<KeySpec, { kind: 'ip-strategy' }>): IpStrategy {
  let s = compiled.get(spec);
  if (!s) compiled.set(spec, (s = compileIpStrategy(spec.ipStrategy).strategy));
  return s;
}

export function resolveKey(spec: KeySpec, ctx: RequestContext): ResolvedKey {
  switch (spec.kind) {
    case 'ip':
      return { value: ctx.clientIp, label: `ip ${ctx.clientIp}` };
    case 'global':
      return { value: GLOBAL_KEY, label: 'everyone (key: global)' };
    case 'consumer':
      // Like Kong's limit_by consumer: an unauthenticated request is limited by its address.
      if (ctx.consumer?.id !== undefined) return { value: ctx.consumer.id, label: `consumer ${ctx.consumer.id}` };
      if (ctx.credentialId !== undefined) return { value: ctx.credentialId, label: `credential ${ctx.credentialId}` };
      return { value: ctx.clientIp, label: `ip ${ctx.clientIp} (no consumer on this request, so the client IP)` };
    case 'header': {
      // The first value, as kong.request.get_header, nginx's $http_<name> and Go's Header.Get give it.
      const value = (spec.asForwarded ? ctx.upstream.headers : ctx.request.headers).get(spec.name) ?? '';
      return { value, label: value === '' ? `no ${spec.name} header` : `header ${spec.name} ${value}` };
    }
    case 'host': {
      const value = ctx.upstream.host;
      return { value, label: value === '' ? 'no Host (source "")' : `host ${value}` };
    }
    case 'ip-strategy': {
      const picked = selectSourceIp(strategyOf(spec), { remoteAddr: ctx.request.peerIp, headers: ctx.upstream.headers });
      return { value: picked.source, label: `source ${picked.source === '' ? '""' : picked.source} (${picked.reason})` };
    }
  }
}

/**
 * The key as a snapshot shows it: a `state` expectation's path is dotted, so an IPv4 address's dots
 * become underscores (`203.0.113.7` → `203_0_113_7`), and the empty key is `(empty)`.
 */
export function snapshotKey(value: string): string {
  return value === '' ? '(empty)' : value.replaceAll('.', '_');
}
