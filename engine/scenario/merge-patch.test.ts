import { describe, expect, it } from 'vitest';
import { mergePatch } from './merge-patch.ts';

describe('mergePatch follows RFC 7396', () => {
  // The examples of RFC 7396, Appendix A.
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j patched with %j is %j', (target, patch, result) => {
    expect(mergePatch(target, patch).value).toEqual(result);
  });

  it('does not mutate its inputs', () => {
    const target = { a: { b: 1, c: 2 } };
    const patch = { a: { b: null } };
    mergePatch(target, patch);
    expect(target).toEqual({ a: { b: 1, c: 2 } });
    expect(patch).toEqual({ a: { b: null } });
  });

  it('reports the paths it wrote and deleted', () => {
    const { changes } = mergePatch({ a: { b: 1, c: 2 }, d: [1] }, { a: { b: null, e: 3 }, d: [2] });
    expect(changes).toEqual([
      { path: ['a', 'b'], deleted: true },
      { path: ['a', 'e'], deleted: false },
      { path: ['d'], deleted: false },
    ]);
  });

  it('replaces whole at the given paths, keeping nulls inside as written', () => {
    const target = { gateway: { config: { services: [1], plugins: [2] }, format: 'kong' } };
    const patch = { gateway: { config: { plugins: [], routes: null } } };
    const { value, changes } = mergePatch(target, patch, { replaceWhole: [['gateway', 'config']] });
    expect(value).toEqual({ gateway: { config: { plugins: [], routes: null }, format: 'kong' } });
    expect(changes).toEqual([{ path: ['gateway', 'config'], deleted: false }]);
  });

  it('keeps a __proto__ key as data, never as a prototype', () => {
    const patch = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    const { value } = mergePatch({}, patch);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
