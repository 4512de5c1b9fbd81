/**
 * The xstate machine against the pure function: fast-check drives both side by side with random
 * plans and random traffic (fc.commands / fc.modelRun), and a scenario per edge proves that every
 * transition the machine declares is taken. Set FC_SEED to replay a failing run.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createActor, type Actor } from 'xstate';
import { edgeName, machineEdges } from './edges.ts';
import { rolloutMachine } from './machine.ts';
import { isTerminal, type RolloutAnalysis, type RolloutEvent, type RolloutPlan, type RolloutState, type RolloutStep } from './plan.ts';
import { startRollout, transition } from './transition.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] rollout seed=${seed} (replay: FC_SEED=${seed})`);

const T0 = 1_767_268_800_000;
const S = 1000;

/** Every edge any actor in this file took, from xstate's own microstep inspection. */
const covered = new Set<string>();

function start(plan: RolloutPlan, taken: string[] = []): Actor<typeof rolloutMachine> {
  const actor = createActor(rolloutMachine, {
    input: { plan, now: T0 },
    inspect: (e) => {
      if (e.type !== '@xstate.microstep') return;
      for (const t of e._transitions) {
        covered.add(edgeName(t));
        taken.push(edgeName(t));
      }
    },
  });
  return actor.start();
}

// ---------------------------------------------------------------------------------------------
// Model-based: the pure function is the model, the actor the system under test.

interface Model {
  plan: RolloutPlan;
  state: RolloutState;
  now: number;
}
interface Real {
  actor: Actor<typeof rolloutMachine>;
}

function step(m: Model, r: Real, events: RolloutEvent[]): void {
  for (const e of events) {
    const before = m.state;
    const { state, changes } = transition(m.plan, before, e);
    m.state = state;
    // A done actor ignores events (and xstate warns about each); its snapshot must stay as it was.
    if (r.actor.getSnapshot().status !== 'done') r.actor.send(e);
    const snap = r.actor.getSnapshot();
    expect(snap.value).toBe(state.status);
    expect(snap.context.rollout).toEqual(state);
    expect(snap.status === 'done').toBe(isTerminal(state.status));
    // Invariants of the function itself.
    if (isTerminal(before.status)) expect(state).toBe(before);
    if (state.status === 'rolledBack') expect(state.weight).toBe(0);
    else if (state.status === 'promoted') expect(state.weight).toBe(100);
    else expect(state.weight).toBe(m.plan.steps[state.step]?.weight);
    if (state.status !== before.status || state.step !== before.step) expect(changes.length).toBeGreaterThan(0);
    for (const c of changes) expect(c.reason.length).toBeGreaterThan(10);
  }
}

class Tick implements fc.Command<Model, Real> {
  constructor(readonly dt: number) {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    m.now += this.dt;
    step(m, r, [{ type: 'tick', now: m.now }]);
  }
  toString = (): string => `tick(+${this.dt})`;
}

class Requests implements fc.Command<Model, Real> {
  constructor(readonly dt: number, readonly n: number, readonly canary: boolean, readonly failed: number) {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    m.now += this.dt;
    const events = Array.from({ length: this.n }, (_, i): RolloutEvent => ({ type: 'observe', now: m.now, canary: this.canary, failed: i < this.failed }));
    step(m, r, events);
  }
  toString = (): string => `requests(+${this.dt}, ${this.n} ${this.canary ? 'canary' : 'primary'}, ${this.failed} failed)`;
}

const stepArb: fc.Arbitrary<RolloutStep> = fc.record({
  weight: fc.integer({ min: 0, max: 100 }),
  advance: fc.oneof(
    fc.record({ kind: fc.constant('after' as const), pauseMs: fc.integer({ min: 0, max: 20 * S }) }),
    fc.record({ kind: fc.constant('at' as const), atMs: fc.integer({ min: 0, max: 60 * S }) }),
    fc.record({ kind: fc.constant('health' as const), pauseMs: fc.integer({ min: 0, max: 20 * S }) }),
  ),
});

