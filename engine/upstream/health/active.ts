/**
 * Active health checks: probes the gateway sends on its own schedule, judged by consecutive results
 * (Envoy health_checks, Traefik healthCheck, NGINX Plus health_check) or by Kong's four counters
 * (healthchecks.active, kong-active.ts). Lazy like the rest of gatelab: the host wakes on the probe
 * timer, asks which targets are due, and reports each result.
 */
import type { ActiveHealthIR } from '../policy.ts';
import { hostLabel, ms } from '../outlier/words.ts';
import { kongCount, kongRoutable, newKongTarget, type KongTarget } from './kong-active.ts';
import { classifyProbe, type ProbeKind, type ProbeResult } from './probe.ts';
import type { ActiveHealth, HealthOptions, HealthVerdict } from './types.ts';

export { probePassed } from './probe.ts';

export interface ActiveHealthOptions extends HealthOptions {
  /**
   * Envoy: a host starts unhealthy and its first probe decides at once, whatever the thresholds
   * ("first check" fast path). Kong, Traefik and NGINX Plus start every target healthy (the default).
   */
  startUnhealthy?: boolean;
  /**
   * Kong with passive checks too: the targets' counters and state, shared with the passive side
   * (kong-passive.ts). A target either side took out is in the unhealthy round, and either side's
   * reports count on the same counters. Only with failureThresholds (Kong's counting).
   */
  sharedTargets?: KongTarget[];
}

interface Probed {
  healthy: boolean;
  passesInARow: number;
  failuresInARow: number;
  probed: boolean;
  /** Kong's counters, when the spec has failureThresholds. */
  kong?: KongTarget;
}

/**
 * The probe result in words for Kong's sentences. The counter named next says which kind of failure
 * it was; the words stay the same whether the host reported a full outcome or a bare pass/fail, so
 * the simulator and `gatelab serve` tell a move in the same sentence.
 */
function resultWords(result: ProbeResult, kind: ProbeKind): string {
  if (kind === 'ignored') return typeof result === 'boolean' ? 'answered' : `answered ${result.status ?? 0}`;
  return kind === 'success' ? 'passed' : 'failed';
}

/** "once" for a threshold of one, else "N times in a row". */
const inARow = (n: number): string => (n === 1 ? 'once' : `${n} times in a row`);

export function createActiveHealth(spec: ActiveHealthIR, hostCount: number, startAt: number, opts: ActiveHealthOptions = {}): ActiveHealth {
  const start = !opts.startUnhealthy;
  const kongMode = spec.failureThresholds !== undefined;
  const hosts: Probed[] = Array.from({ length: Math.max(0, hostCount) }, (_, i) => ({
    healthy: start,
    passesInARow: 0,
    failuresInARow: 0,
    probed: false,
    ...(kongMode ? { kong: opts.sharedTargets?.[i] ?? newKongTarget(start) } : {}),
  }));
  const tick = spec.intervalMs;
  // Each state's round in ticks: Kong runs the healthy and the unhealthy round each on its own clock
  // from the checker's start (active_check_timer: last_run + interval <= now), so a target that
  // changes state waits for the next round of its new state; the change does not restart any clock.
  const every = (periodMs: number | undefined): number => (periodMs === undefined ? 1 : periodMs > 0 ? Math.max(1, Math.round(periodMs / tick)) : 0);
  const healthyEvery = every(spec.healthyIntervalMs);
  const unhealthyEvery = every(spec.unhealthyIntervalMs);
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

  /** Kong's state may have moved by a passive report since the last probe: read it, not the copy. */
  const up = (h: Probed): boolean => (h.kong ? kongRoutable(h.kong.health) : h.healthy);

  function isDue(i: number, round: number): boolean {
    const n = up(host(i)) ? healthyEvery : unhealthyEvery;
    return tick > 0 && n > 0 && round >= 0 && round % n === 0;
  }

  return {
    dueProbes(from: number, to: number): number[] {
      if (!(tick > 0) || to < startAt) return [];
      const first = from < startAt ? 0 : Math.floor((from - startAt) / tick) + 1;
      const out: number[] = [];
      for (let k = first; startAt + k * tick <= to; k++) out.push(startAt + k * tick);
      return out;
    },
    roundAt: (now: number): number => (tick > 0 ? Math.round((now - startAt) / tick) : -1),
    isDue,
    dueTargets: (round: number): number[] => hosts.flatMap((_, i) => (isDue(i, round) ? [i] : [])),
    recordProbe(i: number, result: ProbeResult): HealthVerdict {
      const h = host(i);
      const kind = classifyProbe(spec, result);
      let verdict: HealthVerdict;
      if (h.kong) {
        const probe = spec.probe === 'tcp' ? `TCP probe of ${name(i)}` : `probe of ${spec.path} on ${name(i)}`;
        verdict = kongCount(spec, h.kong, kind, { probe, result: resultWords(result, kind) });
        h.healthy = kongRoutable(h.kong.health);
      } else if (kind !== 'ignored') {
        verdict = kind === 'success' ? pass(i, h) : fail(i, h);
      }
      h.probed = true;
      return verdict;
    },
    isHealthy: (i: number): boolean => up(host(i)),
    snapshot(): Record<string, unknown> {
      return {
        path: spec.path,
        intervalMs: spec.intervalMs,
        ...(spec.healthyIntervalMs !== undefined ? { healthyIntervalMs: spec.healthyIntervalMs } : {}),
        ...(spec.unhealthyIntervalMs !== undefined ? { unhealthyIntervalMs: spec.unhealthyIntervalMs } : {}),
        hosts: hosts.map((h, i) => ({
          host: name(i),
          healthy: up(h),
          ...(h.kong
            ? { health: h.kong.health, counters: { successes: h.kong.success, httpFailures: h.kong.http, tcpFailures: h.kong.tcp, timeouts: h.kong.timeout } }
            : { passesInARow: h.passesInARow, failuresInARow: h.failuresInARow }),
        })),
      };
    },
  };
}
