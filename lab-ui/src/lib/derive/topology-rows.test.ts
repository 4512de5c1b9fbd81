// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COUNT_FONT, countFontSize, LABEL_FONT } from './stage-labels.ts';
import { topologyLayout, type TopoNode } from './topology.ts';
import { buildTraceIndex } from './trace-index.ts';
import { syntheticTrace } from './testing/synthetic.ts';

// Replay a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`topology-rows property seed: ${seed} (set FC_SEED to replay)`);

const base = buildTraceIndex(syntheticTrace([{ id: 'c-1', at: 10 }]));
const layoutWith = (replicas: string[], services: string[] = ['orders-api'], clients: string[] = ['app']) => topologyLayout({ ...base, replicas, services, clients });

/**
 * The vertical band a text takes in the viewBox, as TopologyView draws it: a node's name sits on
 * y − 5 at 17 units, a count on y + h + 17 at 15 units (cap height ≈ 0.75 em above the baseline,
 * descenders ≈ 0.25 em below).
 */
const nameBand = (n: TopoNode): [number, number] => [n.y - 5 - 0.75 * LABEL_FONT, n.y - 5 + 0.25 * LABEL_FONT];
const countBand = (n: TopoNode): [number, number] => [n.y + n.h + 17 - 0.75 * COUNT_FONT, n.y + n.h + 17 + 0.25 * COUNT_FONT];

describe('topology rows ("clipped \'704 inside\'")', () => {
  it("keeps gw-0's count clear of gw-1's name when three replicas stack (kong-bottleneck fixed)", () => {
    const layout = layoutWith(['gw-0', 'gw-1', 'gw-2']);
    const reps = layout.nodes.filter((n) => n.kind === 'replica');
    expect(reps).toHaveLength(3);
    for (let i = 1; i < reps.length; i++) {
      // The count under the node above ended 4 units below where the next name began.
      expect(countBand(reps[i - 1]!)[1]).toBeLessThan(nameBand(reps[i]!)[0]);
    }
  });

  it('keeps a single replica where it was (one node per column: the 78-unit row)', () => {
    expect(layoutWith(['gw-0']).height).toBe(2 * 78 + 52);
  });

  it('never lets a count under a node reach the name of the node below, for any stack of up to 6 (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 }), (r, b, c) => {
        const names = (p: string, k: number) => Array.from({ length: k }, (_, i) => `${p}-${i}`);
        const layout = layoutWith(names('gw', r), names('svc', b), names('client', c));
        for (const kind of ['replica', 'backend', 'client'] as const) {
          const col = layout.nodes.filter((n) => n.kind === kind);
          for (let i = 1; i < col.length; i++) expect(countBand(col[i - 1]!)[1]).toBeLessThan(nameBand(col[i]!)[0]);
          // The last count stays inside the picture.
          const last = col[col.length - 1];
          if (last) expect(countBand(last)[1]).toBeLessThanOrEqual(layout.height);
        }
      }),
      { seed, numRuns: 200 },
    );
  });

  it('shrinks a count only when it would run past its node: "704 inside" keeps the usual size, a 16-character one does not', () => {
    expect(countFontSize('704 inside', 110)).toBe(COUNT_FONT);
    expect(countFontSize('8703 inside', 110)).toBe(COUNT_FONT);
    const long = '12345 copies ended';
    const size = countFontSize(long, 130);
    expect(size).toBeLessThan(COUNT_FONT);
    // At that size its estimated width fits the node and the 6-unit margin on each side.
    expect(long.length * size * 0.6).toBeLessThanOrEqual(130 + 12 + 1e-9);
  });
});
