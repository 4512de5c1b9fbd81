/**
 * The annotations that decide how ingress-nginx talks to a backend (semantics §8, §10), read as the
 * controller reads them (internal/ingress/annotations/{loadbalancing,upstreamhashby,proxy}/main.go):
 * - `load-balance` (round_robin — the ConfigMap default — or ewma; balancer.lua's chash, sticky_* are
 *   chosen by upstream-hash-by and affinity) and `upstream-hash-by` (an nginx variable; it overrides
 *   load-balance): per upstream, so a canary Ingress keeps its own;
 * - `proxy-next-upstream` (default "error timeout"), `proxy-next-upstream-tries` (3),
 *   `proxy-next-upstream-timeout` (0 = no limit): per location, read in parse.ts's main group.
 * An invalid value is a warning and the default, as the controller logs "…is invalid, defaulting to…".
 */
import type { BalancerIR, HashOnIR } from '../../../upstream/policy.ts';
import type { AnnotationReader } from './reader.ts';

export interface NextUpstreamAnnotations {
  /** The proxy_next_upstream conditions without `non_idempotent` and `off`. */
  conditions: string[];
  /** `off` anywhere turns retries off, as nginx's merge does. */
  off: boolean;
  /** `non_idempotent`: POST, LOCK and PATCH are retried too. */
  nonIdempotent: boolean;
  /** proxy-next-upstream-timeout in ms; 0 = no limit. */
  timeoutMs: number;
}

/** internal/ingress/annotations/proxy: validUpstreamAnnotation. */
const NEXT_UPSTREAM = /^((error|timeout|invalid_header|http_500|http_502|http_503|http_504|http_403|http_404|http_429|non_idempotent|off)\s?)+$/;
/** parser.NGINXVariable: letters, digits, - _ $ { }. */
const NGINX_VARIABLE = /^[A-Za-z0-9\-_${}]*$/;
const LOAD_BALANCE = ['round_robin', 'chash', 'chashsubset', 'sticky_balanced', 'sticky_persistent', 'ewma'];

/** ingress-nginx's ewma decay: 10 s (balancer/ewma.lua DECAY_TIME). */
export const EWMA_DECAY_MS = 10_000;
/** proxy-next-upstream-tries 0 is "no limit" in nginx (retries until proxy-next-upstream-timeout); gatelab stops here. */
export const UNLIMITED_TRIES_CAP = 100;

export const DEFAULT_BALANCER: BalancerIR = { kind: 'weighted-round-robin' };

export function defaultNextUpstream(): NextUpstreamAnnotations {
  return { conditions: ['error', 'timeout'], off: false, nonIdempotent: false, timeoutMs: 0 };
}

/** upstream-hash-by wins over load-balance (balancer.lua get_implementation). */
export function readBalancer(r: AnnotationReader): BalancerIR {
  const lb = r.stringOr('load-balance', `one of ${LOAD_BALANCE.join(', ')}`, (s) => LOAD_BALANCE.includes(s), 'round_robin');
  const hashBy = r.stringOr('upstream-hash-by', 'an nginx variable such as $request_uri or $http_x_user_id', (s) => NGINX_VARIABLE.test(s), 'no hashing');
  if (hashBy !== undefined) {
    if (lb !== undefined) r.warn('load-balance', `load-balance "${lb}" is ignored: upstream-hash-by makes balancer.lua use consistent hashing (chash)`);
    const hashOn = hashSource(hashBy);
    if (!hashOn) {
      r.warn('upstream-hash-by', `upstream-hash-by "${hashBy}" is not modelled: gatelab hashes on one variable ($remote_addr, $binary_remote_addr, $request_uri, $uri, $http_<name>, $cookie_<name>, $arg_<name>); this upstream is balanced round robin instead`);
      return DEFAULT_BALANCER;
    }
    // $uri and $document_uri are nginx's normalised path; gatelab hashes the path as received (docs).
    return { kind: 'nginx-chash', hashOn, variable: variableName(hashBy) };
  }
  if (lb === 'ewma') return { kind: 'ewma', decayMs: EWMA_DECAY_MS };
  if (lb !== undefined && lb !== 'round_robin') {
    r.warn('load-balance', `load-balance "${lb}" is not modelled on its own (balancer.lua selects chash and sticky balancers through upstream-hash-by and affinity); this upstream is balanced round robin`);
  }
  return DEFAULT_BALANCER;
}

/** `$name` or `${name}` alone: the one variable form gatelab can evaluate. */
const ONE_VARIABLE = /^\$\{?([A-Za-z0-9_]+)\}?$/;

/** The variable's name without `$`, lower-cased as nginx looks variables up. */
function variableName(value: string): string {
  return (ONE_VARIABLE.exec(value.trim())?.[1] ?? '').toLowerCase();
}

/** The one nginx variable an upstream-hash-by value names, as a hash source; undefined for anything else. */
export function hashSource(value: string): HashOnIR | undefined {
  const m = ONE_VARIABLE.exec(value.trim());
  if (!m) return undefined;
  const v = (m[1] as string).toLowerCase();
  if (v === 'remote_addr' || v === 'binary_remote_addr' || v === 'realip_remote_addr') return { source: 'ip' };
  if (v === 'request_uri' || v === 'uri' || v === 'document_uri') return { source: 'path' };
  // nginx's $http_x_user_id reads the header X-User-Id: lower-case, dashes as underscores.
  if (v.startsWith('http_') && v.length > 5) return { source: 'header', name: v.slice(5).replaceAll('_', '-') };
  if (v.startsWith('cookie_') && v.length > 7) return { source: 'cookie', name: (m[1] as string).slice(7) };
  if (v.startsWith('arg_') && v.length > 4) return { source: 'query', name: (m[1] as string).slice(4) };
  return undefined;
}

export function readNextUpstream(r: AnnotationReader): NextUpstreamAnnotations {
  const out = defaultNextUpstream();
  const raw = r.stringOr('proxy-next-upstream', 'a list of error, timeout, invalid_header, http_500, http_502, http_503, http_504, http_403, http_404, http_429, non_idempotent, off', (s) => NEXT_UPSTREAM.test(s), '"error timeout"');
  if (raw !== undefined) {
    const words = raw.split(/\s+/).filter((w) => w !== '');
    out.off = words.includes('off');
    out.nonIdempotent = words.includes('non_idempotent');
    out.conditions = [...new Set(words.filter((w) => w !== 'off' && w !== 'non_idempotent'))];
    if (out.off && words.length > 1) r.warn('proxy-next-upstream', `"off" turns every other condition of proxy-next-upstream off: nginx does not retry this location`);
    if (!out.off && out.conditions.includes('invalid_header')) r.warn('proxy-next-upstream', 'invalid_header is not modelled: gatelab backends never send an invalid header');
  }
  const seconds = r.intOr('proxy-next-upstream-timeout', 0);
  out.timeoutMs = Math.max(0, seconds) * 1000;
  return out;
}
