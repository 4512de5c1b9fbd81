/**
 * Token buckets, one function for four vendor flavours (semantics §3–§5). Every bucket starts full
 * and each request costs one token; they differ in how tokens come back and what happens when none
 * is left:
 *
 * - `envoy`: Envoy local rate limit since 1.31. Continuous, lazy refill at tokens_per_fill /
 *   fill_interval per second whenever the bucket is touched, capped at max_tokens; allowed iff >= 1.
 * - `envoy-timer`: the older timer model. Every fill_interval after the bucket was created, a timer
 *   adds tokens_per_fill in one step; tokens are integers. A request at exactly a fill instant sees
 *   the fill (gatelab orders the timer first).
 * - `traefik`: golang.org/x/time/rate behind Traefik's rateLimit. Reserve() always succeeds; if the
 *   wait is <= maxDelay (1/(2r), with r truncated to an integer, for r >= 1; 500 ms below) the request
 *   is held for it and admitted, so tokens go negative; otherwise the reservation is cancelled (costs
 *   nothing) and the answer is 429 with Retry-After = ceil(delay s) and X-Retry-In = the Go duration.
 * - `aws`: API Gateway throttling, a continuous bucket of `burst` tokens refilled at `rate` per second;
 *   no token → 429. ("Best effort" in AWS's words; gatelab models the ideal bucket.)
 */
import { formatGoDuration } from './go-duration.ts';
import { goAdvance, goCancelLast, goReserve, NEW_GO_LIMITER, type GoLimiterParams, type GoLimiterState } from './go-rate-limiter.ts';

/** Envoy's token_bucket fields (fill_interval in ms). */
export interface EnvoyTokenBucket {
  maxTokens: number;
  tokensPerFill: number;
  fillIntervalMs: number;
}

export type TokenBucketConfig =
  | ({ flavour: 'envoy' } & EnvoyTokenBucket)
  | ({ flavour: 'envoy-timer' } & EnvoyTokenBucket)
  | {
      flavour: 'traefik';
      /** Requests per period; 0 (the default in Traefik) disables limiting. */
      average: number;
      /** Default 1 s. */
      periodMs?: number;
      /** Default 1; Traefik uses max(burst, 1). */
      burst?: number;
      /**
       * Default true: Traefik keeps buckets in a TTL map (2 s for r >= 1, else 1 + int(1/r) s, whole
       * Unix seconds), so a source idle that long gets a new, full bucket — even if refilling alone
       * would not have filled it yet.
       */
      evictIdleBuckets?: boolean;
    }
  | { flavour: 'aws'; /** Steady-state requests per second. */ rate: number; /** Bucket size. */ burst: number };

export type TokenBucketFlavour = TokenBucketConfig['flavour'];

export interface TokenBucketState {
  tokens: number;
  /** When `tokens` was last brought up to date. */
  lastMs: number;
  /** When the bucket was created (the timer flavour fills at multiples of the interval from here). */
  createdMs: number;
}

export interface TokenBucketDecision {
  allowed: boolean;
  flavour: TokenBucketFlavour;
  /** How long the request is held before it goes upstream (Traefik only; 0 otherwise). */
  delayMs: number;
  tokensBefore: number;
  tokensAfter: number;
  capacity: number;
  /** Refill rate in tokens per second (Infinity when Traefik's average is 0). */
  ratePerSecond: number;
  /** When the bucket holds less than one token afterwards: ms until it holds one again. */
  nextTokenInMs?: number;
  /** Status of a rejection (429 for every flavour unless a vendor config overrides it). */
  status?: number;
  /** Traefik: the `Retry-After` value (seconds) and `X-Retry-In` (Go duration) of a 429. */
  retryAfterSeconds?: number;
  retryIn?: string;
  /** Traefik: the longest hold it accepts. */
  maxDelayMs?: number;
}

/** Tokens per second for a flavour. */
export function tokenBucketRate(c: TokenBucketConfig): number {
  switch (c.flavour) {
    case 'envoy':
    case 'envoy-timer':
      return (c.tokensPerFill * 1000) / c.fillIntervalMs;
    case 'traefik':
      return c.average > 0 ? (c.average * 1000) / (c.periodMs ?? 1000) : Infinity;
    case 'aws':
      return c.rate;
  }
}

/** Bucket size. */
export function tokenBucketCapacity(c: TokenBucketConfig): number {
  switch (c.flavour) {
    case 'envoy':
    case 'envoy-timer':
      return c.maxTokens;
    case 'traefik':
      return Math.max(c.burst ?? 1, 1);
    case 'aws':
      return c.burst;
  }
}

