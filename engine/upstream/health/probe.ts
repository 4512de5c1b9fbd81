/**
 * What one active probe's result counts as. Both hosts feed results here: `gatelab serve` a full
 * outcome (the status, or how the connection failed), and so does the simulator; unit tests may pass a bare pass/fail.
 */
import type { ActiveHealthIR } from '../policy.ts';

/** One probe's result as the host saw it. */
export interface ProbeOutcome {
  /** The answer's status; absent with no failure = an answer whose status line could not be read. */
  status?: number;
  failure?: 'connect' | 'timeout' | 'reset';
  latencyMs?: number;
}

/** A full outcome, or a bare pass/fail from a host that judged the probe itself (probePassed). */
export type ProbeResult = ProbeOutcome | boolean;

/** The counter a probe feeds: Kong's four (lua-resty-healthcheck), or none at all. */
export type ProbeKind = 'success' | 'http' | 'tcp' | 'timeout' | 'ignored';

const isHealthyStatus = (spec: ActiveHealthIR, status: number): boolean =>
  // No list means "any 2xx or 3xx", the common default (Traefik; Kong ships 200 and 302).
  spec.healthyStatuses.length > 0 ? spec.healthyStatuses.includes(status) : status >= 200 && status < 400;

/**
 * Classifies a probe as Kong's checker:run_single_check reports it (kong/resty/healthcheck.lua): a
 * connect, send or receive that times out is a timeout; any other socket error (and a failed TLS
 * handshake) a TCP failure; a tcp probe passes once connected; otherwise the status decides through
 * report_http_status — healthy.http_statuses a success, unhealthy.http_statuses or an unreadable
 * status line (status 0) an HTTP failure, any other status nothing at all. Without Kong's counters
 * (failureThresholds) every status outside healthyStatuses is a failure, as before.
 */
export function classifyProbe(spec: ActiveHealthIR, result: ProbeResult): ProbeKind {
  if (typeof result === 'boolean') {
    // A bare fail says nothing about why: count it where this probe type's failures usually land.
    return result ? 'success' : spec.probe === 'tcp' ? 'tcp' : 'http';
  }
  if (result.failure === 'timeout') return 'timeout';
  if (spec.timeoutMs > 0 && (result.latencyMs ?? 0) > spec.timeoutMs) return 'timeout';
  if (result.failure !== undefined) return 'tcp';
  if (spec.probe === 'tcp') return 'success';
  const status = result.status ?? 0;
  if (status !== 0 && isHealthyStatus(spec, status)) return 'success';
  if (!spec.failureThresholds) return 'http';
  return status === 0 || (spec.unhealthyStatuses ?? []).includes(status) ? 'http' : 'ignored';
}

/**
 * Whether one probe passed, for hosts that report pass/fail: no transport failure, in time, and an
 * expected status (a tcp probe needs only the connection).
 */
export function probePassed(spec: ActiveHealthIR, result: ProbeOutcome): boolean {
  if (result.failure === undefined && result.status === undefined && spec.probe !== 'tcp') return false;
  return classifyProbe(spec, result) === 'success';
}
