// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { segmentBars } from './segment-bars.ts';

// Replay a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`segment-bars property seed: ${seed} (set FC_SEED to replay)`);

/** circuit-breaker-states on a phone: 70 s over 276 px, a 400 ms HALF_OPEN is 1.6 px. */
const px = (ms: number): number => 44 + (ms / 70_000) * 276;
const story = [
  { s: 'CLOSED', x0: px(0), x1: px(20_820) },
  { s: 'OPEN', x0: px(20_820), x1: px(31_000) },
  { s: 'HALF_OPEN', x0: px(31_000), x1: px(31_420) },
  { s: 'OPEN', x0: px(31_420), x1: px(41_600) },
];

describe('segmentBars (the state-machine timeline, "half-open slivers")', () => {
  it('draws a 400 ms HALF_OPEN at least 6 px wide and clickable over 14 px, centred on its true middle', () => {
    const bars = segmentBars(story, px(0), px(45_000), 6, 14);
    const half = bars.find((b) => b.s === 'HALF_OPEN')!;
    expect(half.x1 - half.x0).toBeLessThan(2);
    expect(half.drawX1 - half.drawX0).toBeCloseTo(6);
    expect(half.hitX1 - half.hitX0).toBeCloseTo(14);
    expect((half.drawX0 + half.drawX1) / 2).toBeCloseTo((half.x0 + half.x1) / 2);
    expect(half.widened).toBe(true);
    // Painted last, over the OPEN stretches around it; the long ones keep their true extent.
    expect(bars.map((b) => b.s)).toEqual(['CLOSED', 'OPEN', 'OPEN', 'HALF_OPEN']);
    for (const b of bars.filter((b) => b.s !== 'HALF_OPEN')) expect([b.drawX0, b.drawX1, b.widened]).toEqual([b.x0, b.x1, false]);
  });

  it('never draws past the cursor: a state entered at the cursor grows leftwards, into the known past', () => {
    const cursor = px(31_000);
    const bars = segmentBars(story.slice(0, 3).map((b) => ({ ...b, x1: Math.min(b.x1, cursor) })), px(0), cursor, 6, 14);
    const half = bars.find((b) => b.s === 'HALF_OPEN')!;
    expect(half.drawX1).toBeCloseTo(cursor);
    expect(half.drawX1 - half.drawX0).toBeCloseTo(6);
    expect(half.hitX1).toBeCloseTo(cursor);
  });

  it('keeps every bar inside the drawable range, at least min(minPx, range) wide, and covering its true extent (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 12 }),
        fc.double({ min: 0, max: 600, noNaN: true }),
        fc.double({ min: 1, max: 600, noNaN: true }),
        fc.integer({ min: 1, max: 10 }),
        (cuts, lo, span, minPx) => {
          const hi = lo + span;
          const xs = [lo, ...cuts.map((c) => lo + c * span).sort((a, b) => a - b), hi];
          const raw = xs.slice(1).map((x1, i) => ({ s: i, x0: xs[i]!, x1 }));
          const bars = segmentBars(raw, lo, hi, minPx, minPx * 2);
          expect(bars.map((b) => b.s).sort((a, b) => a - b)).toEqual(raw.map((b) => b.s));
          for (const b of bars) {
            expect(b.drawX0).toBeGreaterThanOrEqual(lo - 1e-9);
            expect(b.drawX1).toBeLessThanOrEqual(hi + 1e-9);
            expect(b.drawX1 - b.drawX0).toBeGreaterThanOrEqual(Math.min(minPx, span) - 1e-9);
            expect(b.drawX0).toBeLessThanOrEqual(b.x0 + 1e-9);
            expect(b.drawX1).toBeGreaterThanOrEqual(b.x1 - 1e-9);
            expect(b.hitX0).toBeLessThanOrEqual(b.drawX0 + 1e-9);
            expect(b.hitX1).toBeGreaterThanOrEqual(b.drawX1 - 1e-9);
          }
        },
      ),
      { seed, numRuns: 300 },
    );
  });
});
