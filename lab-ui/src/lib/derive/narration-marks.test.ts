// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupMarks, markTarget } from './narration-marks.ts';

// Replay a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`narration-marks property seed: ${seed} (set FC_SEED to replay)`);

/** boundary-burst's narration points (0 s, 59 s, 1 min, 61 s, 62 s) over its two minutes. */
const BURST = [0, 59_000, 60_000, 61_000, 62_000];

describe('narration marks under the scrubber', () => {
  it('keeps every mark alone where they are far enough apart (1440 px: 11 px between seconds)', () => {
    expect(groupMarks(BURST, 120_000, 1390, 10).map((g) => g.times)).toEqual(BURST.map((t) => [t]));
  });

  it('makes one button of the marks that covered each other on a phone (3 px apart)', () => {
    const groups = groupMarks(BURST, 120_000, 340, 12);
    expect(groups.map((g) => g.times)).toEqual([[0], [59_000, 60_000, 61_000, 62_000]]);
    expect(groups[1]!.at).toBeCloseTo(60_500 / 120_000);
  });

  it('goes through a group one press at a time, then back to its first point', () => {
    const [, heap] = groupMarks(BURST, 120_000, 340, 12);
    let t = 30_000;
    const visited: number[] = [];
    for (let i = 0; i < 5; i++) visited.push((t = markTarget(heap!, t)));
    expect(visited).toEqual([59_000, 60_000, 61_000, 62_000, 59_000]);
  });

  it('leaves every point reachable, in order, and no two buttons closer than a mark (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 100_000 }), { maxLength: 20 }), fc.integer({ min: 50, max: 1600 }), (raw, px) => {
        const times = [...raw].sort((a, b) => a - b);
        const groups = groupMarks(times, 100_000, px, 12);
        expect(groups.flatMap((g) => g.times)).toEqual(times);
        // Buttons closer than a mark's width would cover each other again.
        for (let i = 1; i < groups.length; i++) {
          const gap = ((groups[i]!.times[0]! - groups[i - 1]!.times.at(-1)!) / 100_000) * px;
          expect(gap).toBeGreaterThanOrEqual(12);
        }
      }),
      { seed, numRuns: 300 },
    );
  });
});
