import { describe, expect, it } from 'vitest';
import { mergeOverlays } from './overlay.ts';
import { parseYaml } from './yaml-source.ts';

function doc(text: string, file: string) {
  const { docs, diagnostics } = parseYaml(text, file);
  expect(diagnostics).toEqual([]);
  const first = docs[0];
  if (!first) throw new Error('no document');
  return { value: first.value, map: first.map };
}

describe('mergeOverlays', () => {
  it('adds a top-level key and points its location at the overlay file', () => {
    const base = doc('services:\n  - name: a\n    url: http://a\n', 'base.yaml');
    const over = doc('_format_version: "3.0"\n', 'over.yaml');
    const out = mergeOverlays(base, [over]);
    expect(out.value).toEqual({ services: [{ name: 'a', url: 'http://a' }], _format_version: '3.0' });
    expect(out.map.locate(['_format_version'])).toEqual({ file: 'over.yaml', line: 1, col: 18 });
    expect(out.map.locate(['_format_version'], { key: true })).toEqual({ file: 'over.yaml', line: 1, col: 1 });
    expect(out.map.locate(['services', 0, 'url'])).toEqual({ file: 'base.yaml', line: 3, col: 10 });
  });

  it('merges objects key by key, recursively', () => {
    const base = doc('a:\n  b: 1\n  c:\n    d: 2\n', 'base.yaml');
    const over = doc('a:\n  c:\n    e: 3\n', 'over.yaml');
    expect(mergeOverlays(base, [over]).value).toEqual({ a: { b: 1, c: { d: 2, e: 3 } } });
  });

  it('merges lists of named entities element-wise and appends new ones', () => {
    const base = doc('plugins:\n  - name: jwt\n    config: {a: 1}\n  - name: cors\n', 'base.yaml');
    const over = doc('plugins:\n  - name: jwt\n    config: {b: 2}\n  - name: acl\n', 'over.yaml');
    const out = mergeOverlays(base, [over]);
    expect(out.value).toEqual({
      plugins: [{ name: 'jwt', config: { a: 1, b: 2 } }, { name: 'cors' }, { name: 'acl' }],
    });
    expect(out.map.locate(['plugins', 0, 'config', 'a']).file).toBe('base.yaml');
    expect(out.map.locate(['plugins', 0, 'config', 'b'])).toEqual({ file: 'over.yaml', line: 3, col: 17 });
    expect(out.map.locate(['plugins', 2, 'name'])).toEqual({ file: 'over.yaml', line: 4, col: 11 });
  });

  it('merges consumers by username', () => {
    const base = doc('consumers:\n  - username: ann\n    custom_id: "1"\n', 'base.yaml');
    const over = doc('consumers:\n  - username: ann\n    tags: [x]\n  - username: bob\n', 'over.yaml');
    expect(mergeOverlays(base, [over]).value).toEqual({
      consumers: [{ username: 'ann', custom_id: '1', tags: ['x'] }, { username: 'bob' }],
    });
  });

  it('replaces lists of scalars and the locations under them', () => {
    const base = doc('paths:\n  - /a\n  - /b\n  - /c\n', 'base.yaml');
    const over = doc('paths: [/z]\n', 'over.yaml');
    const out = mergeOverlays(base, [over]);
    expect(out.value).toEqual({ paths: ['/z'] });
    expect(out.map.has(['paths', 2])).toBe(false);
    expect(out.map.locate(['paths', 0]).file).toBe('over.yaml');
  });

  it('replaces a list whose identity keys repeat (two rate-limiting plugins on different routes)', () => {
    const base = doc('plugins:\n  - name: rl\n    route: a\n  - name: rl\n    route: b\n', 'base.yaml');
    const over = doc('plugins:\n  - name: rl\n    route: c\n', 'over.yaml');
    expect(mergeOverlays(base, [over]).value).toEqual({ plugins: [{ name: 'rl', route: 'c' }] });
  });

  it('replaces scalars, and an object by a scalar', () => {
    const base = doc('a: 1\nb: {c: 2}\n', 'base.yaml');
    const over = doc('a: 2\nb: null\n', 'over.yaml');
    const out = mergeOverlays(base, [over]);
    expect(out.value).toEqual({ a: 2, b: null });
    expect(out.map.has(['b', 'c'])).toBe(false);
  });

  it('applies overlays in order: the last one wins and owns the location', () => {
    const base = doc('a: 1\n', 'base.yaml');
    const one = doc('a: 2\n', 'one.yaml');
    const two = doc('\na: 3\n', 'two.yaml');
    const out = mergeOverlays(base, [one, two]);
    expect(out.value).toEqual({ a: 3 });
    expect(out.map.locate(['a'])).toEqual({ file: 'two.yaml', line: 2, col: 4 });
  });

  it('does not modify its inputs', () => {
    const base = doc('a: {b: [1]}\nl:\n  - name: x\n', 'base.yaml');
    const over = doc('a: {c: 2}\nl:\n  - name: x\n    v: 1\n', 'over.yaml');
    const before = JSON.stringify([base.value, over.value]);
    mergeOverlays(base, [over]);
    expect(JSON.stringify([base.value, over.value])).toBe(before);
    expect(base.map.has(['a', 'c'])).toBe(false);
  });

  it('lets an overlay replace a root that is not an object', () => {
    const base = doc('- 1\n- 2\n', 'base.yaml');
    const over = doc('a: 1\n', 'over.yaml');
    expect(mergeOverlays(base, [over]).value).toEqual({ a: 1 });
  });
});
