/**
 * Kong passive health checks (healthchecks.passive, run by lua-resty-healthcheck 3.x): per target
 * one success counter and three failure counters (HTTP statuses, TCP errors, timeouts). A success
 * clears the failure counters and a failure clears the success counter; a counter reaching its
 * threshold sets the target's health. A threshold of 0 turns that counter off completely — it counts
 * nothing and clears nothing, so with Kong's default healthy.successes 0, successes never forgive
 * earlier failures, and an unhealthy target never heals by itself (Kong sends it no traffic to judge).
 */
import type { PassiveHealthIR } from '../policy.ts';
import { hostLabel } from '../outlier/words.ts';
import { kongIncr, kongRoutable, newKongTarget, type KongCounter, type KongTarget } from './kong-active.ts';
import type { HealthOptions, HealthVerdict, HostOutcome, PassiveHealth } from './types.ts';

type KongPassiveIR = Extract<PassiveHealthIR, { kind: 'kong' }>;

type Counter = KongCounter;

export interface KongPassiveOptions extends HealthOptions {
  /**
   * The targets' counters and state when Kong's active checks run too: one checker per upstream, so
   * passive reports and probes count on the same KongTarget (kong-active.ts kongIncr).
   */
  sharedTargets?: KongTarget[];
  /**
   * How active checks bring a target back (kong-active.ts kongActiveHealing), for the sentence of a
   * target passive reports took out; absent = no active checks, only the admin API.
   */
  activeHealing?: string;
}

const KNOB: Record<Counter, string> = {
  success: 'healthchecks.passive.healthy.successes',
  http: 'healthchecks.passive.unhealthy.http_failures',
  tcp: 'healthchecks.passive.unhealthy.tcp_failures',
  timeout: 'healthchecks.passive.unhealthy.timeouts',
};

export function createKongPassiveHealth(spec: KongPassiveIR, hostCount: number, opts: KongPassiveOptions = {}): PassiveHealth {
  const targets: KongTarget[] = opts.sharedTargets ?? Array.from({ length: Math.max(0, hostCount) }, () => newKongTarget(true));
  const healthy = new Set(spec.healthyStatuses);
  const unhealthy = new Set(spec.unhealthyStatuses);
  const name = (i: number): string => hostLabel(opts.hostNames, i);

  function target(i: number): KongTarget {
    const t = targets[i];
    if (!t) throw new RangeError(`Kong passive health: target ${i} is not in this upstream of ${targets.length} targets`);
    return t;
  }

  /** Which counter this outcome feeds, with its threshold and a name for it; undefined = ignored. */
  function classify(outcome: HostOutcome): { counter: Counter; limit: number; what: string } | undefined {
    if (outcome.failure === 'timeout') return { counter: 'timeout', limit: spec.timeouts, what: 'timeout' };
    if (outcome.failure) return { counter: 'tcp', limit: spec.tcpFailures, what: `TCP failure (${outcome.failure === 'connect' ? 'connection refused' : 'connection reset'})` };
    const status = outcome.status ?? 200;
    if (healthy.has(status)) return { counter: 'success', limit: spec.healthySuccesses, what: `success (HTTP ${status})` };
    // Kong reports an unreadable response as status 0, which always counts as an HTTP failure.
    if (unhealthy.has(status) || status === 0) return { counter: 'http', limit: spec.httpFailures, what: `HTTP failure (${status})` };
    return undefined;
  }

  function healingNote(): string {
    if (opts.activeHealing !== undefined) return `; active checks share its state: ${opts.activeHealing}`;
    return spec.healthySuccesses > 0
      ? `; ${spec.healthySuccesses} successes in a row would heal it, but Kong sends an unhealthy target no traffic, so in practice only an active check or the admin API does`
      : `; with ${KNOB.success} 0 it stays out until an active check or the admin API (POST /upstreams/{upstream}/targets/{target}/healthy) brings it back`;
  }

  return {
    record(i: number, outcome: HostOutcome): HealthVerdict {
      const t = target(i);
      const c = classify(outcome);
      if (!c) return undefined;
      const from = name(i);
      if (c.limit <= 0) {
        // incr_counter's "fail fast on counters that are disabled": nothing counted, nothing reset.
        return c.counter === 'success' ? undefined : { reason: `${c.what} from ${from}: Kong ignores it because ${KNOB[c.counter]} is 0 (off)` };
      }
      // Successes of a healthy target and failures of an unhealthy one are not counted (kongIncr).
      const step = kongIncr(t, c.counter, c.limit);
      if (!step) return undefined;
      const { count, wasUp, isUp } = step;
      const report = c.counter === 'success' ? 'healthy' : 'unhealthy';
      const tally = `${c.what} from ${from}: ${count} of ${c.limit} (${KNOB[c.counter]})`;
      if (wasUp && !isUp) return { changed: 'unhealthy', reason: `${tally} — Kong marks the target unhealthy${healingNote()}` };
      if (!wasUp && isUp) return { changed: 'healthy', reason: `${tally} in a row — Kong marks the target healthy again` };
      if (report === 'unhealthy' && spec.healthySuccesses <= 0) {
        return { reason: `${tally}; successes do not reset this count because ${KNOB.success} is 0` };
      }
      return { reason: tally };
    },
    isHealthy: (i: number): boolean => kongRoutable(target(i).health),
    picked(i: number): void {
      target(i); // Kong's passive checks have no notion of a pick; validate the index only.
    },
    snapshot(): Record<string, unknown> {
      return {
        kind: 'kong',
        hosts: targets.map((t, i) => ({
          host: name(i),
          health: t.health,
          healthy: kongRoutable(t.health),
          counters: { successes: t.success, httpFailures: t.http, tcpFailures: t.tcp, timeouts: t.timeout },
        })),
      };
    },
  };
}
