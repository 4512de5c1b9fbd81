/**
 * What the outlier detector tells its caller. Events are data with a sentence, so the trace can show
 * why a host left or rejoined the pool, and why a host that "should" have been ejected was not.
 */
import type { OutlierRule } from './rules.ts';

export type { OutlierRule } from './rules.ts';

export type OutlierEvent =
  | { kind: 'eject'; host: number; at: number; rule: OutlierRule; ejectionMs: number; timesEjected: number; reason: string }
  /** `by`: what ended the ejection — its time running out at a sweep, or a passing active health check. */
  | { kind: 'uneject'; host: number; at: number; by: 'sweep' | 'active-health-check'; reason: string }
  /** Envoy's ejections_overflow: max_ejection_percent forbade the ejection. */
  | { kind: 'overflow'; host: number; at: number; rule: string; reason: string }
  /** The threshold was hit but the enforcing_* percentage said no (ejections_detected_* without enforced). */
  | { kind: 'not-enforced'; host: number; at: number; rule: string; reason: string };

export type HostResult = { status?: number; failure?: 'connect' | 'timeout' | 'reset' };

export interface OutlierHostSnapshot {
  consecutive5xx: number;
  consecutiveGatewayFailure: number;
  timesEjected: number;
  multiplier: number;
  ejectedUntil: number | null;
}

export interface OutlierDetector {
  /**
   * Runs every interval sweep with time ≤ now that has not run yet (sweeps at start + k·interval,
   * k ≥ 1), then answers. `draw` decides enforcing_* percentages strictly between 0 and 100 for
   * sweep-time ejections; without it the draw is keyed by (rule, host, sweep instant).
   */
  advance(now: number, draw?: () => number): OutlierEvent[];
  /**
   * One response from host i at `now`. Runs advance(now) first, so its events come first. `status` is
   * the HTTP status; `failure` a local-origin failure (connect refused, timeout, reset), which counts
   * as a 5xx and a gateway failure unless splitExternalLocalOriginErrors. `draw` is a deterministic
   * [0,1) draw for enforcing_* percentages. Returns the events (an inline consecutive ejection).
   */
  record(i: number, outcome: HostResult, now: number, draw: () => number): OutlierEvent[];
  /**
   * An active health check on host i passed at `now` and active checks call the host healthy (Envoy's
   * HostCheckCompleteCb with a Healthy result and no FAILED_ACTIVE_HC flag). With
   * successfulActiveHealthCheckUnejectHost an ejected host is returned at once, before its ejection
   * time is over. Runs the sweeps due by `now` first (only when the host is ejected), so a host whose
   * time already ran out is returned by its sweep, not credited to the check. Returns the events.
   */
  activeCheckPassed(i: number, now: number): OutlierEvent[];
  isEjected(i: number): boolean;
  ejectedCount(): number;
  /**
   * Envoy panic: fewer than healthyPanicThreshold % of hosts healthy → the balancer ignores health.
   * A host counts as unhealthy when it is ejected or `alsoUnhealthy(i)` says so: Envoy's threshold
   * looks at every health flag (active checks too), not at ejection alone.
   */
  panic(alsoUnhealthy?: (i: number) => boolean): boolean;
  snapshot(): { ejected: number[]; hosts: OutlierHostSnapshot[]; nextSweepAt: number };
}
