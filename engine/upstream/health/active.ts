/**
 * Active health checks: probes the gateway sends on its own schedule, judged by consecutive results
 * (Kong healthchecks.active, Envoy health_checks, Traefik healthCheck, NGINX Plus health_check).
 * Lazy like the rest of gatelab: the caller asks which probe instants fell due and reports results.
 */
import type { ActiveHealthIR } from '../policy.ts';
import { hostLabel, ms } from '../outlier/words.ts';
import type { ActiveHealth, HealthOptions, HealthVerdict } from './types.ts';

export interface ActiveHealthOptions extends HealthOptions {
  /**
   * Envoy: a host starts unhealthy and its first probe decides at once, whatever the thresholds
   * ("first check" fast path). Kong, Traefik and NGINX Plus start every target healthy (the default).
   */
  startUnhealthy?: boolean;
}

interface Probed {
  healthy: boolean;
  passesInARow: number;
  failuresInARow: number;
  probed: boolean;
}

/** Whether one probe passed: no transport failure, in time, and an expected status. */
export function probePassed(spec: ActiveHealthIR, result: { status?: number; failure?: 'connect' | 'timeout' | 'reset'; latencyMs?: number }): boolean {
  if (result.failure !== undefined || result.status === undefined) return false;
  if (spec.timeoutMs > 0 && (result.latencyMs ?? 0) > spec.timeoutMs) return false;
  // No list means "any 2xx or 3xx", the common default (Traefik; Kong ships 200 and 302).
  return spec.healthyStatuses.length > 0 ? spec.healthyStatuses.includes(result.status) : result.status >= 200 && result.status < 400;
}

/** "once" for a threshold of one, else "N times in a row". */
const inARow = (n: number): string => (n === 1 ? 'once' : `${n} times in a row`);

export function createActiveHealth(spec: ActiveHealthIR, hostCount: number, startAt: number, opts: ActiveHealthOptions = {}): ActiveHealth {
  const start = !opts.startUnhealthy;
  const hosts: Probed[] = Array.from({ length: Math.max(0, hostCount) }, () => ({ healthy: start, passesInARow: 0, failuresInARow: 0, probed: false }));
  const name = (i: number): string => hostLabel(opts.hostNames, i);

  function host(i: number): Probed {
    const h = hosts[i];
    if (!h) throw new RangeError(`active health: host ${i} is not among the ${hosts.length} probed hosts`);
    return h;
  }

  function pass(i: number, h: Probed): HealthVerdict {
    h.failuresInARow = 0;
    if (h.healthy) return undefined;
    if (opts.startUnhealthy && !h.probed) {
      h.healthy = true;
      return { changed: 'healthy', reason: `first probe of ${spec.path} on ${name(i)} passed: Envoy marks a new host healthy at its first passing check` };
    }
    h.passesInARow += 1;
    if (spec.healthyThreshold <= 0) {
      return { reason: `probe of ${spec.path} on ${name(i)} passed, but the healthy threshold is 0: active checks never bring a host back` };
    }
    if (h.passesInARow < spec.healthyThreshold) {
      return { reason: `probe of ${spec.path} on ${name(i)} passed (${h.passesInARow} of ${spec.healthyThreshold} in a row needed to mark it healthy)` };
    }
    h.healthy = true;
    return { changed: 'healthy', reason: `probe of ${spec.path} on ${name(i)} passed ${inARow(h.passesInARow)} (healthy threshold ${spec.healthyThreshold}): back in rotation` };
  }

  function fail(i: number, h: Probed): HealthVerdict {
    h.passesInARow = 0;
    if (!h.healthy) return undefined;
    h.failuresInARow += 1;
    if (spec.unhealthyThreshold <= 0) {
      return { reason: `probe of ${spec.path} on ${name(i)} failed, but the unhealthy threshold is 0: active checks never take a host out` };
    }
    if (h.failuresInARow < spec.unhealthyThreshold) {
      return { reason: `probe of ${spec.path} on ${name(i)} failed (${h.failuresInARow} of ${spec.unhealthyThreshold} in a row needed to mark it unhealthy)` };
    }
    h.healthy = false;
    return {
      changed: 'unhealthy',
      reason: `probe of ${spec.path} on ${name(i)} failed ${inARow(h.failuresInARow)} (unhealthy threshold ${spec.unhealthyThreshold}, probes every ${ms(spec.intervalMs)}): out of rotation`,
    };
  }

  return {
    dueProbes(from: number, to: number): number[] {
      if (!(spec.intervalMs > 0) || to < startAt) return [];
      const first = from < startAt ? 0 : Math.floor((from - startAt) / spec.intervalMs) + 1;
      const out: number[] = [];
      for (let k = first; startAt + k * spec.intervalMs <= to; k++) out.push(startAt + k * spec.intervalMs);
      return out;
    },
    recordProbe(i: number, ok: boolean): HealthVerdict {
      const h = host(i);
      const verdict = ok ? pass(i, h) : fail(i, h);
      h.probed = true;
      return verdict;
    },
    isHealthy: (i: number): boolean => host(i).healthy,
    snapshot(): Record<string, unknown> {
      return {
        path: spec.path,
        intervalMs: spec.intervalMs,
        hosts: hosts.map((h, i) => ({ host: name(i), healthy: h.healthy, passesInARow: h.passesInARow, failuresInARow: h.failuresInARow })),
      };
    },
  };
}
