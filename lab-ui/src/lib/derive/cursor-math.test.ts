// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { advance, clampTime, mergeSteps, nearestSpeed, nextSpeed, nextStep, prevStep, SPEEDS } from './cursor-math.ts';
import { captionAt, nextNarration, prevNarration } from './narration.ts';
import { formatClock, formatDuration, formatOffset, parseClock } from './time-format.ts';

const steps = Float64Array.from([0, 59_000, 59_005, 61_000]);

describe('stepping', () => {
  it('finds the next and previous distinct event times', () => {
    expect(nextStep(steps, 0)).toBe(59_000);
    expect(nextStep(steps, 59_000)).toBe(59_005);
    expect(nextStep(steps, 61_000)).toBeNull();
    expect(prevStep(steps, 59_005)).toBe(59_000);
    expect(prevStep(steps, 0)).toBeNull();
  });
  it('merges the steps of several panels', () => {
    expect([...mergeSteps([Float64Array.from([1, 3]), Float64Array.from([2, 3, 5])])]).toEqual([1, 2, 3, 5]);
  });
  it('clamps time into the run', () => {
    expect(clampTime(-5, 100)).toBe(0);
    expect(clampTime(500, 100)).toBe(100);
    expect(clampTime(Number.NaN, 100)).toBe(0);
  });
});

describe('speed', () => {
  it('spans 0.1× to 1000× and steps through the ladder', () => {
    expect(SPEEDS[0]).toBe(0.1);
    expect(SPEEDS[SPEEDS.length - 1]).toBe(1000);
    expect(nextSpeed(1, 1)).toBe(2);
    expect(nextSpeed(1000, 1)).toBe(1000);
    expect(nextSpeed(0.1, -1)).toBe(0.1);
    expect(nearestSpeed(3)).toBe(2);
  });
});

describe('advance', () => {
  it('moves by wall time × speed', () => {
    expect(advance({ t: 59_000, dtWall: 16, speed: 1, endT: 120_000, steps })).toEqual({ t: 59_016, ended: false });
  });
  it('skips a quiet stretch, landing just before the next event', () => {
    const r = advance({ t: 0, dtWall: 16, speed: 1, endT: 120_000, steps });
    expect(r.t).toBe(59_000 - 400);
  });
  it('stops at the end', () => {
    expect(advance({ t: 119_990, dtWall: 100, speed: 1, endT: 120_000, steps: Float64Array.from([]) })).toEqual({ t: 120_000, ended: true });
  });
});

describe('narration', () => {
  const n = [{ t: 0, text: 'a' }, { t: 59_000, text: 'b' }, { t: 61_000, text: 'c' }];
  it('shows the last caption at or before t', () => {
    expect(captionAt(n, 60_000)?.text).toBe('b');
    expect(captionAt([{ t: 10, text: 'x' }], 5)).toBeNull();
  });
  it('steps between narration points', () => {
    expect(nextNarration(n, 0)).toBe(59_000);
    expect(nextNarration(n, 61_000)).toBeNull();
    expect(prevNarration(n, 61_000)).toBe(59_000);
  });
});

describe('time format', () => {
  const start = Date.UTC(2026, 0, 1, 12);
  it('prints the scenario clock in UTC', () => {
    expect(formatClock(start, 62_000)).toBe('12:01:02.000');
    expect(formatClock(start, 62_000, false)).toBe('12:01:02');
    expect(formatOffset(62_250)).toBe('+1:02.250');
  });
  it('parses a clock back to an offset', () => {
    expect(parseClock('12:01:02', start)).toBe(62_000);
    expect(parseClock('12:00:59.5', start)).toBe(59_500);
    expect(parseClock('soon', start)).toBeNull();
  });
  it('prints durations', () => {
    expect(formatDuration(5.7)).toBe('5.7 ms');
    expect(formatDuration(1200)).toBe('1.20 s');
    expect(formatDuration(null)).toBe('—');
  });
});
