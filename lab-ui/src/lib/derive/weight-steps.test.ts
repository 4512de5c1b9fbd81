// @vitest-environment node
/**
 * The canary's weight over time in the machine timeline: from the `weight` the engine writes on each
 * canary-rollout move, on hand-written moves and on the canary-ramp scenario as the engine runs it.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runVariant } from '../../../../engine/runtimes/sim/run-scenario.ts';
import { loadScenarioText } from '../../../../engine/scenario/load.ts';
import type { TraceEvent } from '../../../../engine/trace/events.ts';
import { buildMachineTimelines, segmentAt } from './machines.ts';
import { formatWeight, weightSteps } from './weight-steps.ts';

// Replay a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`weight-steps property seed: ${seed} (set FC_SEED to replay)`);

const rollout = (t: number, from: string, to: string, w: [number, number], at?: number): TraceEvent => ({
  type: 'breaker.transition', t, replica: 'controller', machine: 'canary-rollout', subject: 'v1 → v2', from, to,
  reason: `canary weight ${w[0]} % → ${w[1]} %`, weight: { from: w[0], to: w[1] }, ...(at !== undefined ? { at } : {}),
});

/** A ramp 10 → 25 → 50, a failed check that holds 50, then the rollback to 0. */
const ramp: TraceEvent[] = [
  rollout(30_000, 'progressing', 'progressing', [10, 25]),
  rollout(60_000, 'progressing', 'progressing', [25, 50]),
  rollout(70_000, 'progressing', 'progressing', [50, 50]),
  rollout(75_000, 'progressing', 'rolledBack', [50, 0]),
];

describe('canary weight on the rollout timeline', () => {
  it('gives each segment the weight its move set, and the starting one the first move’s from-weight', () => {
    const [tl] = buildMachineTimelines(ramp);
    expect(tl?.weighted).toBe(true);
    expect(tl?.segments.map((s) => [s.state, s.from, s.weight])).toEqual([
      ['progressing', 0, 10],
      ['progressing', 30_000, 25],
      ['progressing', 60_000, 50],
      ['progressing', 70_000, 50],
      ['rolledBack', 75_000, 0],
    ]);
    expect(segmentAt(tl!, 45_000).weight).toBe(25);
  });

  it('a step that keeps the status still shows as a new weight; a failed check that keeps the weight does not', () => {
    const [tl] = buildMachineTimelines(ramp);
    expect(weightSteps(tl!, 0, 120_000).map((s) => [s.weight, s.from, s.to])).toEqual([
      [10, 0, 30_000],
      [25, 30_000, 60_000],
      [50, 60_000, 75_000],
      [0, 75_000, Infinity],
    ]);
  });

  it('draws only what the trace has told by the cursor: the current weight runs on until its next move is written', () => {
    const [tl] = buildMachineTimelines(ramp);
    expect(weightSteps(tl!, 0, 45_000, 45_000).map((s) => [s.weight, s.from, s.to])).toEqual([
      [10, 0, 30_000],
      [25, 30_000, 60_000],
    ]);
    // A window that starts mid-ramp begins with the weight in effect there.
    expect(weightSteps(tl!, 65_000, 80_000)[0]).toMatchObject({ weight: 50, from: 60_000 });
  });

  it('a machine whose moves carry no weight has no steps (a breaker)', () => {
    const [tl] = buildMachineTimelines([{ type: 'breaker.transition', t: 10, replica: 'gw-0', machine: 'circuit-breaker', subject: 's', from: 'CLOSED', to: 'OPEN', reason: 'r' }]);
    expect(tl?.weighted).toBe(false);
    expect(tl?.segments.map((s) => s.weight)).toEqual([null, null]);
    expect(weightSteps(tl!, 0, 100)).toEqual([]);
  });

  it('writes weights as the rollout’s reasons do', () => {
    expect([formatWeight(10), formatWeight(0), formatWeight(2.5), formatWeight(100 / 3)]).toEqual(['10 %', '0 %', '2.5 %', '33.3 %']);
  });

  it('the steps cover the window without gaps, each differs from the one before, and each is the weight at its instants', () => {
    const moves = fc.array(fc.record({ dt: fc.integer({ min: 0, max: 5000 }), w: fc.constantFrom(0, 5, 10, 25, 50, 100) }), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(moves, fc.integer({ min: 0, max: 30_000 }), fc.integer({ min: 0, max: 30_000 }), (ms, a, b) => {
        let t = 0;
        let w = 10;
        const events = ms.map((m) => {
          t += m.dt;
          const e = rollout(t, 'progressing', 'progressing', [w, m.w]);
          w = m.w;
          return e;
        });
        const [tl] = buildMachineTimelines(events);
        const [t0, t1] = [Math.min(a, b), Math.max(a, b)];
        const steps = weightSteps(tl!, t0, t1);
        expect(steps[0]!.from).toBeLessThanOrEqual(t0);
        for (let i = 1; i < steps.length; i++) {
          expect(steps[i]!.from).toBe(steps[i - 1]!.to);
          expect(steps[i]!.weight).not.toBe(steps[i - 1]!.weight);
        }
        for (const s of steps) {
          const probe = Math.max(s.from, t0);
          if (probe < s.to) expect(segmentAt(tl!, probe).weight, `at ${probe}`).toBe(s.weight);
        }
      }),
      { seed, numRuns: 200 },
    );
  });
});

describe('canary-ramp as the engine runs it (weights on the controller’s moves)', () => {
  it('ramps 10 → 25 → 50 % at 12:00:30 and 12:01:00, then rolls back to 0 %', async () => {
    const file = 'scenarios/canary/canary-ramp.yaml';
    const scenario = loadScenarioText(readFileSync(file, 'utf8'), file, (p) => readFileSync(p, 'utf8')).scenario!;
    const run = await runVariant(scenario, 'base', { level: 'summary' });
    const [tl, ...rest] = buildMachineTimelines(run.events);
    expect(rest).toEqual([]);
    const steps = weightSteps(tl!, 0, Infinity);
    expect(steps.map((s) => s.weight)).toEqual([10, 25, 50, 0]);
    expect(steps.slice(1, 3).map((s) => s.from)).toEqual([30_000, 60_000]);
    // The rollback's instant is the scenario's expectation: between 12:01:10 and 12:01:16.
    expect(steps[3]!.from).toBeGreaterThan(70_000);
    expect(steps[3]!.from).toBeLessThan(76_000);
  });
});
