/**
 * Envoy outlier detection for one cluster of N hosts (semantics §9; Envoy outlier_detection_impl.cc).
 * Lazy, like every time-based state in gatelab (design.md): nothing runs on a timer; the interval
 * sweeps that fell due are run, in order, whenever the detector is touched with a later `now`.
 */
import type { OutlierPolicyIR } from '../policy.ts';
import * as say from './reasons.ts';
import {
  ejectionTimeMs,
  enforced,
  enforcingPercent,
  is5xx,
  isGatewayError,
  keyedDraw,
  localFailureStatus,
  maxEjectionAllowed,
  multiplierAfterEjection,
  successRateThreshold,
  type OutlierRule,
} from './rules.ts';
import type { HostResult, OutlierDetector, OutlierEvent } from './types.ts';
import { hostLabel } from './words.ts';

/** Requests and successes seen in one interval (Envoy's SuccessRateAccumulatorBucket). */
interface Bucket {
  total: number;
  ok: number;
}

interface HostState {
  consecutive5xx: number;
  consecutiveGatewayFailure: number;
  timesEjected: number;
  /** Envoy's ejectTimeBackoff. */
  multiplier: number;
  ejectedAt: number | null;
  ejectionMs: number;
  lastUnejectAt: number | null;
  /** The interval being written, and the one that finished at the last sweep (what sweeps judge). */
  current: Bucket;
  previous: Bucket;
}

function freshHost(): HostState {
  return {
    consecutive5xx: 0,
    consecutiveGatewayFailure: 0,
    timesEjected: 0,
    multiplier: 0,
    ejectedAt: null,
    ejectionMs: 0,
    lastUnejectAt: null,
    current: { total: 0, ok: 0 },
    previous: { total: 0, ok: 0 },
  };
}

