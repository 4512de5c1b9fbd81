/**
 * GCRA, the generic cell rate algorithm (virtual-scheduling form), as redis-cell, `throttled` and
 * many API gateways' Redis limiters use it: one timestamp per key instead of a counter.
 *
 * Parameterisation (documented because every library picks its own):
 *   T  = periodMs / limit        emission interval: one request per T on average
 *   τ  = T × burst               tolerance: how far ahead of schedule a client may run
 *   TAT                          theoretical arrival time of the next request (state)
 * A request at t is admitted iff max(TAT, t) − t <= τ; then TAT = max(TAT, t) + T.
 * So `burst` counts requests *beyond* the steady one: burst + 1 pass at once from an idle key
 * (like nginx limit_req with nodelay, and redis-cell's max_burst), then one per T.
 *
 * All arithmetic is done in "scaled ms" ((ms − origin) × limit), where T = periodMs and
 * τ = periodMs × burst are integers, so no float rounding decides a request; the origin (the key's
 * first request) keeps the scaled numbers small enough to stay exact.
 */

export interface GcraConfig {
  /** Requests per period. */
  limit: number;
  periodMs: number;
  /** Extra requests allowed ahead of schedule (>= 0). */
  burst: number;
}

export interface GcraState {
  /** The instant scaled times count from (the key's first request). */
  originMs: number;
  /** Theoretical arrival time in scaled ms ((ms − origin) × limit). */
  tatScaled: number;
}

export interface GcraDecision {
  allowed: boolean;
  /** Emission interval T in ms. */
  emissionIntervalMs: number;
  /** Tolerance τ in ms. */
  toleranceMs: number;
  /** TAT (ms) after this request. */
  tatMs: number;
  /** How far ahead of schedule the client would be with this request, in ms (≤ τ to pass). */
  aheadMs: number;
  /** Requests that could still pass right now after this one. */
  remaining: number;
  /** On a rejection: ms until a request fits again, rounded up to a whole ms. */
  retryAfterMs?: number;
}

export function gcra(config: GcraConfig, state: GcraState | undefined, instantMs: number): { decision: GcraDecision; state: GcraState } {
  const nowMs = Math.floor(instantMs); // whole ms keep the scaled arithmetic exact
  const { limit, periodMs, burst } = config;
  const originMs = state?.originMs ?? nowMs;
  const t = (nowMs - originMs) * limit;
  const T = periodMs;
  const tau = periodMs * burst;
  const tat = Math.max(state?.tatScaled ?? t, t);
  const ahead = tat - t;
  const allowed = ahead <= tau;
  const newTat = allowed ? tat + T : tat;
  // After this request, how many more fit now: each one pushes TAT by T while TAT − t stays <= τ.
  const slack = tau - (newTat - t);
  const remaining = slack >= 0 ? Math.floor(slack / T) + 1 : 0;
  const decision: GcraDecision = {
    allowed,
    emissionIntervalMs: periodMs / limit,
    toleranceMs: tau / limit,
    tatMs: originMs + newTat / limit,
    aheadMs: ahead / limit,
    remaining,
  };
  if (!allowed) decision.retryAfterMs = Math.ceil((ahead - tau) / limit);
  return { decision, state: { originMs, tatScaled: newTat } };
}
