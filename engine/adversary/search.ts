/**
 * The search: fast-check draws request schedules, runs each through the gateway, and looks for one
 * whose busiest window breaks the claim; it then shrinks what it found to the smallest schedule that
 * still breaks it. A counterexample is confirmed by the full simulation before it is reported.
 */
import fc from 'fast-check';
import { checkClaim, type Admissions, type ClaimCheck } from './admissions.ts';
import type { RateClaim } from './claim.ts';
import { evaluateFast } from './evaluate-fast.ts';
import { evaluateSim, type SimAdmissions } from './evaluate-sim.ts';
import { scheduleArbitrary } from './schedule-arbitrary.ts';
import type { AttackTarget } from './target.ts';

export const DEFAULT_BUDGET = 1000;

export type EvaluatorChoice = 'auto' | 'fast' | 'sim';

export interface SearchOptions {
  /** Schedules to try before giving up (fast-check's numRuns); shrinking comes on top. */
  budget?: number;
  /** fast-check's seed; default the scenario's seed, so a search is as repeatable as a run. */
  seed?: number;
  /** `auto` (default): fast unless the scenario has parts only the simulation models. */
  evaluator?: EvaluatorChoice;
  /** Most requests in one schedule (default 4 × the claim's max). */
  cap?: number;
  /** Called after every schedule tried, shrinking included (for a progress bar). */
  onRun?: (tried: number) => void;
}

export interface Counterexample {
  /** Send instants, ms from the start, ascending: the shrunk schedule. */
  schedule: number[];
  /** What the evaluator the search used saw for it. */
  searched: ClaimCheck;
  /** What the full simulation saw for it (the numbers reported and rendered). */
  confirmed: ClaimCheck;
  simulation: SimAdmissions;
}

export interface SearchResult {
  claim: RateClaim;
  seed: number;
  budget: number;
  evaluator: 'fast' | 'sim';
  /** Why `auto` fell back to the simulation, if it did. */
  fallbackReasons: string[];
  /** Schedules tried before the first failure (or the whole budget), and shrink steps accepted. */
  runs: number;
  shrinks: number;
  /** Present when a schedule breaks the claim in the full simulation. */
  counterexample?: Counterexample;
  /** A schedule that broke the claim in the fast evaluator but not in the simulation (see docs). */
  unconfirmed?: { schedule: number[]; searched: ClaimCheck; confirmed: ClaimCheck };
}

export async function searchClaim(target: AttackTarget, claim: RateClaim, opts: SearchOptions = {}): Promise<SearchResult> {
  const budget = opts.budget ?? DEFAULT_BUDGET;
  const seed = opts.seed ?? target.scenario.seed;
  const choice = opts.evaluator ?? 'auto';
  const evaluator = choice === 'sim' || (choice === 'auto' && target.fastBlockers.length > 0) ? 'sim' : 'fast';
  const evaluate = (schedule: readonly number[]): Promise<Admissions> =>
    evaluator === 'fast' ? evaluateFast(target, schedule) : evaluateSim(target, schedule);

  let tried = 0;
  const arbitrary = scheduleArbitrary({
    durationMs: target.scenario.durationMs,
    windowMs: claim.windowMs,
    max: claim.max,
    ...(opts.cap !== undefined ? { cap: opts.cap } : {}),
  });
  // A schedule the gateway cannot run is a gatelab bug, not a counterexample: remember it and rethrow.
  let crash: unknown;
  const property = fc.asyncProperty(arbitrary, async (schedule) => {
    opts.onRun?.(++tried);
    try {
      return !checkClaim(claim, await evaluate(schedule)).violated;
    } catch (e) {
      crash ??= e;
      throw e;
    }
  });
  const details = await fc.check(property, { numRuns: budget, seed });
  if (crash !== undefined) throw crash;
  const base: SearchResult = {
    claim,
    seed,
    budget,
    evaluator,
    fallbackReasons: evaluator === 'sim' && choice === 'auto' ? target.fastBlockers : [],
    runs: details.numRuns,
    shrinks: details.numShrinks,
  };
  const found = details.counterexample?.[0];
  if (!details.failed || !found) return base;

  const searched = checkClaim(claim, await evaluate(found));
  const simulation = await evaluateSim(target, found);
  const confirmed = checkClaim(claim, simulation);
  if (!confirmed.violated) return { ...base, unconfirmed: { schedule: found, searched, confirmed } };
  return { ...base, counterexample: { schedule: found, searched, confirmed, simulation } };
}
