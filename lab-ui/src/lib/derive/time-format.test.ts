// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatClock, formatClockParts, formatMoment, formatOffset, parseClock } from './time-format.ts';

// Replay a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`time-format property seed: ${seed} (set FC_SEED to replay)`);

const NOON = Date.UTC(2026, 0, 1, 12);

describe('formatMoment (the caption clock, "caption clock fraction")', () => {
  it('writes the fraction a narration point has, and none when it has none', () => {
    // circuit-breaker-states narrates at 20 s and at 20.9 s: both captions read "12:00:20" before.
    expect(formatMoment(NOON, 20_000)).toBe('12:00:20');
    expect(formatMoment(NOON, 20_900)).toBe('12:00:20.9');
    expect(formatMoment(NOON, 59_500)).toBe('12:00:59.5');
    expect(formatMoment(NOON, 13_250)).toBe('12:00:13.25');
    expect(formatMoment(NOON, 0)).toBe('12:00:00');
    expect(formatMoment(NOON, 60_000)).toBe('12:01:00');
    expect(formatMoment(NOON, 1_005)).toBe('12:00:01.005');
  });

  it('reads back through the Go box as the same millisecond (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3_600_000 }), (ms) => {
        expect(parseClock(formatMoment(NOON, ms), NOON)).toBe(ms);
      }),
      { seed, numRuns: 500 },
    );
  });
});

describe('formatClock (every time label in the lab)', () => {
  it('writes the millisecond an instant is in, as a clock does, not the nearest one', () => {
    // kong-bottleneck's trace view: "t": 8360.717 under the label 12:00:08.361.
    expect(formatClock(NOON, 8_360.717)).toBe('12:00:08.360');
    expect(formatClock(NOON, 8_190.37)).toBe('12:00:08.190');
    expect(formatClock(NOON, 59_999.99999999)).toBe('12:01:00.000');
    expect(formatClock(NOON, 62_000)).toBe('12:01:02.000');
    expect(formatClock(NOON, 62_999.6, false)).toBe('12:01:02');
    // The offset under the player's clock counts the same millisecond.
    expect(formatOffset(8_360.717)).toBe('+0:08.360');
    expect(formatOffset(59_999.99999999)).toBe('+1:00.000');
  });
});

describe('formatClockParts (the player clock between milliseconds)', () => {
  it('shows the microseconds that kong-bottleneck steps by, and nothing more on a whole millisecond', () => {
    // → from 20000.1977 to 20000.7652: the clock said 12:00:20.000 and then 12:00:20.001 (rounded up).
    expect(formatClockParts(NOON, 20_000.1976561734)).toEqual({ ms: '12:00:20.000', micros: '198' });
    expect(formatClockParts(NOON, 20_000.7651585428)).toEqual({ ms: '12:00:20.000', micros: '765' });
    expect(formatClockParts(NOON, 59_000)).toEqual({ ms: '12:00:59.000', micros: '' });
    // Float noise below half a microsecond is a whole millisecond.
    expect(formatClockParts(NOON, 61_500.0000001)).toEqual({ ms: '12:01:01.500', micros: '' });
    expect(formatClockParts(NOON, 8_190.9999)).toEqual({ ms: '12:00:08.191', micros: '' });
  });

  it('reads as the cursor\'s time to the microsecond, and tells apart instants a microsecond apart (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3_600_000_000 }), fc.integer({ min: 1, max: 999 }), (us, step) => {
        const t = us / 1000;
        const p = formatClockParts(NOON, t);
        const shown = (parseClock(p.ms, NOON) as number) + Number(p.micros || '0') / 1000;
        expect(Math.abs(shown - t)).toBeLessThan(1e-6);
        const q = formatClockParts(NOON, (us + step) / 1000);
        expect(`${q.ms}${q.micros}`).not.toBe(`${p.ms}${p.micros}`);
        if (!p.micros) expect(p.ms).toBe(formatClock(NOON, t));
        // What the clock shows can be typed into Go and lands on the same instant.
        expect(parseClock(`${p.ms}${p.micros}`, NOON)).toBeCloseTo(t, 6);
      }),
      { seed, numRuns: 500 },
    );
  });
});
