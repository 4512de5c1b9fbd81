/**
 * Model-based tests: fast-check drives the pure `step()` (the model) and the xstate actor (the real
 * system) side by side with random request / result / release / tick sequences under random configs,
 * and every answer must be identical. A second property checks that the runs take every edge of the
 * machine's definition, so "they agree" is not vacuously true of a machine that never leaves CLOSED.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { machineGraph, guardName } from '../../diagram/machine-graph.ts';
import type { BreakerConfig } from './config.ts';
import { breakerMachine, startBreaker, type BreakerActor } from './machine.ts';
import { initialState, step, type BreakerEvent, type BreakerState, type TransitionCause } from './transition.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] breaker seed=${seed} (replay: FC_SEED=${seed})`);

/** 2026-01-01T12:00:00Z. */
const START = 1_767_268_800_000;

interface Model {
  state: BreakerState;
  now: number;
  config: BreakerConfig;
  causes: Set<TransitionCause>;
}

/** Small windows and short waits, so a few dozen events visit every state. */
const configArb: fc.Arbitrary<BreakerConfig> = fc.record({
  failureRateThreshold: fc.constantFrom(25, 50, 60, 100),
  slowCallRateThreshold: fc.constantFrom(25, 50, 100),
  slowCallDurationThreshold: fc.integer({ min: 50, max: 500 }),
  slidingWindowType: fc.constantFrom('COUNT_BASED' as const, 'TIME_BASED' as const),
  slidingWindowSize: fc.integer({ min: 1, max: 5 }),
  minimumNumberOfCalls: fc.integer({ min: 1, max: 6 }),
  waitDurationInOpenState: fc.integer({ min: 1, max: 3000 }),
  automaticTransitionFromOpenToHalfOpenEnabled: fc.boolean(),
  permittedNumberOfCallsInHalfOpenState: fc.integer({ min: 1, max: 3 }),
  maxWaitDurationInHalfOpenState: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3000 })),
  consecutiveFailures: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
});

class Send implements fc.Command<Model, BreakerActor> {
  constructor(
    readonly dt: number,
    readonly make: (now: number) => BreakerEvent,
    readonly label: string,
  ) {}

  check(): boolean {
    return true;
  }

  run(m: Model, real: BreakerActor): void {
    const before = m.state.phase;
    m.now += this.dt;
    const event = this.make(m.now);
    const expected = step(m.state, event, m.config);
    const actual = real.send(event);
    // Compared as JSON first: a deep expect per event would dominate the run time; on a mismatch the
    // deep comparison shows the difference.
    if (JSON.stringify(actual) !== JSON.stringify(expected)) expect(actual).toEqual(expected);
    // Invariants of the answer itself.
    let phase = before;
    let at = -Infinity;
    for (const t of expected.transitions) {
      if (t.from !== phase || t.at < at || t.at > m.now) throw new Error(`transitions out of order: ${JSON.stringify(expected.transitions)}`);
      phase = t.to;
      at = t.at;
      m.causes.add(t.cause);
    }
    const { state, decision } = expected;
    if (state.phase !== phase) throw new Error(`state ${state.phase} after transitions ending in ${phase}`);
    if (state.permitsLeft < 0 || state.permitsLeft > m.config.permittedNumberOfCallsInHalfOpenState) throw new Error(`permitsLeft ${state.permitsLeft}`);
    if (decision.kind === 'rejected' && state.phase === 'closed') throw new Error('CLOSED rejected a call');
    if (event.type === 'request' && state.phase === 'closed' && decision.kind !== 'permitted') throw new Error('CLOSED did not permit a call');
    m.state = expected.state;
  }

  toString(): string {
    return `${this.label}+${this.dt}`;
  }
}

const dtArb = fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 2500 }));
const commandArbs = [
  dtArb.map((dt) => new Send(dt, (now) => ({ type: 'request', now }), 'request')),
  fc.tuple(dtArb, fc.integer({ min: 0, max: 2 }).map((n) => n === 0), fc.integer({ min: 0, max: 600 })).map(([dt, failed, durationMs]) => new Send(dt, (now) => ({ type: 'result', now, failed, durationMs }), `result(${failed ? 'fail' : 'ok'},${durationMs}ms)`)),
  dtArb.map((dt) => new Send(dt, (now) => ({ type: 'release', now }), 'release')),
  dtArb.map((dt) => new Send(dt, (now) => ({ type: 'tick', now }), 'tick')),
];

/** Runs the model-based property; `inspect` sees the actor's microsteps. */
function runModel(numRuns: number, causes: Set<TransitionCause>, inspect?: (e: InspectionEvent) => void): void {
  fc.assert(
    fc.property(configArb, fc.commands(commandArbs, { maxCommands: 80, size: 'max' }), (config, cmds) => {
      const setup = () => ({
        model: { state: initialState(config, START), now: START, config, causes },
        real: startBreaker(config, START, inspect),
      });
      fc.modelRun(setup, cmds);
    }),
    { seed, numRuns },
  );
}

/** An edge as `from --event [guard]--> to`, the same key for the definition and for a fired transition. */
const edgeKey = (from: readonly string[], to: readonly string[], event: string, guard: string | undefined): string =>
  `${from.join('.')} --${event}${guard ? ` [${guard}]` : ''}--> ${to.join('.')}`;

describe('classic circuit breaker, xstate machine vs pure function — semantics §9 (resilience4j)', () => {
  it('semantics §9 (resilience4j): the actor and step() give identical answers for random configs and event sequences', () => {
    runModel(200, new Set());
  }, 30_000);

  it('semantics §9 (resilience4j): the generated runs take every edge of the machine and every transition cause', () => {
    const taken = new Set<string>();
    const causes = new Set<TransitionCause>();
    runModel(300, causes, (e) => {
      if (e.type !== '@xstate.microstep') return;
      for (const t of e._transitions) {
        const target = t.target?.[0];
        if (target) taken.add(edgeKey(t.source.path, target.path, t.eventType === '' ? 'always' : t.eventType, guardName(t.guard)));
      }
    });
    const defined = machineGraph(breakerMachine).edges.filter((e) => e.target).map((e) => edgeKey(e.source.path, (e.target as { path: string[] }).path, e.event, e.guard));
    expect(defined).toEqual([
      'closed --result [tripped]--> open',
      'open --always [automaticWaitElapsed]--> half_open',
      'open --request [waitElapsed]--> half_open',
      'half_open --always [maxWaitElapsed]--> open',
      'half_open --result [trialFailed]--> open',
      'half_open --result [trialPassed]--> closed',
    ]);
    expect(defined.filter((k) => !taken.has(k))).toEqual([]);
    const all: TransitionCause[] = ['failure-rate', 'slow-call-rate', 'consecutive-failures', 'wait-elapsed', 'automatic', 'trial-failed', 'trial-passed', 'half-open-timeout'];
    expect(all.filter((c) => !causes.has(c))).toEqual([]);
  }, 30_000);
});
