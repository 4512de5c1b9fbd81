/**
 * The classic circuit breaker as an xstate v5 machine — the single source of the lab's state diagram
 * (engine/diagram/state-diagram.ts draws it) — whose guards and actions call the pure primitives of
 * transition.ts, so the machine and `step()` cannot disagree (model.test.ts checks that they do not).
 *
 * How one event is handled, so that each phase change is one edge of the diagram:
 *  1. The root takes the event, records its `now`, and raises a copy marked `caughtUp`.
 *  2. Before the copy is handled, xstate runs eventless (`always`) transitions: the time-driven ones
 *     (automatic OPEN → HALF_OPEN, maxWaitDurationInHalfOpenState) fire, one hop per microstep.
 *  3. The copy is handled by the state it finds: a guarded edge when the decision changes the phase,
 *     else the root's `decide`, which records the decision without a state change.
 * No timers: time-driven edges are `always` edges guarded on the `now` of the event being handled.
 */
import { assign, createActor, raise, setup, type InspectionEvent } from 'xstate';
import type { BreakerConfig } from './config.ts';
import { decide, initialState, timeHop, type BreakerEvent, type BreakerState, type Decision, type Phase, type StepResult, type Transition, type TransitionCause } from './transition.ts';

export interface BreakerContext {
  config: BreakerConfig;
  data: BreakerState;
  /** The instant of the event being handled. */
  now: number;
  /** Phase changes made while handling the current event, in order. */
  transitions: Transition[];
  decision: Decision;
}

/** An event as the machine sees it: `caughtUp` marks the copy raised after time-driven hops. */
export type BreakerMachineEvent = BreakerEvent & { caughtUp?: true };

export interface BreakerInput {
  config: BreakerConfig;
  /** When the breaker starts (CLOSED since then). */
  now?: number;
}

const TRIPS: readonly TransitionCause[] = ['failure-rate', 'slow-call-rate', 'consecutive-failures'];

type GuardArgs = { context: BreakerContext; event: BreakerMachineEvent };

/** Whether the decision on this (caught-up) event changes the phase for one of these causes. */
const decidesFor =
  (...causes: readonly TransitionCause[]) =>
  ({ context, event }: GuardArgs): boolean => {
    if (!event.caughtUp) return false;
    const cause = decide(context.data, event, context.config).transition?.cause;
    return cause !== undefined && causes.includes(cause);
  };

const dueHop =
  (cause: TransitionCause) =>
  ({ context }: GuardArgs): boolean =>
    timeHop(context.data, context.now, context.config)?.transition.cause === cause;

export const breakerMachine = setup({
  types: {
    context: {} as BreakerContext,
    events: {} as BreakerMachineEvent,
    input: {} as BreakerInput,
  },
  guards: {
    fresh: ({ event }) => !event.caughtUp,
    tripped: decidesFor(...TRIPS),
    waitElapsed: decidesFor('wait-elapsed'),
    trialFailed: decidesFor('trial-failed'),
    trialPassed: decidesFor('trial-passed'),
    automaticWaitElapsed: dueHop('automatic'),
    maxWaitElapsed: dueHop('half-open-timeout'),
  },
  actions: {
    begin: assign(({ event }) => ({ now: event.now, transitions: [] as Transition[] })),
    catchUp: raise(({ event }) => ({ ...event, caughtUp: true as const })),
    hop: assign(({ context }) => {
      const hop = timeHop(context.data, context.now, context.config);
      if (!hop) throw new Error('breaker machine: a time-driven edge fired with no hop due');
      return { data: hop.state, transitions: [...context.transitions, hop.transition] };
    }),
    decide: assign(({ context, event }) => {
      const move = decide(context.data, event, context.config);
      return { data: move.state, decision: move.decision, transitions: move.transition ? [...context.transitions, move.transition] : context.transitions };
    }),
  },
}).createMachine({
  id: 'circuit-breaker',
  context: ({ input }) => {
    const now = input.now ?? 0;
    return { config: input.config, data: initialState(input.config, now), now, transitions: [], decision: { kind: 'observed', reason: 'CLOSED: a new breaker' } };
  },
  initial: 'closed',
  on: {
    request: [{ guard: 'fresh', actions: ['begin', 'catchUp'] }, { actions: 'decide' }],
    result: [{ guard: 'fresh', actions: ['begin', 'catchUp'] }, { actions: 'decide' }],
    release: [{ guard: 'fresh', actions: ['begin', 'catchUp'] }, { actions: 'decide' }],
    tick: [{ guard: 'fresh', actions: ['begin', 'catchUp'] }, { actions: 'decide' }],
  },
  states: {
    closed: {
      description: 'calls pass; outcomes fill the sliding window',
      on: { result: { target: 'open', guard: 'tripped', actions: 'decide' } },
    },
    open: {
      description: 'calls fail fast for waitDurationInOpenState',
      always: { target: 'half_open', guard: 'automaticWaitElapsed', actions: 'hop' },
      on: { request: { target: 'half_open', guard: 'waitElapsed', actions: 'decide' } },
    },
    half_open: {
      description: 'permittedNumberOfCallsInHalfOpenState trial calls decide',
      always: { target: 'open', guard: 'maxWaitElapsed', actions: 'hop' },
      on: {
        result: [
          { target: 'open', guard: 'trialFailed', actions: 'decide' },
          { target: 'closed', guard: 'trialPassed', actions: 'decide' },
        ],
      },
    },
  },
});

export interface BreakerActor {
  /** Handles one event; answers exactly what `step()` answers for the same state and event. */
  send(event: BreakerEvent): StepResult;
  readonly state: BreakerState;
  readonly phase: Phase;
  stop(): void;
}

/** A running breaker: an xstate actor behind the same answer shape as the pure `step()`. */
export function startBreaker(config: BreakerConfig, now = 0, inspect?: (e: InspectionEvent) => void): BreakerActor {
  const actor = createActor(breakerMachine, { input: { config, now }, ...(inspect ? { inspect } : {}) });
  actor.start();
  const snapshot = () => {
    const snap = actor.getSnapshot();
    if (snap.status === 'error') throw snap.error instanceof Error ? snap.error : new Error(String(snap.error));
    // The machine's state is the phase of its data, or the two have drifted apart: fail loudly.
    if (snap.value !== snap.context.data.phase) throw new Error(`breaker machine in ${snap.value} but its data says ${snap.context.data.phase}`);
    return snap;
  };
  return {
    send(event) {
      actor.send(event);
      const { context } = snapshot();
      return { state: context.data, transitions: context.transitions, decision: context.decision };
    },
    get state() {
      return snapshot().context.data;
    },
    get phase() {
      return snapshot().context.data.phase;
    },
    stop() {
      actor.stop();
    },
  };
}