const planArb: fc.Arbitrary<RolloutPlan> = fc.record({
  steps: fc.array(stepArb, { minLength: 1, maxLength: 5 }),
  analysis: fc.record({
    windowMs: fc.integer({ min: S, max: 30 * S }),
    maxErrorRate: fc.constantFrom(0, 0.05, 0.1, 0.25, 0.5),
    minRequests: fc.integer({ min: 0, max: 12 }),
    maxFailedChecks: fc.integer({ min: 1, max: 3 }),
  }),
});

const commandsArb = fc.commands(
  [
    fc.integer({ min: 0, max: 15 * S }).map((dt) => new Tick(dt)),
    fc
      .record({ dt: fc.integer({ min: 0, max: 5 * S }), n: fc.integer({ min: 1, max: 8 }), canary: fc.boolean(), failed: fc.integer({ min: 0, max: 8 }) })
      .map(({ dt, n, canary, failed }) => new Requests(dt, n, canary, Math.min(failed, n))),
  ],
  { maxCommands: 60 },
);

describe('rollout machine ≡ pure transition (model-based)', () => {
  it('the actor and the pure function agree on every event, for any plan and traffic', () => {
    fc.assert(
      fc.property(planArb, commandsArb, (plan, cmds) => {
        fc.modelRun(() => ({ model: { plan, state: startRollout(plan, T0), now: T0 }, real: { actor: start(plan) } }), cmds);
      }),
      { seed, numRuns: 150 },
    );
  });
});

