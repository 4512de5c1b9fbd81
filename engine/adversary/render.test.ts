import { describe, expect, it } from 'vitest';
import { trafficOf } from './render.ts';

describe('trafficOf', () => {
  it('writes equal instants as one burst and runs of lone instants as at: lists, in order', () => {
    expect(trafficOf([500, 59_999, 60_000, 60_000, 60_000, 61_000, 62_500])).toEqual([
      { at: ['500ms', '59.999s'] },
      { burst: { at: '1m0s', count: 3 } },
      { at: ['1m1s', '1m2.5s'] },
    ]);
    expect(trafficOf([])).toEqual([]);
  });
});
