/**
 * Properties of the rolling deploy over arbitrary sizes, bounds and timings: the Deployment
 * controller's two promises hold at every instant, it always finishes, and the refused-connection
 * windows exist exactly when the preStop sleep is shorter than the endpoint-removal lag.
 * Set FC_SEED to replay a failure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { podStatesAt, refusalWindows } from './lifecycle.ts';
import { planRollingDeploy, type RollingDeployInput } from './rolling-deploy.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] rolling-deploy seed=${seed} (replay: FC_SEED=${seed})`);

const input: fc.Arbitrary<RollingDeployInput> = fc
  .record({
    replicas: fc.integer({ min: 1, max: 12 }),
    maxSurge: fc.integer({ min: 0, max: 5 }),
    maxUnavailable: fc.integer({ min: 0, max: 5 }),
    startupMs: fc.integer({ min: 0, max: 30_000 }),
    grace: fc.integer({ min: 0, max: 60_000 }),
    preStop: fc.integer({ min: 0, max: 20_000 }),
    lag: fc.integer({ min: 0, max: 5000 }),
  })
  .filter((r) => r.maxSurge + r.maxUnavailable > 0)
  .map((r) => ({
    at: 1000,
    replicas: r.replicas,
    maxSurge: r.maxSurge,
    maxUnavailable: r.maxUnavailable,
    lifecycle: { startupMs: r.startupMs, terminationGracePeriodMs: r.grace, preStopMs: r.preStop, endpointRemovalLagMs: r.lag },
  }));

describe('rolling deploy properties', () => {
  it('never fewer than R − maxUnavailable ready pods, never more than R + maxSurge non-terminating pods', () => {
    fc.assert(
      fc.property(input, (inp) => {
        const plan = planRollingDeploy(inp);
        for (const t of new Set([inp.at, ...plan.events.map((e) => e.t)])) {
          const states = [...podStatesAt(plan.events, t, plan.initialPods).values()];
          const live = states.filter((s) => s.alive && !s.terminating);
          const ready = live.filter((s) => s.routable);
          expect(live.length).toBeLessThanOrEqual(inp.replicas + inp.maxSurge);
          expect(ready.length).toBeGreaterThanOrEqual(inp.replicas - inp.maxUnavailable);
        }
      }),
      { seed, numRuns: 200 },
    );
  });

  it('finishes with exactly R new ready pods and every old pod killed', () => {
    fc.assert(
      fc.property(input, (inp) => {
        const plan = planRollingDeploy(inp);
        const end = podStatesAt(plan.events, plan.quietAt, plan.initialPods);
        const alive = [...end.entries()].filter(([, s]) => s.alive);
        expect(alive.map(([n]) => n.startsWith('new-')).every(Boolean)).toBe(true);
        expect(alive.filter(([, s]) => s.routable)).toHaveLength(inp.replicas);
      }),
      { seed, numRuns: 200 },
    );
  });

  it('refused connections happen exactly when min(preStop, grace) < lag, one window per old pod', () => {
    fc.assert(
      fc.property(input, (inp) => {
        const lc = inp.lifecycle;
        const windows = refusalWindows(planRollingDeploy(inp).events);
        const gap = lc.endpointRemovalLagMs - Math.min(lc.preStopMs, lc.terminationGracePeriodMs);
        expect(windows).toHaveLength(gap > 0 ? inp.replicas : 0);
        for (const w of windows) expect(w.to - w.from).toBe(gap);
      }),
      { seed, numRuns: 200 },
    );
  });
});
