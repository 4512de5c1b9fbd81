/** Quantities and int-or-percent values, as k8s.io/apimachinery reads and scales them. */
import { describe, expect, it } from 'vitest';
import { resolveFenceposts } from './deployment.ts';
import { parseCpuMillis, parseIntOrPercent, parseMemoryBytes, scaleIntOrPercent } from './quantity.ts';

describe('resource quantities', () => {
  it.each([
    ['250m', 250],
    ['1', 1000],
    ['0.5', 500],
    ['1.5', 1500],
    [2, 2000],
    ['100u', undefined],
    ['abc', undefined],
    ['-1', undefined],
  ])('cpu %s → %s millicores', (raw, want) => {
    expect(parseCpuMillis(raw)).toBe(want);
  });

  it.each([
    ['256Mi', 268_435_456],
    ['1Gi', 1_073_741_824],
    ['1G', 1_000_000_000],
    ['128974848', 128_974_848],
    ['129e6', 129_000_000],
    ['123Mi', 128_974_848],
    ['1GB', undefined],
  ])('memory %s → %s bytes', (raw, want) => {
    expect(parseMemoryBytes(raw)).toBe(want);
  });
});

describe('int or percent', () => {
  it('reads integers and "N%", and refuses other strings', () => {
    expect(parseIntOrPercent(1)).toEqual({ kind: 'int', value: 1 });
    expect(parseIntOrPercent('25%')).toEqual({ kind: 'percent', value: 25 });
    expect(parseIntOrPercent('1')).toBeUndefined();
    expect(parseIntOrPercent(-1)).toBeUndefined();
  });

  it('scales a percentage of a total, rounding as asked', () => {
    expect(scaleIntOrPercent({ kind: 'percent', value: 25 }, 10, true)).toBe(3);
    expect(scaleIntOrPercent({ kind: 'percent', value: 25 }, 10, false)).toBe(2);
    expect(scaleIntOrPercent({ kind: 'percent', value: 25 }, 4, false)).toBe(1);
    expect(scaleIntOrPercent({ kind: 'int', value: 2 }, 10, false)).toBe(2);
  });

  it('resolves the rolling-update fenceposts: surge up, unavailable down, never both 0', () => {
    const p = (value: number) => ({ kind: 'percent' as const, value });
    expect(resolveFenceposts(3, p(25), p(25))).toEqual({ surge: 1, unavailable: 0 });
    expect(resolveFenceposts(10, p(25), p(25))).toEqual({ surge: 3, unavailable: 2 });
    const tiny = resolveFenceposts(1, { kind: 'int', value: 0 }, p(25));
    expect(tiny).toMatchObject({ surge: 0, unavailable: 1 });
    expect(tiny.note).toContain('both round to 0');
  });
});
