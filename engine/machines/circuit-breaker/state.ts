/**
 * The breaker's state as plain data, and the three ways into a phase. Plain data (no class, no
 * timers) so the pure transition function and the xstate machine can hold the very same value, a
 * snapshot can be JSON, and a run is reproducible from its events.
 */
import type { BreakerConfig } from './config.ts';
import { emptyWindow, type CallWindow } from './window.ts';

/** The machine's state names; PHASE_NAMES are resilience4j's spelling, for reasons and snapshots. */
export type Phase = 'closed' | 'open' | 'half_open';

export const PHASE_NAMES: Readonly<Record<Phase, string>> = { closed: 'CLOSED', open: 'OPEN', half_open: 'HALF_OPEN' };

export interface BreakerState {
  phase: Phase;
  /** When the current phase began (ms). */
  since: number;
  /**
   * The calls the current phase judges: CLOSED's sliding window; OPEN keeps the window that tripped it
   * (and, as in resilience4j, still records calls admitted before it opened); HALF_OPEN's trial window.
   */
  window: CallWindow;
  /** Consecutive mode: failures in a row while CLOSED. */
  consecutiveFailures: number;
  /** HALF_OPEN: trial permissions not yet handed out. */
  permitsLeft: number;
  /** Why the breaker last opened ("5 of 10 calls failed (50 % ≥ 50 %)"); '' before it ever has. */
  openedBecause: string;
  /** How many times it has opened (resilience4j's `attempts`). */
  openings: number;
}

export type BreakerEvent =
  /** Asks permission for a call. */
  | { type: 'request'; now: number }
  /** A permitted call finished: failed or not, and how long it took. */
  | { type: 'result'; now: number; failed: boolean; durationMs: number }
  /**
   * A permitted call never ran (a later plugin answered first): resilience4j's releasePermission, so a
   * HALF_OPEN trial slot is not lost.
   */
  | { type: 'release'; now: number }
  /** Only lets time pass: automatic transitions that were due happen now. */
  | { type: 'tick'; now: number };

export type TransitionCause =
  | 'failure-rate'
  | 'slow-call-rate'
  | 'consecutive-failures'
  | 'wait-elapsed'
  | 'automatic'
  | 'trial-failed'
  | 'trial-passed'
  | 'half-open-timeout';

export interface Transition {
  from: Phase;
  to: Phase;
  /** When it took effect: a time-driven transition happened at its due instant, not when noticed. */
  at: number;
  cause: TransitionCause;
  reason: string;
}

export type Decision =
  | { kind: 'permitted'; reason: string }
  /** retryInMs: how long OPEN still fails fast; null when HALF_OPEN is full (no fixed end). */
  | { kind: 'rejected'; reason: string; retryInMs: number | null }
  | { kind: 'recorded'; reason: string }
  | { kind: 'released'; reason: string }
  | { kind: 'observed'; reason: string };

/** One decision: the next state, the phase change it made (if any), and what was decided and why. */
export interface Move {
  state: BreakerState;
  transition?: Transition;
  decision: Decision;
}

export interface StepResult {
  state: BreakerState;
  /** Every phase change, in order: time-driven ones first, then the one this event caused. */
  transitions: Transition[];
  decision: Decision;
}

export function initialState(config: BreakerConfig, now = 0): BreakerState {
  return {
    phase: 'closed',
    since: now,
    window: emptyWindow(config.slidingWindowType, config.slidingWindowSize),
    consecutiveFailures: 0,
    permitsLeft: 0,
    openedBecause: '',
    openings: 0,
  };
}

/** OPEN keeps the window that tripped it (resilience4j hands the old state's metrics to OpenState). */
export function enterOpen(state: BreakerState, at: number, because: string, window: CallWindow): BreakerState {
  return { phase: 'open', since: at, window, consecutiveFailures: 0, permitsLeft: 0, openedBecause: because, openings: state.openings + 1 };
}

/** HALF_OPEN judges its trials in a fresh count-based window of permittedNumberOfCallsInHalfOpenState. */
export function enterHalfOpen(state: BreakerState, at: number, config: BreakerConfig): BreakerState {
  const permitted = config.permittedNumberOfCallsInHalfOpenState;
  return { ...state, phase: 'half_open', since: at, window: emptyWindow('COUNT_BASED', permitted), consecutiveFailures: 0, permitsLeft: permitted };
}

/** CLOSED starts over with an empty window (resilience4j's new ClosedState). */
export function enterClosed(state: BreakerState, at: number, config: BreakerConfig): BreakerState {
  return { ...initialState(config, at), openedBecause: state.openedBecause, openings: state.openings };
}
