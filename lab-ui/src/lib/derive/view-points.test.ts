import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { downsample, pointsUntil, type SeriesLine, type SeriesPoint } from './limiter.ts';
import { viewPoints } from './view-points.ts';

// Replay a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`view-points property seed: ${seed} (set FC_SEED to replay)`);

function lineOf(points: SeriesPoint[]): SeriesLine {
  return { group: 'r1', points, times: Float64Array.from(points, (p) => p.t) };
}

/** What the limiter and replica charts computed on every frame before: O(points) per frame. */
function before(line: SeriesLine, range: [number, number], t: number, columns: number): SeriesPoint[] {
  const points = pointsUntil(line, t);
  const firstIn = points.findIndex((p) => p.t >= range[0]);
  const visible = firstIn < 0 ? points.slice(-1) : points.slice(Math.max(0, firstIn - 1));
  const clipped = visible.map((p) => (p.t < range[0] ? { ...p, t: range[0] } : p)).filter((p) => p.t <= range[1]);
  return downsample(clipped, range[0], range[1], columns);
}

describe('viewPoints', () => {
  it('draws the held level from the range start when the only points lie before the range', () => {
    const line = lineOf([{ t: 0, v: 3 }, { t: 10, v: 5 }]);
    expect(viewPoints(line, [20, 100], 50, 10)).toEqual([{ t: 20, v: 5 }]);
    expect(viewPoints(line, [20, 100], -1, 10)).toEqual([]);
  });

  it('keeps a one-point spike inside a column of thousands (M4 keeps min and max)', () => {
    const points = Array.from({ length: 4000 }, (_, i) => ({ t: i, v: i === 1234 ? 99 : 1 }));
    const shown = viewPoints(lineOf(points), [0, 4000], 4000, 10);
    expect(shown.length).toBeLessThanOrEqual(40);
    expect(shown.some((p) => p.v === 99 && p.t === 1234)).toBe(true);
  });

  it('gives exactly what clipping and downsampling every point gave, at any cursor, while scrubbing', () => {
    const point = fc.record({ t: fc.integer({ min: 0, max: 2000 }), v: fc.integer({ min: -5, max: 50 }) });
    fc.assert(
      fc.property(
        fc.array(point, { maxLength: 600, size: 'max' }),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.integer({ min: -100, max: 2100 }), { minLength: 1, maxLength: 8 }),
        (raw, a, b, columns, cursors) => {
          const line = lineOf([...raw].sort((p, q) => p.t - q.t));
          const range: [number, number] = [Math.min(a, b), Math.max(a, b)];
          // The same line and range over several cursors: the cached columns must not go stale.
          for (const t of cursors) expect(viewPoints(line, range, t, columns)).toEqual(before(line, range, t, columns));
        },
      ),
      { seed, numRuns: 300 },
    );
  });
});
