/**
 * Token buckets as four vendors run them (semantics §3–§5), on math/token-bucket.ts: Envoy's
 * local_ratelimit (continuous refill since 1.31, or the older timer), Traefik's rateLimit (short
 * waits are really held, longer ones are 429s that cost nothing) and AWS API Gateway throttling.
 * Each answers a rejection the way its vendor does.
 */
import type { DecisionData, PluginHooks, PluginHost, RequestContext, Verdict } from '../../../pipeline/types.ts';
import { next } from '../../../pipeline/types.ts';
import type { TokenBucketFlavourConfig } from '../algorithm-config.ts';
import { resolveKey, type ResolvedKey } from '../key.ts';
import { describeTokenBucket } from '../math/describe.ts';
import { tokenBucket, tokenBucketCapacity, tokenBucketPeek, tokenBucketRate, traefikBucketTtlSeconds, type TokenBucketDecision, type TokenBucketState } from '../math/token-bucket.ts';
import { TRAEFIK_MAX_SOURCES, TraefikTtlMap } from '../math/traefik-ttl-map.ts';
import { addResponseHeaders, admit, hold, KeyedStates, reject, round3 } from './shared.ts';

const LABEL: Record<TokenBucketFlavourConfig['bucket']['flavour'], string> = {
  envoy: 'Envoy local rate limit',
  'envoy-timer': 'Envoy local rate limit (timer refill, before 1.31)',
  traefik: 'Traefik rateLimit',
  aws: 'AWS API Gateway throttling',
};

/** The vendor's rejection: status line, headers and body. */
function rejection(config: TokenBucketFlavourConfig, d: TokenBucketDecision, extra: Array<[string, string]>): { headers: Array<[string, string]>; body: string; short: string } {
  switch (config.bucket.flavour) {
    case 'envoy':
    case 'envoy-timer':
      // Envoy's local reply; no x-envoy-ratelimited header unless the config adds one (§3).
      return { headers: [...extra, ['content-type', 'text/plain']], body: 'local_rate_limited', short: 'local_rate_limited' };
    case 'traefik':
      return {
        headers: [
          ['Retry-After', String(d.retryAfterSeconds ?? 1)],
          ['X-Retry-In', d.retryIn ?? ''],
          ['Content-Type', 'text/plain; charset=utf-8'],
        ],
        body: 'Too Many Requests',
        short: 'Too Many Requests',
      };
    case 'aws':
      return { headers: [['content-type', 'application/json']], body: JSON.stringify({ message: 'Too Many Requests' }), short: '{"message":"Too Many Requests"}' };
  }
}

export function createTokenBucketHooks(config: TokenBucketFlavourConfig): PluginHooks {
  const b = config.bucket;
  const capacity = tokenBucketCapacity(b);
  const rate = tokenBucketRate(b);
  const states = new KeyedStates<TokenBucketState>((s, nowMs) => tokenBucketPeek(b, s, nowMs) >= capacity);
  // Envoy's timer starts when the filter loads; a hook has no load instant, so the replica's first
  // request stands in for it (README, "Choices").
  const timerOrigin = new Map<string, number>();
  // Traefik's source map per replica (65,536 sources at most): when it is full, a new source makes it
  // drop the source closest to expiry, whose bucket is forgotten (math/traefik-ttl-map.ts).
  const traefikSources = b.flavour === 'traefik' && (b.evictIdleBuckets ?? true) ? new Map<string, TraefikTtlMap>() : undefined;
  const ttlSeconds = traefikBucketTtlSeconds(rate);
  const trackSource = (replica: string, key: string, nowMs: number): string | undefined => {
    if (!traefikSources) return undefined;
    let map = traefikSources.get(replica);
    if (!map) traefikSources.set(replica, (map = new TraefikTtlMap(TRAEFIK_MAX_SOURCES)));
    // Allow: buckets.Get (removes an expired entry), then buckets.Set (refreshes, or drops one when full).
    map.get(key, nowMs);
    const dropped = map.set(key, ttlSeconds, nowMs);
    if (dropped !== undefined) states.delete(replica, dropped);
    return dropped;
  };

  const initial = (replica: string, nowMs: number): TokenBucketState | undefined => {
    if (b.flavour !== 'envoy-timer') return undefined;
    let origin = timerOrigin.get(replica);
    if (origin === undefined) timerOrigin.set(replica, (origin = nowMs));
    return { tokens: b.maxTokens, lastMs: nowMs, createdMs: origin };
  };

  /** Envoy's DRAFT_VERSION_03 headers (the reset only exists with the old timer bucket). */
  const envoyHeaders = (d: TokenBucketDecision): Array<[string, string]> => {
    if (!config.x_ratelimit_headers) return [];
    const h: Array<[string, string]> = [
      ['x-ratelimit-limit', String(capacity)],
      ['x-ratelimit-remaining', String(Math.max(0, Math.floor(round3(d.tokensAfter))))],
    ];
    if (b.flavour === 'envoy-timer' && d.nextTokenInMs !== undefined) h.push(['x-ratelimit-reset', String(Math.ceil(d.nextTokenInMs / 1000))]);
    return h;
  };

  const dataOf = (k: ResolvedKey, d: TokenBucketDecision): DecisionData => ({
    algorithm: 'token-bucket',
    flavour: b.flavour,
    identifier: k.value,
    tokens: round3(d.tokensAfter),
    tokensBefore: round3(d.tokensBefore),
    capacity,
    rate: Number.isFinite(rate) ? round3(rate) : null,
    remaining: Math.max(0, Math.floor(round3(d.tokensAfter))),
    delayMs: round3(d.delayMs),
    ...(d.nextTokenInMs !== undefined ? { nextTokenInMs: round3(d.nextTokenInMs) } : {}),
    ...(d.retryAfterSeconds !== undefined ? { retryAfter: d.retryAfterSeconds } : {}),
  });

  return {
    access(ctx: RequestContext, host: PluginHost): Verdict {
      const nowMs = host.now();
      const k = resolveKey(config.key, ctx);
      if (b.flavour === 'traefik' && !Number.isFinite(rate)) return next('Traefik rateLimit: average is 0, which Traefik reads as "no limit" — every request passes');
      const dropped = trackSource(host.replica, k.value, nowMs);
      const { decision: d, state } = tokenBucket(b, states.get(host.replica, k.value) ?? initial(host.replica, nowMs), nowMs);
      states.set(host.replica, k.value, state, nowMs);
      const data = dropped === undefined ? dataOf(k, d) : { ...dataOf(k, d), droppedSource: dropped };
      const full = dropped === undefined ? '' : `; the source map was full (${TRAEFIK_MAX_SOURCES} sources), so Traefik dropped the bucket of ${dropped}, the one closest to expiry, to make room`;
      const head = `${LABEL[b.flavour]}, ${k.label}: ${describeTokenBucket(d)}${full}`;
      if (d.allowed && d.delayMs > 0) {
        return hold(ctx, d.delayMs, 'traefik rateLimit reservation', head, data);
      }
      if (d.allowed) return admit(ctx, head, data, envoyHeaders(d));
      const r = rejection(config, d, envoyHeaders(d));
      const tail = b.flavour === 'traefik' ? '' : ` → ${config.status} ${r.short}`;
      return reject(ctx, config.status, `${head}${tail}`, data, r);
    },

    response: addResponseHeaders,

    snapshot(host: PluginHost): Record<string, unknown> {
      const nowMs = host.now();
      return states.snapshot(host.replica, (s) => ({ tokens: round3(tokenBucketPeek(b, s, nowMs)), capacity }));
    },
  };
}
