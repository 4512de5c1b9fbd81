/**
 * The rollout as a pure function: (plan, state, event) → (state, changes). No timers: whatever the
 * plan says should have happened by `now` is worked out when an event arrives, so a simulated and a
 * real clock differ only in how `now` advances (design.md, "The one rule").
 *
 * Order inside one call, chosen so that every change happens at the instant it is due:
 *   1. time-gated steps whose instant has passed are left, each at its own instant;
 *   2. a canary outcome is recorded (into the step the rollout is in at `now`);
 *   3. the watch: over the whole analysis window, a canary error rate above the limit (with enough
 *      requests) is a failed check, and enough failed checks roll the canary back;
 *   4. the gates: a health-gated step whose pause is over advances if this step's canary requests
 *      pass, waits (paused) if there are too few, holds if they fail; time steps reached on the way
 *      (a pause of 0) are left too.
 * Promoted and rolled back are final: later events change nothing.
 */
import { formatDuration } from '../../core/duration.ts';
import { clock, pct, requests, weightPct } from './format.ts';
import {
  isTerminal,
  type ChangeKind,
  type RolloutChange,
  type RolloutEvent,
  type RolloutPlan,
  type RolloutPoint,
  type RolloutResult,
  type RolloutState,
  type RolloutStep,
} from './plan.ts';
import { prune, record, sliceOf, stats, type WindowStats } from './window.ts';

/** A rollout that begins at `now` on the plan's first step. */
export function startRollout(plan: RolloutPlan, now: number): RolloutState {
  return {
    status: 'progressing',
    step: 0,
    weight: plan.steps[0]?.weight ?? 0,
    startedAt: now,
    stepStartedAt: now,
    lastAt: now,
    failedChecks: 0,
    lastFailedCheckAt: null,
    buckets: [],
  };
}

export function transition(plan: RolloutPlan, state: RolloutState, event: RolloutEvent): RolloutResult {
  if (isTerminal(state.status)) return { state, changes: [] };
  const now = Math.max(event.now, state.lastAt);
  const changes: RolloutChange[] = [];
  const log = (kind: ChangeKind, at: number, from: RolloutState, to: RolloutState, reason: string): RolloutState => {
    changes.push({ kind, at, from: point(from), to: point(to), reason });
    return to;
  };
  let s: RolloutState = { ...state, lastAt: now, buckets: prune(state.buckets, sliceOf(plan.analysis, state.startedAt, now)) };

  s = leaveTimedSteps(plan, s, now, log);
  if (event.type === 'observe' && event.canary && !isTerminal(s.status)) {
    s = { ...s, buckets: record(s.buckets, sliceOf(plan.analysis, s.startedAt, now), s.step, event.failed) };
  }
  s = watch(plan, s, now, log);
  s = settle(plan, s, now, log);
  return { state: s, changes };
}

type Log = (kind: ChangeKind, at: number, from: RolloutState, to: RolloutState, reason: string) => RolloutState;

const point = (s: RolloutState): RolloutPoint => ({ status: s.status, step: s.step, weight: s.weight });

/** When a time-gated step is left; undefined for a health-gated one. */
function deadline(step: RolloutStep, s: RolloutState): number | undefined {
  const a = step.advance;
  if (a.kind === 'after') return s.stepStartedAt + a.pauseMs;
  // An instant that passed before the step was even reached is due as soon as the step begins.
  if (a.kind === 'at') return Math.max(s.startedAt + a.atMs, s.stepStartedAt);
  return undefined;
}

function timedWhy(step: RolloutStep, s: RolloutState): string {
  const a = step.advance;
  if (a.kind === 'at') return `scheduled instant start + ${formatDuration(a.atMs)} (${clock(s.startedAt + a.atMs)}) reached`;
  return `held ${weightPct(s.weight)} for ${formatDuration(a.kind === 'after' ? a.pauseMs : 0)}`;
}

/** Step 1: leave time-gated steps whose instant is at or before `now`, stopping at a health gate. */
function leaveTimedSteps(plan: RolloutPlan, s: RolloutState, now: number, log: Log): RolloutState {
  for (;;) {
    const step = plan.steps[s.step];
    if (!step || isTerminal(s.status)) return s;
    const due = deadline(step, s);
    if (due === undefined || due > now) return s;
    s = advance(plan, s, due, timedWhy(step, s), log);
  }
}