export function createOutlierDetector(
  policy: OutlierPolicyIR,
  hostCount: number,
  startAt: number,
  hostNames?: readonly string[],
): OutlierDetector {
  const hosts: HostState[] = Array.from({ length: Math.max(0, hostCount) }, freshHost);
  const n = hosts.length;
  // Envoy rejects interval 0; treat it as "no sweeps" rather than looping forever.
  const interval = policy.intervalMs > 0 ? policy.intervalMs : Number.POSITIVE_INFINITY;
  let sweepsRun = 0;
  const name = (i: number): string => hostLabel(hostNames, i);
  const nextSweepAt = (): number => startAt + (sweepsRun + 1) * interval;
  const ejectedCount = (): number => hosts.reduce((c, h) => c + (h.ejectedAt !== null ? 1 : 0), 0);

  function host(i: number): HostState {
    const h = hosts[i];
    if (!h) throw new RangeError(`outlier detector: host ${i} is not in this cluster of ${n} hosts`);
    return h;
  }

  /** The sweep that returns a host ejected at `at` for `t`: the first one after `at` that is ≥ at + t. */
  function returnSweep(at: number, t: number): number {
    if (!Number.isFinite(interval)) return Number.POSITIVE_INFINITY;
    const firstAfter = startAt + (Math.floor((at - startAt) / interval) + 1) * interval;
    return Math.max(firstAfter, startAt + Math.ceil((at + t - startAt) / interval) * interval);
  }

  /** Envoy's ejectHost: the max-percent check first, then the enforcing draw, then the ejection. */
  function ejectHost(i: number, rule: OutlierRule, at: number, draw: () => number, detected: string): OutlierEvent {
    const h = host(i);
    const out = ejectedCount();
    if (!maxEjectionAllowed(policy, out, n)) {
      return { kind: 'overflow', host: i, at, rule, reason: say.overflow(detected, out, n, policy) };
    }
    const percent = enforcingPercent(policy, rule);
    const verdict = enforced(percent, draw);
    if (!verdict.yes) {
      return { kind: 'not-enforced', host: i, at, rule, reason: say.notEnforced(detected, rule, percent, verdict.drew) };
    }
    h.timesEjected += 1;
    h.ejectedAt = at;
    h.multiplier = multiplierAfterEjection(policy, h.multiplier);
    h.ejectionMs = ejectionTimeMs(policy, h.multiplier);
    const reason = say.ejected(detected, h.ejectionMs, h.timesEjected, returnSweep(at, h.ejectionMs) - at, policy);
    return { kind: 'eject', host: i, at, rule, ejectionMs: h.ejectionMs, timesEjected: h.timesEjected, reason };
  }

  /**
   * A consecutive counter reached its threshold. Envoy ignores the detection for a host already
   * ejected (leaving the counter as it is); otherwise it resets that counter whatever the outcome, so
   * a host that is not ejected (overflow, not enforced) is judged again after another full run.
   */
  function consecutive(i: number, rule: 'consecutive-5xx' | 'consecutive-gateway-failure', at: number, draw: () => number): OutlierEvent[] {
    const h = host(i);
    if (h.ejectedAt !== null) return [];
    const threshold = rule === 'consecutive-5xx' ? policy.consecutive5xx : policy.consecutiveGatewayFailure;
    const event = ejectHost(i, rule, at, draw, say.consecutiveDetected(rule, threshold, name(i)));
    if (rule === 'consecutive-5xx') h.consecutive5xx = 0;
    else h.consecutiveGatewayFailure = 0;
    return [event];
  }

  /** Success-rate and failure-percentage ejection over the interval that just finished. */
  function rateEjections(at: number, drawFor: (rule: OutlierRule, i: number) => () => number): OutlierEvent[] {
    if (n < policy.successRateMinimumHosts && n < policy.failurePercentageMinimumHosts) return [];
    const rated: Array<{ i: number; rate: number; volume: number }> = [];
    for (let i = 0; i < n; i++) {
      const h = host(i);
      // Ejected hosts are not judged (and do not pull the mean down); hosts without traffic have no rate.
      if (h.ejectedAt !== null || h.previous.total === 0) continue;
      rated.push({ i, rate: (h.previous.ok * 100) / h.previous.total, volume: h.previous.total });
    }
    const events: OutlierEvent[] = [];
    const sr = rated.filter((r) => r.volume >= policy.successRateRequestVolume);
    if (sr.length > 0 && sr.length >= policy.successRateMinimumHosts) {
      const stats = successRateThreshold(
        sr.map((r) => r.rate),
        policy.successRateStdevFactor,
      );
      for (const r of sr) {
        if (r.rate >= stats.threshold) continue;
        const detected = say.successRateDetected(name(r.i), r.rate, r.volume, stats, policy, sr.length);
        events.push(ejectHost(r.i, 'success-rate', at, drawFor('success-rate', r.i), detected));
      }
    }
    const fp = rated.filter((r) => r.volume >= policy.failurePercentageRequestVolume);
    if (fp.length > 0 && fp.length >= policy.failurePercentageMinimumHosts) {
      for (const r of fp) {
        // Envoy would call ejectHost again for a host success-rate just ejected; gatelab skips it.
        if (host(r.i).ejectedAt !== null || 100 - r.rate < policy.failurePercentageThreshold) continue;
        const detected = say.failurePercentageDetected(name(r.i), r.rate, r.volume, policy);
        events.push(ejectHost(r.i, 'failure-percentage', at, drawFor('failure-percentage', r.i), detected));
      }
    }
    return events;
  }

  /**
   * Envoy's unejectHost, whoever calls it (a sweep, or a passing active check): the consecutive
   * counters restart from 0 so a few new errors cannot re-eject at once; the multiplier and the count
   * of ejections stay, and the unejection instant starts the wait before the multiplier comes down.
   */
  function uneject(h: HostState, at: number): void {
    h.ejectedAt = null;
    h.lastUnejectAt = at;
    h.consecutive5xx = 0;
    h.consecutiveGatewayFailure = 0;
  }

  /** Envoy's onIntervalTimer at instant `at`. */
  function sweep(at: number, draw: (() => number) | undefined): OutlierEvent[] {
    const events: OutlierEvent[] = [];
    for (let i = 0; i < n; i++) {
      const h = host(i);
      if (h.ejectedAt !== null && h.ejectionMs <= at - h.ejectedAt) {
        events.push({ kind: 'uneject', host: i, at, by: 'sweep', reason: say.unejected(name(i), at - h.ejectedAt, h.ejectionMs, h.multiplier, policy) });
        uneject(h, at);
      }
      h.previous = h.current;
      h.current = { total: 0, ok: 0 };
    }
    events.push(...rateEjections(at, (rule, i) => draw ?? (() => keyedDraw(`${rule}|${i}|${at}`))));
    // The multiplier comes down one step per sweep a host spends in the pool, counted from a full
    // interval after it rejoined (so the sweep that returns it does not also forgive it).
    for (const h of hosts) {
      if (h.ejectedAt === null && h.lastUnejectAt !== null && at - h.lastUnejectAt >= interval && h.multiplier > 0) {
        h.multiplier -= 1;
      }
    }
    return events;
  }

  /** A sweep that would change nothing: no host out, no traffic to judge, nothing left to forgive. */
  function quiet(): boolean {
    return hosts.every((h) => h.ejectedAt === null && h.multiplier === 0 && h.current.total === 0 && h.previous.total === 0);
  }

  function advance(now: number, draw?: () => number): OutlierEvent[] {
    const events: OutlierEvent[] = [];
    while (nextSweepAt() <= now) {
      if (quiet()) {
        // Skip straight to the last due sweep: a long idle gap costs no loop iterations.
        sweepsRun = Math.max(sweepsRun, Math.floor((now - startAt) / interval) - 1);
      }
      events.push(...sweep(nextSweepAt(), draw));
      sweepsRun += 1;
    }
    return events;
  }

  return {
    advance,
    record(i: number, outcome: HostResult, now: number, draw: () => number): OutlierEvent[] {
      const h = host(i); // validate before any sweep runs, so a bad index loses no events
      const events = advance(now);
      let status: number;
      if (outcome.failure !== undefined) {
        // With the split, local-origin failures feed Envoy's separate consecutive_local_origin_failure
        // counter, which the policy IR does not carry yet: they leave the external counters alone.
        if (policy.splitExternalLocalOriginErrors) return events;
        status = localFailureStatus(outcome.failure);
      } else {
        status = outcome.status ?? 200;
      }
      h.current.total += 1;
      if (!is5xx(status)) {
        h.current.ok += 1;
        h.consecutive5xx = 0;
        h.consecutiveGatewayFailure = 0;
        return events;
      }
      // Envoy fires on equality, not ≥: a run that was not acted on must start again from 0.
      if (isGatewayError(status)) {
        h.consecutiveGatewayFailure += 1;
        if (h.consecutiveGatewayFailure === policy.consecutiveGatewayFailure) {
          events.push(...consecutive(i, 'consecutive-gateway-failure', now, draw));
        }
      } else {
        h.consecutiveGatewayFailure = 0;
      }
      h.consecutive5xx += 1;
      if (h.consecutive5xx === policy.consecutive5xx) events.push(...consecutive(i, 'consecutive-5xx', now, draw));
      return events;
    },
    activeCheckPassed(i: number, now: number): OutlierEvent[] {
      const h = host(i);
      // Nothing to do for a host in the pool, or when the knob is off (it then waits for its sweep).
      if (!policy.successfulActiveHealthCheckUnejectHost || h.ejectedAt === null) return [];
      const events = advance(now);
      const ejectedAt = h.ejectedAt as number | null; // a due sweep may have returned it already
      if (ejectedAt === null) return events;
      const reason = say.unejectedByActiveCheck(name(i), now - ejectedAt, h.ejectionMs, returnSweep(ejectedAt, h.ejectionMs) - now, h.multiplier);
      events.push({ kind: 'uneject', host: i, at: now, by: 'active-health-check', reason });
      uneject(h, now);
      return events;
    },
    isEjected: (i) => host(i).ejectedAt !== null,
    ejectedCount,
    panic(alsoUnhealthy?: (i: number) => boolean): boolean {
      // Threshold 0 (Istio's default minHealthPercent) never panics, not even with no host healthy.
      if (n === 0 || policy.healthyPanicThreshold <= 0) return false;
      let unhealthy = 0;
      for (let i = 0; i < n; i++) if (host(i).ejectedAt !== null || alsoUnhealthy?.(i) === true) unhealthy += 1;
      return (100 * (n - unhealthy)) / n < policy.healthyPanicThreshold;
    },
    snapshot() {
      return {
        ejected: hosts.flatMap((h, i) => (h.ejectedAt !== null ? [i] : [])),
        hosts: hosts.map((h) => ({
          consecutive5xx: h.consecutive5xx,
          consecutiveGatewayFailure: h.consecutiveGatewayFailure,
          timesEjected: h.timesEjected,
          multiplier: h.multiplier,
          ejectedUntil: h.ejectedAt !== null ? h.ejectedAt + h.ejectionMs : null,
        })),
        nextSweepAt: nextSweepAt(),
      };
    },
  };
}
