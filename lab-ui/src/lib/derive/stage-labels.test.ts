// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COUNT_FONT, fitNodeLabel, MIN_LABEL_FONT, planStageLabels } from './stage-labels.ts';
import { topologyLayout } from './topology.ts';
import { buildTraceIndex } from './trace-index.ts';
import { syntheticTrace } from './testing/synthetic.ts';

// Replay a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`stage-labels property seed: ${seed} (set FC_SEED to replay)`);

/** A layout with these stage names, as topologyLayout places them (only the stage columns matter). */
function layoutOf(stages: string[]): ReturnType<typeof topologyLayout> {
  const index = buildTraceIndex(syntheticTrace([{ id: 'c-1', at: 10 }]));
  return topologyLayout({ ...index, stages });
}

const pitchOf = (l: ReturnType<typeof topologyLayout>): number => {
  const s = l.nodes.filter((n) => n.kind === 'stage');
  return s.length > 1 ? s[1]!.x - s[0]!.x : Infinity;
};

describe('stage labels', () => {
  it('keeps names where they fit: boundary-burst\'s three stages at full size', () => {
    expect(planStageLabels(layoutOf(['router', 'rate-limit', 'balancer']), 200)).toEqual({ mode: 'names', fontSize: 17 });
  });

  it('shrinks a long name a little before giving up on names (circuit-breaker-states)', () => {
    const plan = planStageLabels(layoutOf(['router', 'circuit-breaker', 'balancer']), 350);
    expect(plan.mode).toBe('names');
    expect(plan.fontSize).toBeLessThan(17);
    expect(plan.fontSize).toBeGreaterThanOrEqual(MIN_LABEL_FONT);
  });

  it('numbers the columns when the names cannot fit: kong-bottleneck overload\'s seven stages', () => {
    const overload = ['router', 'correlation-id', 'jwt-remote', 'rate-limit', 'response-ratelimiting', 'request-transformer', 'balancer'];
    expect(planStageLabels(layoutOf(overload), 14_859).mode).toBe('numbers');
  });

  it('never plans names wider than their column, nor counts wider than it (property)', () => {
    const name = fc.stringMatching(/^[a-z][a-z-]{0,24}$/);
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 9 }), fc.integer({ min: 1, max: 2_000_000 }), (stages, requests) => {
        const layout = layoutOf(stages);
        const plan = planStageLabels(layout, requests);
        if (plan.mode === 'numbers' || stages.length < 2) return;
        const room = pitchOf(layout);
        const longest = Math.max(...stages.map((s) => s.length));
        expect(longest * plan.fontSize * 0.6).toBeLessThanOrEqual(room);
        expect((6 + String(requests).length) * COUNT_FONT * 0.6).toBeLessThanOrEqual(room);
        expect(plan.fontSize).toBeGreaterThanOrEqual(MIN_LABEL_FONT);
      }),
      { seed, numRuns: 200 },
    );
  });

  it('cuts a node name that would run past the picture, and keeps one that fits', () => {
    expect(fitNodeLabel('orders-api', 130)).toBe('orders-api');
    const cut = fitNodeLabel('shop-orders-8080@kubernetescrd', 130);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.length).toBeLessThan('shop-orders-8080@kubernetescrd'.length);
    expect('shop-orders-8080@kubernetescrd'.startsWith(cut.slice(0, -1))).toBe(true);
  });
});
