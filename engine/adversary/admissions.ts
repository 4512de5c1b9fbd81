/**
 * What one schedule got through, and the question the search asks of it.
 *
 * Which instant counts: the instant the gateway admitted the request — when it forwarded it to a
 * backend (its first try; a gateway retry is not a new admission) — for requests whose client got a
 * 2xx. That is the limiter's decision instant for every local policy (hooks are synchronous, so the
 * decision and the forward share an instant); with a Redis policy or a held request (nginx delay,
 * Traefik's reservation) it is when the wait ended and the request went on, which is what the limit
 * is really enforcing. Response instants would smear a boundary burst by the backend's latency.
 */
import type { RateClaim } from './claim.ts';
import { busiestWindow, type BusiestWindow } from './window-max.ts';

export interface Admissions {
  /** Admission instants in ms since the start, ascending. */
  admittedMs: number[];
  /** Requests the schedule sent. */
  sent: number;
}

export interface ClaimCheck extends BusiestWindow {
  /** True when the busiest window holds more than the claim allows. */
  violated: boolean;
}

export function checkClaim(claim: RateClaim, admissions: Admissions): ClaimCheck {
  const busiest = busiestWindow(admissions.admittedMs, claim.windowMs);
  return { ...busiest, violated: busiest.count > claim.max };
}