describe('quiet events (the plugin skips them)', () => {
  const eventsArb = fc.array(
    fc.record({ dt: fc.integer({ min: 0, max: 4 * S }), kind: fc.constantFrom('tick', 'primary', 'canary', 'canary-failed') }),
    { maxLength: 120 },
  );

  it('a tick or primary request that changes nothing can be left out: every later event gives the same state and changes', () => {
    fc.assert(
      fc.property(planArb, eventsArb, (plan, specs) => {
        let full = startRollout(plan, T0);
        let skipping = full;
        let now = T0;
        for (const { dt, kind } of specs) {
          now += dt;
          const e: RolloutEvent = kind === 'tick' ? { type: 'tick', now } : { type: 'observe', now, canary: kind !== 'primary', failed: kind === 'canary-failed' };
          const a = transition(plan, full, e);
          full = a.state;
          const b = transition(plan, skipping, e);
          const quiet = (e.type === 'tick' || !e.canary) && b.changes.length === 0;
          if (quiet) continue;
          skipping = b.state;
          expect(b).toEqual(a);
        }
        // Skipped events at the end changed nothing either: both chains stand in the same place.
        const tick: RolloutEvent = { type: 'tick', now };
        expect(transition(plan, skipping, tick).state).toEqual(transition(plan, full, tick).state);
      }),
      { seed, numRuns: 150 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// One scenario per edge, so coverage does not depend on the seed.

const A: RolloutAnalysis = { windowMs: 60 * S, maxErrorRate: 0.1, minRequests: 10, maxFailedChecks: 1 };
const plan = (...steps: RolloutStep[]): RolloutPlan => ({ steps, analysis: A });
const after = (weight: number, pauseMs: number): RolloutStep => ({ weight, advance: { kind: 'after', pauseMs } });
const health = (weight: number, pauseMs: number): RolloutStep => ({ weight, advance: { kind: 'health', pauseMs } });
const tick = (t: number): RolloutEvent => ({ type: 'tick', now: T0 + t });
const primary = (t: number): RolloutEvent => ({ type: 'observe', now: T0 + t, canary: false, failed: false });
/** n canary requests at T0 + t; the last `failed` of them fail. */
const canary = (t: number, n: number, failed = 0): RolloutEvent[] =>
  Array.from({ length: n }, (_, i) => ({ type: 'observe' as const, now: T0 + t, canary: true, failed: i >= n - failed }));
/** 30 good at +1s, then 70 good and 10 bad at +29s: 9.1 %, fine until the first second slides out. */
const slidingBad = [...canary(S, 30), ...canary(29 * S, 80, 10)];

const SCENARIOS: Array<{ name: string; plan: RolloutPlan; events: RolloutEvent[]; edges: string[] }> = [
  {
    name: 'time steps on ticks: hold, advance, promote',
    plan: plan(after(10, 10 * S), after(50, 10 * S)),
    events: [tick(5 * S), tick(12 * S), tick(25 * S)],
    edges: ['progressing:tick#4 → progressing [holds]', 'progressing:tick#3 → progressing [advances]', 'progressing:tick#1 → promoted [promotes]'],
  },
  {
    name: 'time steps on requests: hold, advance, promote',
    plan: plan(after(10, 10 * S), after(50, 10 * S)),
    events: [primary(5 * S), primary(12 * S), primary(25 * S)],
    edges: ['progressing:observe#4 → progressing [holds]', 'progressing:observe#3 → progressing [advances]', 'progressing:observe#1 → promoted [promotes]'],
  },
  {
    name: 'a gate with too little data waits, holds, and promotes on the tenth request',
    plan: plan(health(10, 10 * S)),
    events: [tick(11 * S), tick(12 * S), ...canary(13 * S, 9), ...canary(14 * S, 1)],
    edges: ['progressing:tick#2 → paused [waits]', 'paused:tick#1 → paused [holds]', 'paused:observe#4 → paused [holds]', 'paused:observe#1 → promoted [promotes]'],
  },
  { name: 'a primary request finds the gate without data', plan: plan(health(10, 10 * S)), events: [primary(11 * S)], edges: ['progressing:observe#2 → paused [waits]'] },
  {
    name: 'enough data resumes into the next step',
    plan: plan(health(10, 10 * S), health(50, 10 * S)),
    events: [tick(11 * S), ...canary(12 * S, 10)],
    edges: ['paused:observe#2 → progressing [resumes]'],
  },
  {
    name: 'enough data advances into a step that waits at once',
    plan: plan(health(10, 10 * S), health(50, 0)),
    events: [tick(11 * S), ...canary(12 * S, 10)],
    edges: ['paused:observe#3 → paused [advances]'],
  },
  { name: 'bad data while waiting rolls back', plan: plan(health(10, 10 * S)), events: [tick(11 * S), ...canary(12 * S, 10, 10)], edges: ['paused:observe#0 → rolledBack [rollsBack]'] },
  {
    name: 'while waiting, good requests slide out of the window and a tick rolls back',
    plan: plan(after(5, 30 * S), health(10, 0)),
    events: [...slidingBad, tick(30 * S), tick(62 * S)],
    edges: ['progressing:tick#2 → paused [waits]', 'paused:tick#0 → rolledBack [rollsBack]'],
  },
  { name: 'a tick rolls back once good requests slide out', plan: plan(after(5, 600 * S)), events: [...slidingBad, tick(62 * S)], edges: ['progressing:tick#0 → rolledBack [rollsBack]'] },
  { name: 'bad canary requests roll back', plan: plan(after(10, 600 * S)), events: canary(S, 10, 10), edges: ['progressing:observe#0 → rolledBack [rollsBack]'] },
];

describe('every transition of the rollout machine', () => {
  for (const sc of SCENARIOS) {
    it(sc.name, () => {
      const taken: string[] = [];
      const actor = start(sc.plan, taken);
      let state = startRollout(sc.plan, T0);
      for (const e of sc.events) {
        actor.send(e);
        state = transition(sc.plan, state, e).state;
        expect(actor.getSnapshot().context.rollout).toEqual(state);
      }
      for (const edge of sc.edges) expect(taken).toContain(edge);
    });
  }

  afterAll(() => {
    // Runs after the model-based test and the scenarios above; fails the file if an edge is never taken.
    const missing = machineEdges(rolloutMachine).filter((e) => !covered.has(e));
    expect(missing).toEqual([]);
  });

  it('the machine declares 17 edges, each named in a scenario', () => {
    const named = new Set(SCENARIOS.flatMap((s) => s.edges));
    expect(machineEdges(rolloutMachine)).toHaveLength(17);
    expect(machineEdges(rolloutMachine).filter((e) => !named.has(e))).toEqual([]);
  });
});
