// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { zeroCounts, type ClientRates } from '../derive/rates.ts';
import { barAt, rateBars } from './rate-bars.ts';

const series: ClientRates = {
  client: 'c1',
  peak: 5,
  buckets: [
    { t0: 0, t1: 1000, value: { ...zeroCounts(), ok: 3, rejected: 2 } },
    { t0: 1000, t1: 2000, value: zeroCounts() },
    { t0: 2000, t1: 3000, value: { ...zeroCounts(), ok: 1 } },
  ],
};
// One pixel per 10 ms; 10 pixels per request per second, the axis' zero at y = 100.
const x = (t: number): number => t / 10;
const y = (v: number): number => 100 - v * 10;

describe('rate bars', () => {
  it('stacks each bucket bottom-up by outcome, skipping empty buckets and those outside the range', () => {
    const bars = rateBars(series, [0, 3000], x, y, 99, 1);
    expect(bars.map((b) => [b.outcome, b.x, b.y, b.h, b.count])).toEqual([
      ['ok', 0, 70, 30, 3],
      ['rejected', 0, 50, 20, 2],
      ['ok', 200, 90, 10, 1],
    ]);
    expect(rateBars(series, [1500, 3000], x, y, 99, 1).map((b) => b.t0)).toEqual([2000]);
  });

  it('scales counts to a rate and keeps a visible height for a bar of one', () => {
    const [bar] = rateBars({ ...series, buckets: [{ t0: 0, t1: 100, value: { ...zeroCounts(), ok: 1 } }] }, [0, 100], x, (v) => 100 - v * 0.01, 5, 10);
    expect(bar?.h).toBe(0.5);
  });

  it('finds the bar under a point and nothing between bars', () => {
    const bars = rateBars(series, [0, 3000], x, y, 99, 1);
    expect(barAt(bars, 10, 60)?.outcome).toBe('rejected');
    expect(barAt(bars, 10, 80)?.outcome).toBe('ok');
    expect(barAt(bars, 150, 95)).toBeNull();
    expect(barAt(bars, 250, 95)?.t0).toBe(2000);
  });
});
