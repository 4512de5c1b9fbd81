/**
 * Kong's active health checks count probes the way lua-resty-healthcheck's incr_counter does
 * (kong/resty/healthcheck.lua), not as runs of pass/fail: one success counter and three failure
 * counters (HTTP, TCP, timeout) per target. A counted success clears the three failure counters and
 * a counted failure clears only the success counter, so failures of different kinds never add up
 * and never clear each other. A counter whose threshold is 0 is off: it counts nothing and clears
 * nothing (with healthy.successes 0 a passing probe does not forgive earlier failures). Successes of a
 * fully healthy target and failures of a fully unhealthy one are not counted; in between are the
 * "mostly healthy" and "mostly unhealthy" states, which route like the state they lean from.
 */
import type { ActiveHealthIR } from '../policy.ts';
import { ms } from '../outlier/words.ts';
import type { ProbeKind } from './probe.ts';
import type { HealthVerdict } from './types.ts';

type Internal = 'healthy' | 'mostly_healthy' | 'mostly_unhealthy' | 'unhealthy';
export type KongCounter = Exclude<ProbeKind, 'ignored'>;
type Counter = KongCounter;

export interface KongTarget {
  health: Internal;
  success: number;
  http: number;
  tcp: number;
  timeout: number;
}

export const kongRoutable = (h: Internal): boolean => h === 'healthy' || h === 'mostly_healthy';

export const newKongTarget = (healthy: boolean): KongTarget => ({ health: healthy ? 'healthy' : 'unhealthy', success: 0, http: 0, tcp: 0, timeout: 0 });

const KNOB: Record<Counter, string> = {
  success: 'healthy.successes',
  http: 'unhealthy.http_failures',
  tcp: 'unhealthy.tcp_failures',
  timeout: 'unhealthy.timeouts',
};

const NOUN: Record<Counter, string> = { success: 'successes', http: 'HTTP failures', tcp: 'TCP failures', timeout: 'timeouts' };

/** What one counted report did: the counter's new tally, and whether the target routed before and after. */
export interface KongStep {
  count: number;
  wasUp: boolean;
  isUp: boolean;
}

/**
 * lua-resty-healthcheck's incr_counter on one target, after the caller checked that `limit` is above
 * 0: successes of a fully healthy target and failures of a fully unhealthy one are not counted
 * (undefined); otherwise the counter goes up, a success clears the three failure counters and a
 * failure the success counter, and reaching `limit` sets the state. The counters and the state are
 * the target's, whoever reports: Kong's active probes and passive reports both land here (with both
 * on, one KongTarget per target is shared), each with the limit of its own check ("active" or
 * "passive" picks the thresholds in report_http_status, report_tcp_failure, report_timeout).
 */
export function kongIncr(t: KongTarget, counter: Counter, limit: number): KongStep | undefined {
  const report = counter === 'success' ? 'healthy' : 'unhealthy';
  if (report === t.health) return undefined;
  t[counter] += 1;
  if (counter === 'success') {
    t.http = 0;
    t.tcp = 0;
    t.timeout = 0;
  } else {
    t.success = 0;
  }
  const count = t[counter];
  const wasUp = kongRoutable(t.health);
  if (count >= limit) t.health = report;
  else if (t.health === 'healthy') t.health = 'mostly_healthy';
  else if (t.health === 'unhealthy') t.health = 'mostly_unhealthy';
  return { count, wasUp, isUp: kongRoutable(t.health) };
}

/** A probe's result in words, for the sentences: "failed (HTTP 500)", "failed (timeout)". */
export interface ProbeWords {
  probe: string;
  /** "passed (HTTP 200)", "failed (connection refused)", "answered 204". */
  result: string;
}

export function kongLimit(spec: ActiveHealthIR, counter: Counter): number {
  const f = spec.failureThresholds ?? { http: 0, tcp: 0, timeouts: 0 };
  return counter === 'success' ? spec.healthyThreshold : counter === 'timeout' ? f.timeouts : f[counter];
}

/** One probe's result counted on target t; the verdict names the counter, its tally and its knob. */
export function kongCount(spec: ActiveHealthIR, t: KongTarget, kind: ProbeKind, words: ProbeWords): HealthVerdict {
  const said = `${words.probe} ${words.result}`;
  if (kind === 'ignored') {
    return { reason: `${said}: in neither healthy.http_statuses nor unhealthy.http_statuses, so Kong counts it neither way` };
  }
  const limit = kongLimit(spec, kind);
  if (limit <= 0) {
    // incr_counter's "fail fast on counters that are disabled": nothing counted, nothing cleared.
    if (kind === 'success') return kongRoutable(t.health) ? undefined : { reason: `${said}, but ${KNOB.success} is 0: active checks never bring a target back` };
    return { reason: `${said}, but ${KNOB[kind]} is 0: Kong does not count ${NOUN[kind]}` };
  }
  const step = kongIncr(t, kind, limit);
  if (!step) return undefined;
  const { count, wasUp, isUp } = step;
  const tally = `${said}: ${count} of ${limit} ${NOUN[kind]} (${KNOB[kind]})`;
  if (wasUp && !isUp) return { changed: 'unhealthy', reason: `${tally}: out of rotation; ${unhealthyRound(spec)}` };
  if (!wasUp && isUp) return { changed: 'healthy', reason: `${tally}: back in rotation` };
  if (kind !== 'success' && spec.healthyThreshold <= 0) return { reason: `${tally}; passing probes do not clear it because ${KNOB.success} is 0` };
  return { reason: tally };
}

function unhealthyRound(spec: ActiveHealthIR): string {
  const every = spec.unhealthyIntervalMs ?? spec.intervalMs;
  if (!(every > 0)) return 'unhealthy.interval is 0, so no probe ever brings it back';
  if (spec.healthyThreshold <= 0) return `${KNOB.success} is 0, so no probe ever brings it back`;
  return `unhealthy targets are probed every ${ms(every)}`;
}

/**
 * How active checks bring back a target that passive reports took out, when both share its state:
 * the end of the passive move's sentence (Kong's docs: passive checks alone never re-enable a target).
 */
export function kongActiveHealing(spec: ActiveHealthIR): string {
  const every = spec.unhealthyIntervalMs ?? spec.intervalMs;
  if (!(every > 0)) return 'healthchecks.active.unhealthy.interval is 0, so no probe ever brings it back (only the admin API does)';
  if (spec.healthyThreshold <= 0) return 'healthchecks.active.healthy.successes is 0, so no probe ever brings it back (only the admin API does)';
  return `it is probed every ${ms(every)} and back after ${spec.healthyThreshold} passing probes (healthchecks.active.healthy.successes)`;
}