/** Traefik's maxDelay in ns: `time.Second / (time.Duration(r) * 2)` — r truncated to an integer. */
export function traefikMaxDelayNs(ratePerSecond: number): number {
  if (ratePerSecond === Infinity) return 0;
  if (ratePerSecond < 1) return 500e6;
  return Math.floor(1e9 / (Math.trunc(ratePerSecond) * 2));
}

/** Traefik's bucket TTL in seconds: `ttl := 1; if r >= 1 { ttl++ } else if r > 0 { ttl += int(1/r) }`. */
export function traefikBucketTtlSeconds(ratePerSecond: number): number {
  if (ratePerSecond >= 1) return 2;
  if (ratePerSecond > 0) return 1 + Math.trunc(1 / ratePerSecond);
  return 1;
}

/** Whether Traefik's TTL map has dropped a bucket last touched at `touchedMs` by `nowMs` (expiry <= now, in Unix seconds). */
export function traefikBucketEvicted(ratePerSecond: number, touchedMs: number, nowMs: number): boolean {
  return Math.floor(touchedMs / 1000) + traefikBucketTtlSeconds(ratePerSecond) <= Math.floor(nowMs / 1000);
}

/** Problems a vendor would reject the config for, as sentences; empty when valid. */
export function tokenBucketConfigProblems(c: TokenBucketConfig): string[] {
  const out: string[] = [];
  if (c.flavour === 'envoy' || c.flavour === 'envoy-timer') {
    if (!(c.maxTokens > 0)) out.push('token_bucket.max_tokens must be > 0');
    if (!(c.tokensPerFill > 0)) out.push('token_bucket.tokens_per_fill must be > 0');
    if (!(c.fillIntervalMs > 0)) out.push('token_bucket.fill_interval is required and must be > 0');
    if (c.flavour === 'envoy-timer' && c.fillIntervalMs < 50) out.push('the timer-based bucket needs fill_interval >= 50ms');
  } else if (c.flavour === 'traefik') {
    if (c.average < 0) out.push('average must be >= 0');
    if ((c.periodMs ?? 1000) < 0) out.push('negative value not valid for period');
  } else if (c.flavour === 'aws' && (!(c.rate > 0) || !(c.burst >= 0))) {
    out.push('rate must be > 0 and burst >= 0');
  }
  return out;
}

/** Far below anything a request can observe (a token per 10^9), far above a few ulps of drift. */
const TOKEN_EPSILON = 1e-9;

function continuous(c: TokenBucketConfig, s: TokenBucketState | undefined, nowMs: number) {
  const capacity = tokenBucketCapacity(c);
  const rate = tokenBucketRate(c);
  const base = s ?? { tokens: capacity, lastMs: nowMs, createdMs: nowMs };
  const elapsed = Math.max(0, nowMs - base.lastMs);
  const tokensBefore = Math.min(capacity, base.tokens + (elapsed / 1000) * rate);
  // Allowed iff >= 1 token, up to float noise: every refill and take rounds, and a token due exactly
  // now (0.9999999999999999 after a few sums) must count as there, or exact edges would not be exact.
  const allowed = tokensBefore >= 1 - TOKEN_EPSILON;
  const tokensAfter = allowed ? tokensBefore - 1 : tokensBefore;
  // A refused request leaves the bucket untouched (Envoy's atomic bucket does not write on a failed
  // consume). Writing the refilled value back is the same number in exact arithmetic, but each write
  // rounds, and a client retrying every few ms drifted the token due at t to a hair after t.
  const state = allowed ? { tokens: tokensAfter, lastMs: Math.max(nowMs, base.lastMs), createdMs: base.createdMs } : base;
  return { capacity, rate, allowed, tokensBefore, tokensAfter, nextTokenInMs: tokensAfter < 1 - TOKEN_EPSILON ? ((1 - tokensAfter) / rate) * 1000 : undefined, state };
}

function timer(c: TokenBucketConfig & { flavour: 'envoy-timer' }, s: TokenBucketState | undefined, nowMs: number) {
  const base = s ?? { tokens: c.maxTokens, lastMs: nowMs, createdMs: nowMs };
  const at = (t: number): number => Math.floor((t - base.createdMs) / c.fillIntervalMs);
  const fills = Math.max(0, at(nowMs) - at(base.lastMs));
  const tokensBefore = Math.min(c.maxTokens, base.tokens + fills * c.tokensPerFill);
  const allowed = tokensBefore >= 1;
  const tokensAfter = allowed ? tokensBefore - 1 : tokensBefore;
  const nextFill = base.createdMs + (at(nowMs) + 1) * c.fillIntervalMs;
  return { allowed, tokensBefore, tokensAfter, nextTokenInMs: tokensAfter < 1 ? nextFill - nowMs : undefined, state: { tokens: tokensAfter, lastMs: Math.max(nowMs, base.lastMs), createdMs: base.createdMs } };
}