/** Leaves the current step at `at`: the next step, or promotion after the last. */
function advance(plan: RolloutPlan, s: RolloutState, at: number, why: string, log: Log): RolloutState {
  const n = plan.steps.length;
  const nextStep = plan.steps[s.step + 1];
  if (!nextStep) {
    const to: RolloutState = { ...s, status: 'promoted', weight: 100, stepStartedAt: at };
    const passed = n === 0 ? 'the plan has no steps' : `step ${s.step + 1} of ${n} passed: ${why}`;
    return log('promote', at, s, to, `${passed}; promoted: canary weight ${weightPct(s.weight)} → 100 %, every request goes to the canary`);
  }
  const to: RolloutState = { ...s, status: 'progressing', step: s.step + 1, weight: nextStep.weight, stepStartedAt: at };
  return log('advance', at, s, to, `step ${s.step + 1} → ${s.step + 2}: ${why}; canary weight ${weightPct(s.weight)} → ${weightPct(nextStep.weight)}`);
}

/**
 * A check failed. Counted at most once per window (the same bad requests are not two checks); the
 * count reaching maxFailedChecks rolls back.
 */
function failCheck(plan: RolloutPlan, s: RolloutState, now: number, st: WindowStats, over: string, log: Log): RolloutState {
  const a = plan.analysis;
  if (s.lastFailedCheckAt !== null && now - s.lastFailedCheckAt < a.windowMs) return s;
  const failedChecks = s.failedChecks + 1;
  const detail = `canary error rate ${pct(st.rate)} > ${pct(a.maxErrorRate)} over ${requests(st.total)} ${over}`;
  if (failedChecks >= a.maxFailedChecks) {
    const to: RolloutState = { ...s, status: 'rolledBack', weight: 0, failedChecks, lastFailedCheckAt: now };
    const count = a.maxFailedChecks > 1 ? ` (failed check ${failedChecks} of ${a.maxFailedChecks})` : '';
    return log('rollback', now, s, to, `rolled back at ${clock(now)}: ${detail}${count}; canary weight ${weightPct(s.weight)} → 0 %, every request goes to the primary`);
  }
  const to: RolloutState = { ...s, failedChecks, lastFailedCheckAt: now };
  return log('failedCheck', now, s, to, `failed check ${failedChecks} of ${a.maxFailedChecks} at ${clock(now)}: ${detail}; holding canary weight ${weightPct(s.weight)}`);
}

/** Step 3: the rollback watch over the whole analysis window, whatever step the requests belong to. */
function watch(plan: RolloutPlan, s: RolloutState, now: number, log: Log): RolloutState {
  if (isTerminal(s.status)) return s;
  const a = plan.analysis;
  const st = stats(s.buckets);
  if (st.total < a.minRequests || st.rate <= a.maxErrorRate) return s;
  return failCheck(plan, s, now, st, `in the last ${formatDuration(a.windowMs)}`, log);
}

/** Step 4: health gates whose pause is over, and the time steps reached from them. */
function settle(plan: RolloutPlan, s: RolloutState, now: number, log: Log): RolloutState {
  const a = plan.analysis;
  // Each pass either leaves a step or returns, so this ends after at most steps.length passes.
  for (;;) {
    if (isTerminal(s.status)) return s;
    const step = plan.steps[s.step];
    if (!step) return advance(plan, s, now, 'no step left', log);
    if (step.advance.kind !== 'health') {
      const due = deadline(step, s) as number;
      if (due > now) return s;
      s = advance(plan, s, due, timedWhy(step, s), log);
      continue;
    }
    if (now < s.stepStartedAt + step.advance.pauseMs) return s;
    const label = `step ${s.step + 1} of ${plan.steps.length} (${weightPct(s.weight)})`;
    const st = stats(s.buckets, s.step);
    if (st.total < a.minRequests) {
      if (s.status === 'paused') return s;
      const to: RolloutState = { ...s, status: 'paused' };
      return log('pause', now, s, to, `${label} waits: ${st.total} of ${a.minRequests} canary requests needed since the step began; holding canary weight ${weightPct(s.weight)}`);
    }
    if (st.rate > a.maxErrorRate) {
      if (s.status === 'paused') {
        const to: RolloutState = { ...s, status: 'progressing' };
        s = log('resume', now, s, to, `${label} has ${requests(st.total)} now, but the canary error rate ${pct(st.rate)} > ${pct(a.maxErrorRate)}: holding canary weight ${weightPct(s.weight)}`);
      }
      return failCheck(plan, s, now, st, `since step ${s.step + 1} began`, log);
    }
    s = advance(plan, s, now, `canary error rate ${pct(st.rate)} ≤ ${pct(a.maxErrorRate)} over ${requests(st.total)}`, log);
  }
}
