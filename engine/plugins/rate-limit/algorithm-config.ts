/**
 * Parsed configs of the flavours selected by an `algorithm` field — a field Kong's own
 * `rate-limiting` config never has, so a config without it is Kong's and is parsed by config.ts
 * exactly as before. Field names stay the vendor's own (snake_case) so a parsed config reads like the
 * YAML a student wrote; defaults are the vendor's (semantics §1–§5).
 */
import type { GcraConfig } from './math/gcra.ts';
import type { LimitReqLimit } from './math/nginx-limit-req.ts';
import type { TokenBucketConfig } from './math/token-bucket.ts';
import type { KeySpec } from './key.ts';
import type { KongRateLimitingConfig } from './config.ts';

export type Algorithm = 'sliding-window' | 'sliding-log' | 'token-bucket' | 'nginx-limit-req' | 'gcra';
export const ALGORITHMS: readonly Algorithm[] = ['sliding-window', 'sliding-log', 'token-bucket', 'nginx-limit-req', 'gcra'];

export type TokenBucketFlavourName = TokenBucketConfig['flavour'];
export const TOKEN_BUCKET_FLAVOURS: readonly TokenBucketFlavourName[] = ['envoy', 'envoy-timer', 'traefik', 'aws'];

interface Keyed {
  /** Who shares a limit (default ip: the client address after real-ip). */
  key: KeySpec;
}

/** One window of Kong Advanced's `limit[]` / `window_size[]` pair. */
export interface AdvancedWindow {
  limit: number;
  /** Seconds (Kong's window_size); also the header suffix, X-RateLimit-Limit-<seconds>. */
  windowSeconds: number;
}

/** Kong `rate-limiting-advanced` (Enterprise), local strategy. */
export interface SlidingWindowFlavourConfig extends Keyed {
  algorithm: 'sliding-window';
  /** Every window must admit the request; Kong writes `limit` and `window_size` as lists of equal length. */
  windows: AdvancedWindow[];
  /** `sliding` (default) weighs the previous window; `fixed` does not. */
  window_type: 'sliding' | 'fixed';
  /** false (default): denied requests are counted too, so a client that keeps retrying stays blocked. */
  disable_penalty: boolean;
  /** gatelab's choice where Kong's source is closed: reject when the estimate is >= limit (default) or > limit. */
  reject: 'gte' | 'gt';
  /** Status of a rejection (default 429). */
  error_code: number;
  /** `message` of a rejection's body (default "API rate limit exceeded"). */
  error_message: string;
  /** Do not send X-RateLimit-*, RateLimit-* and Retry-After (default false). */
  hide_client_headers: boolean;
}

/** An exact sliding log: at most `limit` admitted requests in any `window_size` seconds. */
export interface SlidingLogFlavourConfig extends Keyed {
  algorithm: 'sliding-log';
  limit: number;
  /** Seconds. */
  window_size: number;
  /** Status of a rejection (default 429). */
  status: number;
}

/** Envoy local_ratelimit, Envoy's pre-1.31 timer bucket, Traefik rateLimit or AWS throttling. */
export interface TokenBucketFlavourConfig extends Keyed {
  algorithm: 'token-bucket';
  /** The vendor knobs, converted for math/token-bucket.ts. */
  bucket: TokenBucketConfig;
  /** Status of a rejection: 429 for every vendor; Envoy's `status` may change it (values < 400 → 429). */
  status: number;
  /** Envoy `enable_x_ratelimit_headers: DRAFT_VERSION_03`: X-RateLimit-Limit/-Remaining on responses. */
  x_ratelimit_headers: boolean;
}

/** One `limit_req` line: its zone, with rate in milli-requests per second as nginx stores it. */
export interface NginxLimitReqZone {
  limit: LimitReqLimit;
  /** The rate as written ("10r/s"), for sentences. */
  rate: string;
  /**
   * Bytes of shared memory (`limit_req_zone … zone=name:10m`). Present: the zone holds only as many
   * keys as nginx's slab fits, evicts as nginx does and refuses a new key it cannot place
   * (math/nginx-zone-memory.ts). Absent: an unbounded map, gatelab's behaviour before zone sizes.
   */
  zone_size?: number;
}

/** nginx `limit_req_zone … rate=` + `limit_req zone= burst= nodelay|delay=` + `limit_req_status`. */
export interface NginxLimitReqFlavourConfig extends Keyed, NginxLimitReqZone {
  algorithm: 'nginx-limit-req';
  /**
   * Further `limit_req` lines of the same location, checked after this one with the same key
   * (ingress-nginx's limit-rps, then limit-rpm). nginx looks at every zone before it counts in any:
   * one refusal leaves them all as they were, and a pass waits the largest delay (semantics §2).
   * Absent when the location has one zone.
   */
  also?: NginxLimitReqZone[];
  /** limit_req_status (default 503, 400–599). */
  status: number;
}

/** GCRA: `limit` per `period`, `burst` requests beyond the steady one. */
export interface GcraFlavourConfig extends Keyed {
  algorithm: 'gcra';
  gcra: GcraConfig;
  /** Status of a rejection (default 429). */
  status: number;
}

export type AlgorithmConfig =
  | SlidingWindowFlavourConfig
  | SlidingLogFlavourConfig
  | TokenBucketFlavourConfig
  | NginxLimitReqFlavourConfig
  | GcraFlavourConfig;

/** What the rate-limit plugin's parse returns: Kong's config (no `algorithm`) or a flavour's. */
export type RateLimitConfig = KongRateLimitingConfig | AlgorithmConfig;

export function isAlgorithmConfig(c: RateLimitConfig): c is AlgorithmConfig {
  return 'algorithm' in c;
}
