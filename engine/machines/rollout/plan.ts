/**
 * The data of an automated canary rollout (what Flagger's `analysis` block or an Argo Rollouts
 * `canary.steps` list describes): a list of canary weights, how each step is left, and the health
 * analysis that gates steps and triggers a rollback. Plain data, so a plan can be written in a
 * scenario, shown in the lab and handed to the pure transition function unchanged.
 */

/** How a step is left. */
export type StepAdvance =
  /** After a fixed pause, counted from the instant the step began (Argo `pause: {duration}`). */
  | { kind: 'after'; pauseMs: number }
  /** At a fixed instant, given as an offset from the rollout's start (a maintenance-window schedule). */
  | { kind: 'at'; atMs: number }
  /**
   * After the pause, only when the canary's own requests in this step (those still inside the
   * analysis window) pass the analysis (Flagger: one `interval`, then the metric checks). Too few
   * requests → the rollout waits (status paused).
   */
  | { kind: 'health'; pauseMs: number };

export interface RolloutStep {
  /** Canary share of traffic in percent, 0–100. */
  weight: number;
  advance: StepAdvance;
}

export interface RolloutAnalysis {
  /** The sliding window the error rate is computed over, in ms (Flagger's metric `interval`). */
  windowMs: number;
  /** Highest tolerated canary error rate, as a fraction (0.01 = 1 %). */
  maxErrorRate: number;
  /** Fewer canary requests than this in the window say nothing: no verdict either way. */
  minRequests: number;
  /**
   * Failed checks tolerated before the rollback (Flagger's `threshold`); 1 = roll back on the first.
   * A failed check is counted at most once per window, so N failed checks mean N windows of bad data.
   */
  maxFailedChecks: number;
}

export interface RolloutPlan {
  steps: readonly RolloutStep[];
  analysis: RolloutAnalysis;
}

export type RolloutStatus = 'progressing' | 'paused' | 'promoted' | 'rolledBack';

/**
 * Canary outcomes of one slice of the window during one step. Keeping counts per slice instead of
 * every request keeps the state small (at most 60 slices plus one per step change) at any load.
 */
export interface OutcomeBucket {
  slice: number;
  step: number;
  total: number;
  failed: number;
}

export interface RolloutState {
  status: RolloutStatus;
  /** Index into plan.steps (0-based; reasons print it 1-based). Stays on the last step once done. */
  step: number;
  /** Canary weight in percent right now: the step's, 100 once promoted, 0 once rolled back. */
  weight: number;
  startedAt: number;
  /** When the current step began: the instant its predecessor was left, not when someone noticed. */
  stepStartedAt: number;
  /** The latest instant the function has seen; time never runs backwards for a rollout. */
  lastAt: number;
  failedChecks: number;
  /** When the last failed check was counted; null before the first. */
  lastFailedCheckAt: number | null;
  buckets: readonly OutcomeBucket[];
}

export type RolloutEvent =
  /** Time passed: apply whatever the plan says should have happened by `now`. */
  | { type: 'tick'; now: number }
  /** One request finished at `now`; `canary` says which backend served it, `failed` whether it counts as an error. */
  | { type: 'observe'; now: number; canary: boolean; failed: boolean };

export type ChangeKind = 'advance' | 'pause' | 'resume' | 'promote' | 'failedCheck' | 'rollback';

/** Where the rollout stood before or after a change. */
export interface RolloutPoint {
  status: RolloutStatus;
  step: number;
  weight: number;
}

export interface RolloutChange {
  kind: ChangeKind;
  at: number;
  from: RolloutPoint;
  to: RolloutPoint;
  /** For a student: what happened and why, with the numbers that decided it. */
  reason: string;
}

export interface RolloutResult {
  state: RolloutState;
  /** In order; empty when nothing but the counters changed. */
  changes: RolloutChange[];
}

export const isTerminal = (status: RolloutStatus): boolean => status === 'promoted' || status === 'rolledBack';
