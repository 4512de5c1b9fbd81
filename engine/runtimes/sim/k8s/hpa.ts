/**
 * The HorizontalPodAutoscaler controller for a CPU Utilization target (pkg/controller/podautoscaler
 * horizontal.go, replica_calculator.go), evaluated every 15 s (--horizontal-pod-autoscaler-sync-period):
 * - utilisation = mean of the ready pods' CPU usage ÷ requests.cpu, in percent;
 * - ratio = utilisation ÷ target; within the 10 % tolerance nothing changes;
 * - pods not ready yet count as 0 % when scaling up and as 100 % of target when scaling down, so a
 *   starting pod neither triggers more growth nor lets the HPA shrink early;
 * - raw = ceil(ratio × pods); stabilised: the max of the raw recommendations in the scale-down window
 *   (300 s by default) and the min of those in the scale-up window (0 s);
 * - the default rate policies: up by at most max(+4 pods, ×2) per period, down by up to 100 %;
 * - then min/max replicas.
 */

export const HPA_SYNC_PERIOD_MS = 15_000;
export const HPA_TOLERANCE = 0.1;

export interface HpaParams {
  minReplicas: number;
  maxReplicas: number;
  /** averageUtilization, percent of requests.cpu. */
  targetPercent: number;
  scaleUpStabilizationMs: number;
  scaleDownStabilizationMs: number;
  tolerance?: number;
}

export interface HpaState {
  replicas: number;
  /** Raw recommendations with their times, for the stabilisation windows. */
  history: ReadonlyArray<{ t: number; replicas: number }>;
}

export interface HpaDecision {
  t: number;
  current: number;
  /** Mean utilisation of the ready pods (percent), or undefined without metrics. */
  utilization?: number;
  raw: number;
  desired: number;
  reason: string;
}

/**
 * The state of an HPA created at time t. Its scale-down window starts out holding the current replica
 * count (maybeInitScaleDownStabilizationWindow), so a new HPA does not shrink the Deployment at once.
 */
export function initialHpaState(replicas: number, t = 0): HpaState {
  return { replicas, history: [{ t, replicas }] };
}

/**
 * One evaluation at time t. `readyUtilizations` holds one number per ready pod (percent of its CPU
 * request); pods of `state.replicas` beyond them are taken as not ready yet.
 */
export function evaluateHpa(p: HpaParams, state: HpaState, t: number, readyUtilizations: readonly number[]): { state: HpaState; decision: HpaDecision } {
  const current = state.replicas;
  const tol = p.tolerance ?? HPA_TOLERANCE;
  let raw = current;
  let reason: string;
  let utilization: number | undefined;
  if (current === 0) reason = 'the target is scaled to 0: autoscaling is off';
  else if (current < p.minReplicas || current > p.maxReplicas) {
    raw = Math.min(Math.max(current, p.minReplicas), p.maxReplicas);
    reason = `${current} replicas is outside ${p.minReplicas}–${p.maxReplicas}`;
  } else if (readyUtilizations.length === 0) reason = 'no ready pod reports CPU metrics: FailedGetResourceMetric, no change';
  else {
    const sum = readyUtilizations.reduce((a, b) => a + b, 0);
    utilization = sum / readyUtilizations.length;
    let ratio = utilization / p.targetPercent;
    const missing = Math.max(0, current - readyUtilizations.length);
    if (missing > 0 && Math.abs(ratio - 1) > tol) {
      // replica_calculator: unready pods as 0 % on the way up, at the target on the way down.
      ratio = (ratio > 1 ? sum : sum + missing * p.targetPercent) / current / p.targetPercent;
    }
    if (Math.abs(ratio - 1) <= tol) reason = `CPU ${fmt(utilization)} % against a ${p.targetPercent} % target is within the ${tol * 100} % tolerance`;
    else {
      raw = Math.ceil(ratio * (missing > 0 ? current : readyUtilizations.length) - 1e-9);
      reason = `CPU ${fmt(utilization)} % against a ${p.targetPercent} % target: ceil(${current} × ${fmt(ratio)}) = ${raw}`;
    }
  }
  const history = [...state.history.filter((h) => h.t > t - Math.max(p.scaleUpStabilizationMs, p.scaleDownStabilizationMs)), { t, replicas: raw }];
  let up = raw;
  let down = raw;
  for (const h of history) {
    if (h.t > t - p.scaleUpStabilizationMs) up = Math.min(up, h.replicas);
    if (h.t > t - p.scaleDownStabilizationMs) down = Math.max(down, h.replicas);
  }
  let desired = Math.min(Math.max(current, up), down);
  if (desired !== raw) reason += `; stabilised to ${desired} (the ${desired > raw ? `highest recommendation of the last ${p.scaleDownStabilizationMs / 1000} s` : `lowest of the last ${p.scaleUpStabilizationMs / 1000} s`})`;
  const upLimit = Math.max(current + 4, current * 2);
  if (desired > upLimit) {
    desired = upLimit;
    reason += `; the scale-up policy allows at most ${upLimit} this period`;
  }
  const clamped = Math.min(Math.max(desired, p.minReplicas), p.maxReplicas);
  if (clamped !== desired && current !== 0) reason += `; limited to ${clamped} by ${clamped === p.maxReplicas ? 'maxReplicas' : 'minReplicas'}`;
  if (current !== 0) desired = clamped;
  else desired = 0;
  const decision: HpaDecision = { t, current, raw, desired, reason };
  if (utilization !== undefined) decision.utilization = utilization;
  return { state: { replicas: desired, history }, decision };
}

export interface HpaRunInput {
  from: number;
  to: number;
  initialReplicas: number;
  /** Pods added by a scale-up are ready this long after the decision. */
  startupMs: number;
  /** Per-ready-pod CPU utilisation (percent of request) at t, given how many pods exist and are ready. */
  utilization: (t: number, pods: { replicas: number; ready: number }) => readonly number[];
  periodMs?: number;
}

/** Evaluations every sync period from `from` to `to`, playing the HPA's own scale changes back into it. */
export function runHpa(p: HpaParams, input: HpaRunInput): HpaDecision[] {
  let state = initialHpaState(input.initialReplicas, input.from);
  // Ready times of the pods that exist; a scale-down removes the newest first (ReplicaSet ranking).
  let readyAt: number[] = Array.from({ length: input.initialReplicas }, () => input.from);
  const out: HpaDecision[] = [];
  for (let t = input.from; t <= input.to; t += input.periodMs ?? HPA_SYNC_PERIOD_MS) {
    const ready = readyAt.filter((r) => r <= t).length;
    const { state: next, decision } = evaluateHpa(p, state, t, input.utilization(t, { replicas: state.replicas, ready }));
    out.push(decision);
    if (next.replicas > state.replicas) readyAt = [...readyAt, ...Array.from({ length: next.replicas - state.replicas }, () => t + input.startupMs)];
    else readyAt = readyAt.slice(0, next.replicas);
    state = next;
  }
  return out;
}

const fmt = (n: number): string => String(Math.round(n * 100) / 100);
