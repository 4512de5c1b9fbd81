/**
 * Gateway API hostnames (semantics §7, `apis/v1/shared_types.go` Hostname, `gateway_types.go` Listener):
 * a hostname is exact (`api.example.com`) or a wildcard whose leftmost label is `*` (`*.example.com`),
 * which stands for one or more labels, so it never matches `example.com` itself. The port of a Host
 * header is never part of the match (conformance: `very.specific.com:1234` routes like
 * `very.specific.com`).
 */

/** The host name a request's Host header names: port cut off, lower case, no trailing dot. */
export function requestHostname(authority: string): string {
  let host = authority.trim().toLowerCase();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    host = end < 0 ? host : host.slice(0, end + 1);
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0 && host.indexOf(':') === colon) host = host.slice(0, colon);
  }
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

export function isWildcard(pattern: string): boolean {
  return pattern.startsWith('*.');
}

/** `*.example.com` → `.example.com`: the suffix a wildcard's matches end with. */
function wildcardSuffix(pattern: string): string {
  return pattern.slice(1);
}

/** Whether a hostname pattern (exact or wildcard) matches a request host name. */
export function hostnameMatches(pattern: string, host: string): boolean {
  if (!isWildcard(pattern)) return pattern === host;
  const suffix = wildcardSuffix(pattern);
  // At least one label before the suffix: `*.example.com` does not match `example.com` or `.example.com`.
  return host.length > suffix.length && host.endsWith(suffix);
}

/**
 * The hostnames a route serves through one listener (spec: "hostnames intersection"): `null` means
 * any host (neither side restricts), an empty list means the route cannot attach to that listener.
 */
export function intersectHostnames(listener: string | null, route: readonly string[]): string[] | null {
  if (route.length === 0) return listener === null ? null : [listener];
  if (listener === null) return [...route];
  const out: string[] = [];
  const add = (h: string): void => {
    if (!out.includes(h)) out.push(h);
  };
  for (const h of route) {
    if (h === listener) add(h);
    else if (!isWildcard(h) && isWildcard(listener)) {
      if (hostnameMatches(listener, h)) add(h);
    } else if (isWildcard(h) && !isWildcard(listener)) {
      if (hostnameMatches(h, listener)) add(listener);
    } else if (isWildcard(h) && isWildcard(listener)) {
      // Two wildcards intersect in the narrower one: `*.foo.example.com` ∩ `*.example.com`.
      if (listener.endsWith(wildcardSuffix(h))) add(listener);
      else if (h.endsWith(wildcardSuffix(listener))) add(h);
    }
  }
  return out;
}

/**
 * How specifically a set of hostnames matches a host, for precedence: exact matches first (by their
 * length), then wildcards (by their length), then "any host". Undefined when none matches.
 */
export interface HostScore {
  exact: number;
  wildcard: number;
  /** The pattern that matched, or null for "any host". */
  pattern: string | null;
}

export function scoreHostnames(patterns: readonly string[] | null, host: string): HostScore | undefined {
  if (patterns === null) return { exact: 0, wildcard: 0, pattern: null };
  let best: HostScore | undefined;
  for (const p of patterns) {
    if (!hostnameMatches(p, host)) continue;
    const score: HostScore = isWildcard(p) ? { exact: 0, wildcard: p.length, pattern: p } : { exact: p.length, wildcard: 0, pattern: p };
    if (!best || compareHostScores(score, best) < 0) best = score;
  }
  return best;
}

/** Negative when `a` is more specific than `b`. */
export function compareHostScores(a: HostScore, b: HostScore): number {
  return b.exact - a.exact || b.wildcard - a.wildcard;
}

/** A Gateway API hostname as the CRD's pattern allows it (lower-case DNS labels, optional `*.`). */
export const HOSTNAME_PATTERN = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** IP addresses are not hostnames (the spec forbids them in listeners and routes). */
export function looksLikeIp(value: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(value) || value.includes(':');
}
