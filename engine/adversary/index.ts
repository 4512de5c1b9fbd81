/**
 * `attackScenario`: the one call the CLI and the lab's worker make. Parse the claim, prepare the
 * attacked variant and client, search, and render a counterexample as a scenario file. Bad input
 * comes back as diagnostics, never as a throw.
 */
import { hasErrors, type Diagnostic } from '../core/errors.ts';
import type { Scenario } from '../scenario/types.ts';
import { ClaimError, parseClaim, type RateClaim } from './claim.ts';
import { renderCounterexample, type RenderOptions } from './render.ts';
import { searchClaim, type SearchOptions, type SearchResult } from './search.ts';
import { prepareTarget } from './target.ts';

export { parseClaim, ClaimError, type RateClaim } from './claim.ts';
export { busiestWindow, type BusiestWindow } from './window-max.ts';
export { DEFAULT_BUDGET, type SearchResult, type Counterexample, type EvaluatorChoice } from './search.ts';
export { DEFAULT_SCHEMA_PATH } from './render.ts';

export interface AttackOptions extends SearchOptions {
  /** "max 100 per 60s", or a parsed claim. */
  claim: string | RateClaim;
  /** Default `base`. */
  variant?: string;
  /** The client whose traffic the search replaces; default the first. */
  client?: string;
  render?: RenderOptions;
}

export interface AttackOutcome {
  diagnostics: Diagnostic[];
  /** Absent when the input did not load. */
  result?: SearchResult;
  /** The counterexample as a scenario file, when there is one. */
  scenarioText?: string;
}

export async function attackScenario(scenario: Scenario, opts: AttackOptions): Promise<AttackOutcome> {
  let claim: RateClaim;
  try {
    claim = typeof opts.claim === 'string' ? parseClaim(opts.claim) : opts.claim;
  } catch (e) {
    if (!(e instanceof ClaimError)) throw e;
    return { diagnostics: [{ severity: 'error', code: e.code, message: e.message, hint: e.hint }] };
  }
  const prepared = prepareTarget(scenario, opts.variant ?? 'base', opts.client);
  if (!prepared.target || hasErrors(prepared.diagnostics)) return { diagnostics: prepared.diagnostics };
  const target = prepared.target;
  const result = await searchClaim(target, claim, opts);
  const found = result.counterexample;
  return {
    diagnostics: prepared.diagnostics,
    result,
    ...(found ? { scenarioText: renderCounterexample(target, result, found, opts.render) } : {}),
  };
}
