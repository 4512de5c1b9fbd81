// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frame, tickAnchor, tickSpacing, timeScale, timeTicks } from './axis.ts';

// Replay a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`axis property seed: ${seed} (set FC_SEED to replay)`);

const START = Date.UTC(2026, 0, 1, 12);
const CHAR = 6.3;

/** The drawn extent of a tick label, as Axes.svelte anchors it. */
function box(f: ReturnType<typeof frame>, t: { x: number; label: string }): [number, number] {
  const w = t.label.length * CHAR;
  return tickAnchor(f, t.x) === 'end' ? [t.x - w, t.x] : [t.x - w / 2, t.x + w / 2];
}

describe('timeTicks', () => {
  it('keeps wall-clock labels apart on a phone-width chart (canary-ramp at 390 px)', () => {
    // The panel's chart is about 330 px wide there: five labels used to overlap.
    const f = frame(330, 80);
    const ticks = timeTicks(timeScale(f, [0, 120_000]), START);
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(ticks.length).toBeLessThan(5);
    for (let i = 1; i < ticks.length; i++) expect(box(f, ticks[i]!)[0]).toBeGreaterThan(box(f, ticks[i - 1]!)[1]);
  });

  it('leaves a wide chart its ticks as before', () => {
    const f = frame(1200, 80);
    const x = timeScale(f, [0, 120_000]);
    expect(timeTicks(x, START).map((t) => t.x)).toEqual(x.ticks(5).map((t) => x(t)));
  });

  it('never draws two labels over each other, at any width and range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 120, max: 1800 }), fc.integer({ min: 0, max: 600_000 }), fc.integer({ min: 1, max: 3_600_000 }), (width, t0, span) => {
        const f = frame(width, 80);
        const ticks = timeTicks(timeScale(f, [t0, t0 + span]), START);
        for (let i = 1; i < ticks.length; i++) {
          expect(ticks[i]!.x - ticks[i - 1]!.x).toBeGreaterThanOrEqual(tickSpacing(ticks[i]!.label.length) - 1e-9);
          expect(box(f, ticks[i]!)[0]).toBeGreaterThan(box(f, ticks[i - 1]!)[1]);
        }
      }),
      { seed, numRuns: 400 },
    );
  });
});
