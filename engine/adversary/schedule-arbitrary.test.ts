import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scheduleArbitrary } from './schedule-arbitrary.ts';

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`engine/adversary schedule property seed: ${seed} (pin with FC_SEED=${seed})`);

describe('scheduleArbitrary', () => {
  it('gives sorted whole-ms instants inside the run, at most `cap` of them (fast-check)', () => {
    const shape = { durationMs: 120_000, windowMs: 60_000, max: 100 };
    fc.assert(
      fc.property(scheduleArbitrary(shape), (schedule) => {
        // One plain check per instant (an expect() per instant would make 300 runs slow).
        const bad = schedule.findIndex(
          (t, i) => !Number.isInteger(t) || t < 0 || t > shape.durationMs || (i > 0 && t < (schedule[i - 1] as number)),
        );
        expect(bad, `instant #${bad} of ${JSON.stringify(schedule.slice(0, 20))}…`).toBe(-1);
        expect(schedule.length).toBeLessThanOrEqual(400);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('clusters: most schedules repeat an instant (bursts), not a uniform scatter', () => {
    const samples = fc.sample(scheduleArbitrary({ durationMs: 120_000, windowMs: 60_000, max: 10, cap: 25 }), { seed, numRuns: 200 });
    const bursty = samples.filter((s) => new Set(s).size < s.length).length;
    // Uniform instants over two minutes would repeat in well under 1 % of 25-request schedules.
    expect(bursty).toBeGreaterThan(60);
    for (const s of samples) expect(s.length).toBeLessThanOrEqual(25);
  });
});
