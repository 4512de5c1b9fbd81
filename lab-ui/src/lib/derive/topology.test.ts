// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dotsAt, jitter, keypoints, topologyLayout, type Keypoint, type TopoLayout } from './topology.ts';
import { buildTraceIndex, type RequestRow } from './trace-index.ts';
import { syntheticTrace } from './testing/synthetic.ts';

// Replay a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`topology property seed: ${seed} (set FC_SEED to replay)`);

const rl = { status: 429, plugin: 'rate-limit', reason: 'limit reached' };

/** The placement as first written (a node lookup, its lane count and the jitter per keypoint), kept as the reference. */
function placeBefore(layout: TopoLayout, id: string, row: RequestRow, lane: number): { x: number; y: number } | null {
  const n = layout.byId.get(id);
  if (!n) return null;
  const jx = jitter(row.id, 1);
  const jy = jitter(row.id, 2);
  if (n.kind === 'stage') {
    const lanes = Math.max(1, layout.nodes.filter((m) => m.kind === 'replica').length);
    const laneH = (n.h - 16) / lanes;
    return { x: n.x + 8 + jx * (n.w - 16), y: n.y + 8 + laneH * lane + jy * laneH };
  }
  return { x: n.x + 10 + jx * (n.w - 20), y: n.y + 6 + jy * (n.h - 12) };
}

describe('keypoints', () => {
  it('places every request where the first placement did', () => {
    const request = fc.record({
      client: fc.constantFrom('c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8'),
      replica: fc.constantFrom('gw-0', 'gw-1', 'gw-2'),
      at: fc.integer({ min: 0, max: 3000 }),
      kind: fc.constantFrom('ok', 'reject', 'open'),
      upstreamMs: fc.integer({ min: 1, max: 200 }),
    });
    fc.assert(
      fc.property(fc.array(request, { minLength: 1, maxLength: 20 }), (reqs) => {
        const index = buildTraceIndex(syntheticTrace(
          [...reqs].sort((a, b) => a.at - b.at).map((r, i) => ({
            id: `${r.client}-${i}`, client: r.client, replica: r.replica, at: r.at,
            ...(r.kind === 'reject' ? { reject: rl } : r.kind === 'open' ? { open: true } : { upstreamMs: r.upstreamMs }),
          })),
        ));
        const layout = topologyLayout(index);
        for (const row of index.requests) {
          const got = keypoints(index, layout, row);
          // Each keypoint sits where the reference puts it at one of the layout's nodes.
          const lane = Math.max(0, index.replicas.indexOf(row.replica));
          for (const p of got) {
            const candidates = layout.nodes.map((n) => placeBefore(layout, n.id, row, lane));
            expect(candidates.some((c) => c && c.x === p.x && c.y === p.y), `${row.id} at ${p.t}`).toBe(true);
          }
          expect(got[0]).toMatchObject(placeBefore(layout, layout.byId.has(`client:${row.client}`) ? `client:${row.client}` : layout.firstClient, row, lane) ?? {});
        }
      }),
      { seed, numRuns: 100 },
    );
  });
});

describe('dotsAt with the keypoint cache', () => {
  it('draws the same dots as with no cache, over any sequence of cursor times', () => {
    const index = buildTraceIndex(syntheticTrace(
      Array.from({ length: 60 }, (_, i) => ({ id: `c${i % 3}-${i}`, client: `c${i % 3}`, replica: `gw-${i % 2}`, at: i * 37, ...(i % 5 === 0 ? { reject: rl } : { upstreamMs: 20 + (i % 7) * 30 }) })),
    ));
    const layout = topologyLayout(index);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -100, max: 2600 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 12 }), (times, maxDots) => {
        // Keypoints cached at one cursor and reused at the next must place every dot as fresh ones do.
        const cache = new Map<string, Keypoint[]>();
        const opts = { lingerMs: 400, hopMs: 60, maxDots, selected: null };
        for (const t of times) expect(dotsAt(index, layout, t, opts, cache)).toEqual(dotsAt(index, layout, t, opts));
      }),
      { seed, numRuns: 100 },
    );
  });
});
