/**
 * One sentence per decision, for the trace's `reason`: what a student reads when they click a
 * request. Plugins built on these algorithms (Envoy, Traefik, nginx, AWS flavours) can use them as is.
 */
import type { GcraDecision } from './gcra.ts';
import type { LimitReqDecision } from './nginx-limit-req.ts';
import type { SlidingLogDecision } from './sliding-log.ts';
import type { SlidingWindowDecision } from './sliding-window.ts';
import type { TokenBucketDecision } from './token-bucket.ts';

/** Up to 3 decimals, trailing zeros dropped: 0.5, 6, 0.333. */
const n = (x: number): string => String(Number(x.toFixed(3)));

export function describeTokenBucket(d: TokenBucketDecision): string {
  const tokens = `${n(d.tokensBefore)} of ${n(d.capacity)} tokens`;
  if (d.allowed && d.delayMs > 0) return `token bucket short of a token (${tokens}): held ${n(d.delayMs)} ms for the next one, then admitted`;
  if (d.allowed) return `token bucket had ${tokens}: admitted, ${n(d.tokensAfter)} left`;
  if (d.retryIn !== undefined) return `token bucket (${tokens}) would need a wait of ${n(d.nextTokenInMs ?? 0)} ms (X-Retry-In: ${d.retryIn}), more than the ${n(d.maxDelayMs ?? 0)} ms Traefik holds a request: 429, Retry-After ${d.retryAfterSeconds} s`;
  const next = d.nextTokenInMs !== undefined ? `, next token in ${n(d.nextTokenInMs)} ms` : '';
  return `token bucket empty: ${tokens}${next}`;
}

export function describeLimitReq(d: LimitReqDecision): string {
  const excess = `excess ${n(d.excess / 1000)}`;
  switch (d.outcome) {
    case 'NOT_LIMITED':
      return 'limit_req: the key is empty, so the request is not limited';
    case 'REJECTED':
      return `limit_req zone "${d.zone}": ${excess} is over the burst — rejected`;
    case 'DELAYED':
      return `limit_req zone "${d.zone}": ${excess} — delayed ${d.delayMs} ms to keep the rate`;
    case 'PASSED':
      return d.zones.some((z) => z.firstSeen) ? 'limit_req: first request of this key, passed' : `limit_req: passed (${d.zones.map((z) => `${z.zone} excess ${n((z.excess ?? 0) / 1000)}`).join(', ')})`;
  }
}

export function describeSlidingWindow(d: SlidingWindowDecision): string {
  const estimate = `estimate ${n(d.estimate)} = ${d.current} + ${d.previous} × ${n(d.previousWeight)}`;
  if (d.allowed) return `sliding window: ${estimate}, under the limit of ${d.limit} — admitted`;
  const penalty = d.penalised ? ' (and counted: the penalty)' : '';
  return `sliding window: ${estimate} reaches the limit of ${d.limit} — rejected${penalty}, retry in ${d.retryAfterMs} ms`;
}

export function describeSlidingLog(d: SlidingLogDecision): string {
  if (d.allowed) return `sliding log: ${d.inWindow} of ${d.limit} in the last window — admitted`;
  return `sliding log: ${d.inWindow} of ${d.limit} in the last window — rejected, a slot frees in ${d.retryAfterMs} ms`;
}

export function describeGcra(d: GcraDecision): string {
  if (d.allowed) return `GCRA: ${n(d.aheadMs)} ms ahead of schedule, within the ${n(d.toleranceMs)} ms tolerance — admitted, ${d.remaining} more fit now`;
  return `GCRA: ${n(d.aheadMs)} ms ahead of schedule, over the ${n(d.toleranceMs)} ms tolerance — rejected, retry in ${d.retryAfterMs} ms`;
}
