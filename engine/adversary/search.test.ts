/**
 * The search against real scenarios: the fixed window's boundary burst is found and shrunk, the exact
 * sliding log (semantics §1: at most `limit` in any window) survives, and the fast evaluator admits
 * exactly what the full simulation admits.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runVariant } from '../runtimes/sim/run-scenario.ts';
import { loadScenario, loadScenarioText } from '../scenario/load.ts';
import type { Scenario } from '../scenario/types.ts';
import { parseClaim } from './claim.ts';
import { evaluateFast } from './evaluate-fast.ts';
import { evaluateSim } from './evaluate-sim.ts';
import { attackScenario } from './index.ts';
import { scheduleArbitrary } from './schedule-arbitrary.ts';
import { prepareTarget } from './target.ts';

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`engine/adversary search property seed: ${seed} (pin with FC_SEED=${seed})`);

const read = (p: string): string => readFileSync(p, 'utf8');
function load(file: string): Scenario {
  const { scenario, diagnostics } = loadScenario(file, read);
  if (!scenario) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return scenario;
}
const BOUNDARY = 'scenarios/rate-limiting/boundary-burst.yaml';
const SLIDING_LOG = 'test/cli/fixtures/attack/sliding-log.yaml';
const claim = parseClaim('max 100 per 60s');

describe('attackScenario', () => {
  it('finds the boundary burst against the fixed window and shrinks it to a small schedule', async () => {
    const out = await attackScenario(load(BOUNDARY), { claim: claim.text });
    const found = out.result?.counterexample;
    expect(found, 'a counterexample').toBeDefined();
    if (!found) return;
    expect(found.confirmed.count).toBeGreaterThan(100);
    expect(found.schedule.length).toBeLessThanOrEqual(2 * (claim.max + 1));
    // The busiest window straddles a minute boundary of the UTC clock (the run starts at 12:00:00).
    const start = found.confirmed.startMs;
    const boundary = Math.ceil((start + 1) / 60_000) * 60_000;
    expect(found.schedule.some((t) => t >= start && t < boundary)).toBe(true);
    expect(found.schedule.some((t) => t >= boundary && t < start + 60_000)).toBe(true);

    // The rendered scenario loads and its expectation — the broken claim — holds when replayed.
    expect(out.scenarioText).toMatch(/^# yaml-language-server: \$schema=/);
    const replay = loadScenarioText(out.scenarioText ?? '', 'scenarios/rate-limiting/found.yaml', read);
    expect(replay.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const run = await runVariant(replay.scenario as Scenario, 'base');
    expect(run.expectations).toHaveLength(1);
    expect(run.expectations[0]).toMatchObject({ pass: true });
    expect(run.clients[0]?.sent).toBe(found.schedule.length);
  }, 180_000);

  it('finds nothing against the exact sliding log (a shorter budget here; the CLI test runs the default)', async () => {
    const out = await attackScenario(load(SLIDING_LOG), { claim: claim.text, budget: 250, seed });
    expect(out.result?.counterexample).toBeUndefined();
    expect(out.result?.unconfirmed).toBeUndefined();
    expect(out.result?.runs).toBe(250);
    expect(out.scenarioText).toBeUndefined();
  }, 180_000);

  it('the simulation evaluator finds a boundary burst too, on a claim it can break quickly', async () => {
    const out = await attackScenario(load(BOUNDARY), { claim: claim.text, evaluator: 'sim', budget: 50 });
    expect(out.result?.evaluator).toBe('sim');
    expect(out.result?.counterexample?.confirmed.count).toBeGreaterThan(100);
  }, 300_000);

  it('bad claims and unknown clients come back as diagnostics', async () => {
    const scenario = load(BOUNDARY);
    const badClaim = await attackScenario(scenario, { claim: 'at most 100 a minute' });
    expect(badClaim.result).toBeUndefined();
    expect(badClaim.diagnostics[0]).toMatchObject({ code: 'GL_E_USAGE', message: expect.stringContaining('cannot read the claim') });
    const badClient = await attackScenario(scenario, { claim: claim.text, client: 'nobody' });
    expect(badClient.diagnostics[0]).toMatchObject({ code: 'GL_E_USAGE', hint: 'its clients are: burster' });
    expect(badClient.diagnostics[0]?.loc?.line).toBeGreaterThan(1);
    const badVariant = await attackScenario(scenario, { claim: claim.text, variant: 'nope' });
    expect(badVariant.diagnostics[0]).toMatchObject({ code: 'GL_E_VARIANT' });
  });
});

describe('the fast evaluator', () => {
  // These scenarios have no client network latency, so admission instants must agree exactly.
  const cases: Array<[string, string]> = [
    [BOUNDARY, 'base'],
    [BOUNDARY, 'sliding-window'],
    [BOUNDARY, 'token-bucket'],
    [SLIDING_LOG, 'base'],
  ];
  it.each(cases)('admits what the full simulation admits, at the same instants: %s %s (fast-check)', async (file, variant) => {
    const { target } = prepareTarget(load(file), variant);
    if (!target) throw new Error('target did not load');
    const arbitrary = scheduleArbitrary({ durationMs: target.scenario.durationMs, windowMs: 60_000, max: 100, cap: 150 });
    await fc.assert(
      fc.asyncProperty(arbitrary, async (schedule) => {
        const fast = await evaluateFast(target, schedule);
        const sim = await evaluateSim(target, schedule);
        expect(fast.admittedMs).toEqual(sim.admittedMs);
        expect(fast.sent).toBe(sim.sent);
      }),
      { seed, numRuns: 8 },
    );
  }, 120_000);
});
