/**
 * The classic circuit breaker as a pure function (resilience4j's CircuitBreakerStateMachine, semantics
 * §9): `step(state, event, config)` → the next state, every phase change, and a decision with a
 * reason a student can read. Time-driven changes (automaticTransitionFromOpenToHalfOpenEnabled,
 * maxWaitDurationInHalfOpenState) are computed from the event's `now` when the breaker is next
 * touched, dated at the instant they were due — never by a timer — so the simulation and the real
 * proxy differ only in how `now` advances.
 *
 * `step` is built from the primitives below (timeHop, then decideRequest / decideResult /
 * decideRelease / describe); the xstate machine (machine.ts) calls the same primitives from its
 * guards and actions, one phase change per microstep.
 */
import { closedMinimumCalls, isConsecutiveMode, type BreakerConfig } from './config.ts';
import { decideResult } from './outcome.ts';
import { evaluate } from './rates.ts';
import { enterHalfOpen, enterOpen, PHASE_NAMES, type BreakerEvent, type BreakerState, type Move, type StepResult, type Transition } from './state.ts';
import { tally } from './window.ts';
import { clock, plural, span } from './words.ts';

export { decideResult } from './outcome.ts';
export { initialState, PHASE_NAMES } from './state.ts';
export type { BreakerEvent, BreakerState, Decision, Move, Phase, StepResult, Transition, TransitionCause } from './state.ts';

/** A phase change that time alone has made due by `now`, if any (call again: one may follow another). */
export function timeHop(state: BreakerState, now: number, config: BreakerConfig): { state: BreakerState; transition: Transition } | undefined {
  if (state.phase === 'open' && config.automaticTransitionFromOpenToHalfOpenEnabled) {
    const at = state.since + config.waitDurationInOpenState;
    if (now < at) return undefined;
    const reason = `automaticTransitionFromOpenToHalfOpenEnabled: the ${span(config.waitDurationInOpenState)} wait in OPEN ended at ${clock(at)}, so OPEN → HALF_OPEN without waiting for a call`;
    return { state: enterHalfOpen(state, at, config), transition: { from: 'open', to: 'half_open', at, cause: 'automatic', reason } };
  }
  if (state.phase === 'half_open' && config.maxWaitDurationInHalfOpenState > 0) {
    const at = state.since + config.maxWaitDurationInHalfOpenState;
    if (now < at) return undefined;
    const judged = tally(state.window, at).calls;
    const because = `HALF_OPEN had no verdict within maxWaitDurationInHalfOpenState ${span(config.maxWaitDurationInHalfOpenState)} (${judged} of ${config.permittedNumberOfCallsInHalfOpenState} trial calls judged)`;
    const reason = `${because}: HALF_OPEN → OPEN for ${span(config.waitDurationInOpenState)}`;
    return { state: enterOpen(state, at, because, state.window), transition: { from: 'half_open', to: 'open', at, cause: 'half-open-timeout', reason } };
  }
  return undefined;
}

/** Why OPEN refuses a call right now. */
function openRefusal(state: BreakerState, now: number, config: BreakerConfig): string {
  const left = state.since + config.waitDurationInOpenState - now;
  const head = `OPEN since ${clock(state.since)} after ${state.openedBecause}`;
  if (left > 0) return `${head}; failing fast for ${span(left)} more`;
  return config.automaticTransitionFromOpenToHalfOpenEnabled
    ? `${head}; the wait is over, HALF_OPEN now`
    : `${head}; the wait ends at this very instant, so the first call after it is a trial call`;
}

function halfOpenProgress(state: BreakerState, now: number, config: BreakerConfig): string {
  const permitted = config.permittedNumberOfCallsInHalfOpenState;
  const judged = tally(state.window, now).calls;
  const limit = config.maxWaitDurationInHalfOpenState > 0 ? `; reopens at ${clock(state.since + config.maxWaitDurationInHalfOpenState)} without a verdict` : '';
  return `${permitted - state.permitsLeft} of ${permitted} trial calls permitted, ${judged} judged${limit}`;
}