function traefik(c: TokenBucketConfig & { flavour: 'traefik' }, s: TokenBucketState | undefined, nowMs: number): { decision: TokenBucketDecision; state: TokenBucketState } {
  const p: GoLimiterParams = { limit: tokenBucketRate(c), burst: tokenBucketCapacity(c) };
  const evicted = s !== undefined && (c.evictIdleBuckets ?? true) && traefikBucketEvicted(p.limit, s.lastMs, nowMs);
  const live = evicted ? undefined : s;
  const limiter: GoLimiterState = live ? { tokens: live.tokens, lastMs: live.lastMs } : NEW_GO_LIMITER;
  const createdMs = live?.createdMs ?? nowMs;
  const maxDelayNs = traefikMaxDelayNs(p.limit);
  const { reservation: r, state: reserved } = goReserve(p, limiter, nowMs);
  const common = { flavour: c.flavour, capacity: p.burst, ratePerSecond: p.limit, tokensBefore: r.tokensBefore, maxDelayMs: maxDelayNs / 1e6 };
  if (r.ok && r.delayNs <= maxDelayNs) {
    const decision: TokenBucketDecision = { ...common, allowed: true, delayMs: r.delayNs / 1e6, tokensAfter: r.tokensAfter };
    // Under rate.Inf the limiter is never advanced; keep the state JSON-able all the same.
    const lastMs = Number.isFinite(reserved.lastMs) ? reserved.lastMs : nowMs;
    return { decision, state: { tokens: reserved.tokens, lastMs, createdMs } };
  }
  const cancelled = r.ok ? goCancelLast(p, reserved, nowMs) : reserved;
  const seconds = Math.trunc(r.delayNs / 1e9) + (r.delayNs % 1e9) / 1e9; // Go's Duration.Seconds()
  const decision: TokenBucketDecision = {
    ...common,
    allowed: false,
    delayMs: 0,
    tokensAfter: cancelled.tokens,
    nextTokenInMs: r.delayNs / 1e6,
    status: 429,
    retryAfterSeconds: Math.ceil(seconds),
    retryIn: formatGoDuration(r.delayNs),
  };
  return { decision, state: { ...cancelled, createdMs } };
}

/** One request at `nowMs` against a bucket (`undefined` = a new, full bucket created now). */
export function tokenBucket(
  config: TokenBucketConfig,
  state: TokenBucketState | undefined,
  nowMs: number,
): { decision: TokenBucketDecision; state: TokenBucketState } {
  if (config.flavour === 'traefik') return traefik(config, state, nowMs);
  const r = config.flavour === 'envoy-timer' ? timer(config, state, nowMs) : continuous(config, state, nowMs);
  const decision: TokenBucketDecision = {
    allowed: r.allowed,
    flavour: config.flavour,
    delayMs: 0,
    tokensBefore: r.tokensBefore,
    tokensAfter: r.tokensAfter,
    capacity: tokenBucketCapacity(config),
    ratePerSecond: tokenBucketRate(config),
  };
  if (r.nextTokenInMs !== undefined) decision.nextTokenInMs = r.nextTokenInMs;
  if (!r.allowed) decision.status = 429;
  return { decision, state: r.state };
}

/**
 * The tokens a bucket holds at `nowMs`, without taking one: what a snapshot shows. A new bucket (or
 * a Traefik bucket its TTL map has dropped) is full. Traefik's may be negative (a reservation borrowed
 * from the future).
 */
export function tokenBucketPeek(config: TokenBucketConfig, state: TokenBucketState | undefined, nowMs: number): number {
  const capacity = tokenBucketCapacity(config);
  if (!state) return capacity;
  switch (config.flavour) {
    case 'traefik': {
      const p: GoLimiterParams = { limit: tokenBucketRate(config), burst: capacity };
      if (p.limit === Infinity) return capacity;
      if ((config.evictIdleBuckets ?? true) && traefikBucketEvicted(p.limit, state.lastMs, nowMs)) return capacity;
      return goAdvance(p, { tokens: state.tokens, lastMs: state.lastMs }, nowMs).tokens;
    }
    case 'envoy-timer': {
      const at = (t: number): number => Math.floor((t - state.createdMs) / config.fillIntervalMs);
      const fills = Math.max(0, at(nowMs) - at(state.lastMs));
      return Math.min(capacity, state.tokens + fills * config.tokensPerFill);
    }
    default: {
      const elapsed = Math.max(0, nowMs - state.lastMs);
      return Math.min(capacity, state.tokens + (elapsed / 1000) * tokenBucketRate(config));
    }
  }
}
