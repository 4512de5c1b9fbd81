import { describe, expect, it } from 'vitest';
import { encodeStringList, grownTo } from './string-store.ts';

describe('grownTo', () => {
  it('keeps the array when n fits, else doubles it, keeping the entries and the element type', () => {
    const a = new Int32Array([1, 2, 3, 4]);
    expect(grownTo(a, 4)).toBe(a);
    const b = grownTo(a, 9);
    expect(b).toBeInstanceOf(Int32Array);
    expect([...b]).toEqual([1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const c = grownTo(new Int16Array([-1, 7]), 3);
    expect(c).toBeInstanceOf(Int16Array);
    expect([...c]).toEqual([-1, 7, 0, 0]);
  });
});

describe('encodeStringList', () => {
  it('writes the list as JSON in UTF-8 after `used`, growing the array and keeping what came before', () => {
    const bytes = new Uint8Array(4);
    bytes.set([9, 8]);
    const fresh = ['é', 'a"b', '\ud800'];
    const { bytes: m, end } = encodeStringList(bytes, 2, fresh);
    expect(m).not.toBe(bytes);
    expect([...m.subarray(0, 2)]).toEqual([9, 8]);
    expect(new TextDecoder().decode(m.subarray(2, end))).toBe(JSON.stringify(fresh));
  });

  it('writes in place when there is room', () => {
    const bytes = new Uint8Array(64);
    const { bytes: m, end } = encodeStringList(bytes, 0, ['x']);
    expect(m).toBe(bytes);
    expect(new TextDecoder().decode(m.subarray(0, end))).toBe('["x"]');
  });
});