function takeTrialPermit(state: BreakerState, now: number, config: BreakerConfig): Move {
  const permitted = config.permittedNumberOfCallsInHalfOpenState;
  if (state.permitsLeft > 0) {
    const next = { ...state, permitsLeft: state.permitsLeft - 1 };
    return { state: next, decision: { kind: 'permitted', reason: `HALF_OPEN: trial call ${permitted - next.permitsLeft} of ${permitted} permitted` } };
  }
  const reason = `HALF_OPEN since ${clock(state.since)}: all ${plural(permitted, 'trial call')} are out (${halfOpenProgress(state, now, config)}); further calls are rejected until the trial decides`;
  return { state, decision: { kind: 'rejected', reason, retryInMs: null } };
}

/** resilience4j's tryAcquirePermission: CLOSED always, OPEN never until the wait is over, HALF_OPEN while trial slots last. */
export function decideRequest(state: BreakerState, now: number, config: BreakerConfig): Move {
  if (state.phase === 'closed') return { state, decision: { kind: 'permitted', reason: `CLOSED: ${closedSummary(state, now, config)}; call permitted` } };
  if (state.phase === 'half_open') return takeTrialPermit(state, now, config);
  const until = state.since + config.waitDurationInOpenState;
  // OpenState.tryAcquirePermission: clock.instant().isAfter(retryAfterWaitDuration), strictly after.
  if (now <= until) return { state, decision: { kind: 'rejected', reason: openRefusal(state, now, config), retryInMs: until - now } };
  const reason = `the ${span(config.waitDurationInOpenState)} wait in OPEN ended at ${clock(until)}; this call moves OPEN → HALF_OPEN`;
  const trial = takeTrialPermit(enterHalfOpen(state, now, config), now, config);
  return { ...trial, transition: { from: 'open', to: 'half_open', at: now, cause: 'wait-elapsed', reason } };
}

/** resilience4j's releasePermission: only HALF_OPEN has permissions to give back. */
export function decideRelease(state: BreakerState, _now: number, config: BreakerConfig): Move {
  if (state.phase !== 'half_open') {
    return { state, decision: { kind: 'released', reason: `${PHASE_NAMES[state.phase]}: a permitted call never reached the upstream; nothing to hand back` } };
  }
  // Capped: resilience4j's counter could grow past the limit if a stale release arrived; the lab's does not.
  const permitsLeft = Math.min(config.permittedNumberOfCallsInHalfOpenState, state.permitsLeft + 1);
  const reason = `HALF_OPEN: a permitted call never reached the upstream; its trial permission is handed back (${permitsLeft} free)`;
  return { state: { ...state, permitsLeft }, decision: { kind: 'released', reason } };
}

function closedSummary(state: BreakerState, now: number, config: BreakerConfig): string {
  if (isConsecutiveMode(config)) return `${plural(state.consecutiveFailures, 'failure')} in a row, ${config.consecutiveFailures} trip the breaker`;
  return evaluate(tally(state.window, now), closedMinimumCalls(config), config).text;
}

/** The state in words at `now` (the answer to a tick, and the snapshot's reason). */
export function describe(state: BreakerState, now: number, config: BreakerConfig): string {
  if (state.phase === 'closed') return `CLOSED: ${closedSummary(state, now, config)}`;
  if (state.phase === 'open') return openRefusal(state, now, config);
  return `HALF_OPEN since ${clock(state.since)}: ${halfOpenProgress(state, now, config)}`;
}

/** The decision an event gets once time-driven changes are done. */
export function decide(state: BreakerState, event: BreakerEvent, config: BreakerConfig): Move {
  switch (event.type) {
    case 'request':
      return decideRequest(state, event.now, config);
    case 'result':
      return decideResult(state, event, config);
    case 'release':
      return decideRelease(state, event.now, config);
    case 'tick':
      return { state, decision: { kind: 'observed', reason: describe(state, event.now, config) } };
  }
}

export function step(state: BreakerState, event: BreakerEvent, config: BreakerConfig): StepResult {
  const transitions: Transition[] = [];
  let current = state;
  for (let hop = timeHop(current, event.now, config); hop; hop = timeHop(current, event.now, config)) {
    current = hop.state;
    transitions.push(hop.transition);
  }
  const move = decide(current, event, config);
  if (move.transition) transitions.push(move.transition);
  return { state: move.state, transitions, decision: move.decision };
}
