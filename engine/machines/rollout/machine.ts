/**
 * The rollout as an xstate v5 machine, for the lab's state diagram and for anyone who wants an actor.
 * The machine decides nothing itself: every guard asks the pure `transition` (transition.ts) where
 * the event leads, so the diagram and the plugin can never disagree with the function the tests
 * check. The statuses are the machine's states; the step index, weight and counters live in context.
 *
 * A tick in `paused` can only roll back or hold: paused means "too few canary requests in this
 * step", and without a new request there is no new data to pass the gate with (transition.ts, step
 * 4). So `paused` lists fewer tick edges than observe edges, and every edge listed is reachable.
 */
import { assign, setup } from 'xstate';
import type { RolloutChange, RolloutEvent, RolloutPlan, RolloutResult, RolloutState } from './plan.ts';
import { startRollout, transition } from './transition.ts';

export interface RolloutContext {
  plan: RolloutPlan;
  rollout: RolloutState;
  /** What the last event changed, in order (empty when it only counted a request). */
  changes: readonly RolloutChange[];
}

export interface RolloutInput {
  plan: RolloutPlan;
  /** When the rollout starts: its first step begins here. */
  now: number;
}

/**
 * Guards and the action ask about the same (state, event) several times per event; remembering the
 * last answer keeps that to one call of the pure function. Keyed by object identity, so a stale
 * answer cannot be returned for another state or event.
 */
let memo: { rollout: RolloutState; event: RolloutEvent; plan: RolloutPlan; result: RolloutResult } | undefined;

function outcome(context: RolloutContext, event: RolloutEvent): RolloutResult {
  if (memo && memo.rollout === context.rollout && memo.event === event && memo.plan === context.plan) return memo.result;
  const result = transition(context.plan, context.rollout, event);
  memo = { rollout: context.rollout, event, plan: context.plan, result };
  return result;
}

type GuardArgs = { context: RolloutContext; event: RolloutEvent };

const endsIn = (status: RolloutState['status']) => ({ context, event }: GuardArgs): boolean =>
  outcome(context, event).state.status === status;

/** Stays in the same status; `moved` says whether the step changed on the way. */
const stays = (moved: boolean) => ({ context, event }: GuardArgs): boolean => {
  const next = outcome(context, event).state;
  return next.status === context.rollout.status && (next.step !== context.rollout.step) === moved;
};

export const rolloutSetup = setup({
  types: {} as { context: RolloutContext; events: RolloutEvent; input: RolloutInput },
  guards: {
    rollsBack: endsIn('rolledBack'),
    promotes: endsIn('promoted'),
    waits: endsIn('paused'),
    resumes: endsIn('progressing'),
    advances: stays(true),
    holds: stays(false),
  },
  actions: {
    apply: assign(({ context, event }) => {
      const { state, changes } = outcome(context, event);
      return { rollout: state, changes };
    }),
  },
});

const fromProgressing = [
  { guard: 'rollsBack', target: 'rolledBack', actions: 'apply' },
  { guard: 'promotes', target: 'promoted', actions: 'apply' },
  { guard: 'waits', target: 'paused', actions: 'apply' },
  { guard: 'advances', actions: 'apply' },
  { guard: 'holds', actions: 'apply' },
] as const;

export const rolloutMachine = rolloutSetup.createMachine({
  id: 'rollout',
  initial: 'progressing',
  context: ({ input }) => ({ plan: input.plan, rollout: startRollout(input.plan, input.now), changes: [] }),
  states: {
    progressing: {
      description: 'Canary at the current step weight; time and health gates move it on.',
      on: { tick: [...fromProgressing], observe: [...fromProgressing] },
    },
    paused: {
      description: 'A health gate is due but the step has too few canary requests to judge.',
      on: {
        tick: [
          { guard: 'rollsBack', target: 'rolledBack', actions: 'apply' },
          { guard: 'holds', actions: 'apply' },
        ],
        observe: [
          { guard: 'rollsBack', target: 'rolledBack', actions: 'apply' },
          { guard: 'promotes', target: 'promoted', actions: 'apply' },
          { guard: 'resumes', target: 'progressing', actions: 'apply' },
          { guard: 'advances', actions: 'apply' },
          { guard: 'holds', actions: 'apply' },
        ],
      },
    },
    promoted: { type: 'final', description: 'Every request goes to the canary.' },
    rolledBack: { type: 'final', description: 'Every request goes to the primary.' },
  },
});

export type RolloutMachine = typeof rolloutMachine;
