/**
 * Who shares a limit, for every flavour except Kong's own `rate-limiting` (which has `limit_by`, see
 * identifier.ts): `key: ip | header:<name> | consumer | global`. The client address is the one after
 * real-ip processing (semantics §6), so a gateway behind a CDN limits users only once it trusts the
 * CDN's hops.
 */
import type { RequestContext } from '../../pipeline/types.ts';

export type KeySpec = { kind: 'ip' } | { kind: 'consumer' } | { kind: 'global' } | { kind: 'header'; name: string };

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
  return k.kind === 'header' ? `header:${k.name}` : k.kind;
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
      // The first value, as kong.request.get_header and nginx's $http_<name> give it.
      const value = ctx.request.headers.get(spec.name) ?? '';
      return { value, label: value === '' ? `no ${spec.name} header` : `header ${spec.name} ${value}` };
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
