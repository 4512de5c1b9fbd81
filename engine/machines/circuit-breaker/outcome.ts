/**
 * What a finished call does to the breaker (resilience4j's onSuccess / onError per state). A result
 * is recorded in whatever phase is current when it arrives, as resilience4j does: a slow call that was
 * admitted while CLOSED can land in OPEN (recorded, nothing decided) or count as a HALF_OPEN trial.
 */
import { closedMinimumCalls, halfOpenMinimumCalls, isConsecutiveMode, type BreakerConfig } from './config.ts';
import { evaluate } from './rates.ts';
import { enterClosed, enterOpen, type BreakerState, type Move, type TransitionCause } from './state.ts';
import { record, tally } from './window.ts';
import { plural, span } from './words.ts';

export interface CallResult {
  now: number;
  failed: boolean;
  durationMs: number;
}

function describeCall(r: CallResult, slow: boolean, config: BreakerConfig): string {
  const kind = r.failed ? 'failure' : 'success';
  return slow ? `${kind} (slow: ${span(r.durationMs)} > ${span(config.slowCallDurationThreshold)})` : kind;
}

function open(state: BreakerState, r: CallResult, because: string, cause: TransitionCause, what: string, config: BreakerConfig, window: BreakerState['window']): Move {
  const wait = span(config.waitDurationInOpenState);
  const from = state.phase;
  const label = from === 'closed' ? 'CLOSED' : 'HALF_OPEN';
  return {
    state: enterOpen(state, r.now, because, window),
    transition: { from, to: 'open', at: r.now, cause, reason: `${because}: ${label} → OPEN for ${wait}` },
    decision: { kind: 'recorded', reason: `${label}: ${what} recorded; ${because}: ${label} → OPEN, failing fast for ${wait}` },
  };
}

export function decideResult(state: BreakerState, r: CallResult, config: BreakerConfig): Move {
  // Slowness is judged in both modes (it shows in the window); only rate mode acts on it.
  const slow = r.durationMs > config.slowCallDurationThreshold;
  const what = describeCall(r, slow, config);
  const window = record(state.window, { failed: r.failed, slow }, r.now);
  const consecutive = isConsecutiveMode(config);

  if (state.phase === 'open') {
    return { state: { ...state, window }, decision: { kind: 'recorded', reason: `OPEN: a call admitted before the breaker opened finished (${what}); recorded, but OPEN decides nothing` } };
  }

  if (state.phase === 'closed') {
    if (consecutive) {
      const n = config.consecutiveFailures as number;
      const run = r.failed ? state.consecutiveFailures + 1 : 0;
      if (run >= n) return open(state, r, `${plural(n, 'consecutive failure')}`, 'consecutive-failures', what, config, window);
      const next = { ...state, window, consecutiveFailures: run };
      return { state: next, decision: { kind: 'recorded', reason: `CLOSED: ${what} recorded; ${plural(run, 'failure')} in a row, ${n} trip the breaker` } };
    }
    const e = evaluate(tally(window, r.now), closedMinimumCalls(config), config);
    if (e.kind === 'exceeded') return open(state, r, e.text, e.failureRate ? 'failure-rate' : 'slow-call-rate', what, config, window);
    return { state: { ...state, window }, decision: { kind: 'recorded', reason: `CLOSED: ${what} recorded; ${e.text}` } };
  }

  // HALF_OPEN: the trial calls decide.
  const permitted = config.permittedNumberOfCallsInHalfOpenState;
  const t = tally(window, r.now);
  if (consecutive) {
    if (r.failed) return open(state, r, `trial call ${t.calls} of ${permitted} failed (consecutive mode: one failed trial reopens)`, 'trial-failed', what, config, window);
    if (t.calls >= permitted) return close(state, r, `all ${plural(permitted, 'trial call')} succeeded`, what, config);
    return { state: { ...state, window }, decision: { kind: 'recorded', reason: `HALF_OPEN: trial ${what} recorded; ${t.calls} of ${permitted} trial calls succeeded so far` } };
  }
  const e = evaluate(t, halfOpenMinimumCalls(config), config, 'trial calls');
  if (e.kind === 'exceeded') return open(state, r, e.text, 'trial-failed', what, config, window);
  if (e.kind === 'below') return close(state, r, e.text, what, config);
  return { state: { ...state, window }, decision: { kind: 'recorded', reason: `HALF_OPEN: trial ${what} recorded; ${e.text}` } };
}

function close(state: BreakerState, r: CallResult, because: string, what: string, config: BreakerConfig): Move {
  return {
    state: enterClosed(state, r.now, config),
    transition: { from: 'half_open', to: 'closed', at: r.now, cause: 'trial-passed', reason: `${because}: HALF_OPEN → CLOSED` },
    decision: { kind: 'recorded', reason: `HALF_OPEN: trial ${what} recorded; ${because}: HALF_OPEN → CLOSED with an empty window` },
  };
}
