import fc from 'fast-check';
import { curveStepAfter, line, scaleLinear } from 'd3';
import { describe, expect, it } from 'vitest';
import type { SeriesPoint } from './limiter.ts';
import { StepPath, type Coordinate } from './step-path.ts';

// Replay a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`step-path property seed: ${seed} (set FC_SEED to replay)`);

/** What the charts drew with before: d3's step line, 3 decimals. */
function d3Path(points: readonly SeriesPoint[], x: Coordinate, y: Coordinate): string {
  return line<SeriesPoint>().x((p) => x(p.t)).y((p) => y(p.v)).curve(curveStepAfter)(points) ?? '';
}

const scale = (d0: number, d1: number, r0: number, r1: number): Coordinate => {
  const s = scaleLinear().domain([d0, d1]).range([r0, r1]);
  return (v) => s(v);
};

describe('StepPath', () => {
  it('writes what d3 writes for no point, one point and a few', () => {
    const x = scale(0, 10, 0, 333);
    const y = scale(0, 7, 90, 3);
    const path = new StepPath();
    for (const points of [[], [{ t: 1, v: 2 }], [{ t: 1, v: 2 }, { t: 2.5, v: 0 }, { t: 9.99, v: 6.5 }]]) {
      expect(path.path(points, x, y)).toBe(d3Path(points, x, y));
    }
  });

  it('keeps the common start of the previous points and rewrites only the rest', () => {
    const x = scale(0, 100, 0, 1000);
    const y = scale(0, 10, 50, 0);
    const all = Array.from({ length: 200 }, (_, i) => ({ t: i / 2, v: (i * 7) % 11 }));
    const path = new StepPath();
    for (const n of [10, 150, 40, 41, 200, 1, 0, 199]) {
      const points = [...all.slice(0, n), ...(n > 0 ? [{ t: n, v: 3 }] : [])];
      expect(path.path(points, x, y)).toBe(d3Path(points, x, y));
    }
  });

  it('equals d3 over any sequence of point lists and scales (shared starts, odd numbers)', () => {
    const num = fc.oneof(
      { weight: 8, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
      { weight: 1, arbitrary: fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, 1e21, 5e-324, 0.0005, -0.0005) },
    );
    const point = fc.record({ t: num, v: num });
    const scales = [scale(0, 100, 0, 1234), scale(-5, 5, 10, 0), scale(0, 1, 0, 1)];
    const call = fc.record({ keep: fc.nat({ max: 40 }), more: fc.array(point, { maxLength: 12 }), sx: fc.nat({ max: 2 }), sy: fc.nat({ max: 2 }), moved: fc.option(fc.record({ at: fc.nat({ max: 40 }), t: fc.boolean() })) });
    fc.assert(
      fc.property(fc.array(call, { minLength: 1, maxLength: 12 }), (calls) => {
        const path = new StepPath();
        let prev: SeriesPoint[] = [];
        for (const c of calls) {
          // Most calls share a start with the previous points, as scrub steps do; some share none.
          const points = [...prev.slice(0, c.keep), ...c.more];
          // A kept point moved in t alone or in v alone: its text and what follows must change.
          const at = c.moved ? c.moved.at % Math.max(1, points.length) : -1;
          const old = points[at];
          if (c.moved && old) points[at] = c.moved.t ? { t: old.t + 1, v: old.v } : { t: old.t, v: old.v + 1 };
          const x = scales[c.sx] as Coordinate;
          const y = scales[c.sy] as Coordinate;
          expect(path.path(points, x, y)).toBe(d3Path(points, x, y));
          prev = points;
        }
      }),
      { seed, numRuns: 300 },
    );
  });
});
