import { describe, expect, it } from 'vitest';
import { HeaderMap } from './headers.ts';

describe('HeaderMap', () => {
  it('is case-insensitive, keeps order and repeated values', () => {
    const h = new HeaderMap([
      ['X-Api-Key', 'k1'],
      ['Accept', 'a'],
      ['x-api-key', 'k2'],
    ]);
    expect(h.get('x-API-key')).toBe('k1');
    expect(h.getAll('X-API-KEY')).toEqual(['k1', 'k2']);
    expect(h.toJSON()).toEqual({ 'x-api-key': ['k1', 'k2'], accept: 'a' });
  });

  it('set replaces every value in place; delete removes all', () => {
    const h = new HeaderMap([
      ['A', '1'],
      ['B', '2'],
      ['a', '3'],
    ]);
    h.set('a', 'x');
    expect(h.list()).toEqual([
      ['a', 'x'],
      ['B', '2'],
    ]);
    expect(h.delete('b')).toBe(true);
    expect(h.delete('b')).toBe(false);
    expect(h.names()).toEqual(['a']);
  });
});
