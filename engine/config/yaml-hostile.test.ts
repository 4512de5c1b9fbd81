/**
 * The YAML entry (parseYaml) on hostile input: every limit answers with its own code at the line of
 * the node that crossed it, and nothing reaches a JavaScript prototype. Results are asserted, never
 * times (speed belongs in `npm run bench`).
 */
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../core/errors.ts';
import { parseYaml, SourceMap } from './yaml-source.ts';
import { utf8LengthOver, YAML_LIMITS } from './yaml-limits.ts';
import { loadGateway } from './load-gateway.ts';
import { loadScenarioText } from '../scenario/load.ts';

const errors = (text: string): Diagnostic[] => parseYaml(text, 'h.yaml').diagnostics.filter((d) => d.severity === 'error');
const where = (d: Diagnostic | undefined): string => `${d?.code} ${d?.loc?.line}:${d?.loc?.col}`;

describe('size', () => {
  it('a file over 5 MiB is one GL_E_YAML_TOO_LARGE at the line where the limit is crossed, with a hint', () => {
    const text = 'k: v\n'.repeat(Math.ceil(YAML_LIMITS.maxBytes / 5) + 10);
    const ds = errors(text);
    expect(ds).toHaveLength(1);
    expect(where(ds[0])).toBe(`GL_E_YAML_TOO_LARGE ${YAML_LIMITS.maxBytes / 5 + 1}:1`);
    expect(ds[0]?.hint).toMatch(/split the config/);
  });

  it('counts UTF-8 bytes, not characters', () => {
    expect(utf8LengthOver('é'.repeat(3_000_000), YAML_LIMITS.maxBytes)).toBe(true);
    expect(utf8LengthOver('e'.repeat(3_000_000), YAML_LIMITS.maxBytes)).toBe(false);
    expect(utf8LengthOver('😀'.repeat(1_400_000), YAML_LIMITS.maxBytes)).toBe(true);
  });
});

describe('nesting depth', () => {
  it('10k unclosed [ is GL_E_YAML_DEPTH at the first too-deep one, not a stack overflow', () => {
    expect(errors('['.repeat(10_000)).map(where)).toEqual([`GL_E_YAML_DEPTH 1:${YAML_LIMITS.maxDepth + 1}`]);
  });

  it('runaway block indentation is refused at the line of the too-deep mapping', () => {
    const text = Array.from({ length: 150 }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
    expect(errors(text).map(where)).toEqual([`GL_E_YAML_DEPTH ${YAML_LIMITS.maxDepth + 1}:${YAML_LIMITS.maxDepth + 1}`]);
  });

  it('exactly the limit is read; one more is not', () => {
    const nest = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    expect(errors(nest(YAML_LIMITS.maxDepth))).toEqual([]);
    expect(errors(nest(YAML_LIMITS.maxDepth + 1)).map((d) => d.code)).toEqual(['GL_E_YAML_DEPTH']);
  });

  it('nesting built from aliases of aliases counts too, at the alias that goes too deep', () => {
    const levels = 40;
    let text = `a0: &a0 ${'['.repeat(levels)}${']'.repeat(levels)}\n`;
    for (let i = 1; i < 4; i++) text += `a${i}: &a${i} ${'['.repeat(levels)}*a${i - 1}${']'.repeat(levels)}\n`;
    expect(errors(text).map(where)).toEqual([`GL_E_YAML_DEPTH 3:${8 + levels + 1}`]);
  });
});

describe('aliases', () => {
  it('a billion-laughs document is GL_E_YAML_ALIAS at an alias of the last level', () => {
    const rows = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [prev, name] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['e', 'f'], ['f', 'g']]) rows.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    const ds = errors(rows.join('\n'));
    expect(ds.map((d) => `${d.code} ${d.loc?.line}`)).toEqual(['GL_E_YAML_ALIAS 7']);
    expect(ds[0]?.hint).toMatch(/fewer aliases/);
  });

  it('many aliases of one flat anchor (which yaml\'s own counter lets through) are refused too', () => {
    const anchor = `a: &a {${Array.from({ length: 1000 }, (_, i) => `k${i}: ${i}`).join(', ')}}`;
    expect(errors(`${anchor}\nl: [${Array(2000).fill('*a').join(', ')}]\n`).map(where)).toEqual(['GL_E_YAML_ALIAS 2:5']);
  });

  it('ordinary anchors still work, and an alias takes the latest anchor of its name', () => {
    const r = parseYaml('base: &b {port: 80}\nuse: *b\nx: &b 1\ny: *b\n', 'h.yaml');
    expect(r.diagnostics).toEqual([]);
    expect(r.docs[0]?.value).toEqual({ base: { port: 80 }, use: { port: 80 }, x: 1, y: 1 });
  });
});

describe('duplicate keys', () => {
  it('each duplicate is an error at its line naming the first, up to a cap, then one summary', () => {
    const text = Array.from({ length: 10_000 }, (_, i) => `k${i % 5000}: ${i}`).join('\n');
    const ds = errors(text);
    expect(ds).toHaveLength(YAML_LIMITS.maxDuplicateReports + 1);
    expect(where(ds[0])).toBe('GL_E_YAML_SYNTAX 5001:1');
    expect(ds[0]?.message).toContain("duplicate key 'k0' (first on line 1)");
    expect(ds.at(-1)?.message).toContain(`this and ${5000 - YAML_LIMITS.maxDuplicateReports - 1} more duplicate keys`);
    expect(ds.at(-1)?.loc?.line).toBe(5001 + YAML_LIMITS.maxDuplicateReports);
  });

  it('keys that differ in YAML but collide in JavaScript (1 and "1") are duplicates too', () => {
    expect(errors('a:\n  1: x\n  "1": y\n').map(where)).toEqual(['GL_E_YAML_SYNTAX 3:3']);
  });
});

describe('prototype keys', () => {
  const HOSTILE = '__proto__: {polluted: 1}\nx:\n  constructor: {prototype: {polluted: 1}}\n  prototype: 1\n';

  it('__proto__, constructor and prototype are GL_E_YAML_KEY at the key', () => {
    expect(errors(HOSTILE).map(where)).toEqual(['GL_E_YAML_KEY 1:1', 'GL_E_YAML_KEY 3:3', 'GL_E_YAML_KEY 3:17', 'GL_E_YAML_KEY 4:3']);
  });

  it('no load path changes Object.prototype: the YAML entry, loadGateway, the scenario loader', () => {
    const before = Reflect.ownKeys(Object.prototype).length;
    parseYaml(HOSTILE, 'h.yaml');
    // A value built elsewhere (JSON.parse keeps __proto__ as an own key) straight into loadGateway,
    // with an overlay that merges the same key: the adapters and the overlay merge must not follow it.
    const hostile = () => ({ value: JSON.parse('{"__proto__": {"polluted": 1}, "_format_version": "3.0", "constructor": {"prototype": {"polluted": 1}}}') as unknown, map: new SourceMap('h.yaml') });
    loadGateway({ sources: [{ docs: [hostile()], file: 'h.yaml' }], overlays: [{ docs: [hostile()], file: 'o.yaml' }] });
    loadScenarioText(`id: x\n${HOSTILE}`, 's.yaml', () => HOSTILE);
    expect(Reflect.ownKeys(Object.prototype).length).toBe(before);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('keys named like other Object.prototype members are ordinary own keys', () => {
    const r = parseYaml('toString: a\nhasOwnProperty: b\n', 'h.yaml');
    expect(r.diagnostics).toEqual([]);
    expect(Object.hasOwn(r.docs[0]?.value as object, 'toString')).toBe(true);
  });
});

describe('numbers', () => {
  it('infinities, NaN and integers past 2^53 are GL_E_YAML_NUMBER at the value', () => {
    const text = 'a: 1e400\nb: 18446744073709551616\nc: .nan\nd: -.inf\ne: [1, .inf]\n';
    expect(errors(text).map(where)).toEqual(['GL_E_YAML_NUMBER 1:4', 'GL_E_YAML_NUMBER 2:4', 'GL_E_YAML_NUMBER 3:4', 'GL_E_YAML_NUMBER 4:4', 'GL_E_YAML_NUMBER 5:8']);
    expect(errors(text)[1]?.message).toContain('18446744073709551616');
  });

  it('-0 reads as 0; the largest safe integer and quoted huge numbers are fine', () => {
    const r = parseYaml('z: -0\nmax: 9007199254740991\nq: "1e400"\n', 'h.yaml');
    expect(r.diagnostics).toEqual([]);
    const v = r.docs[0]?.value as { z: number; max: number; q: string };
    expect(Object.is(v.z, 0)).toBe(true);
    expect(v.max).toBe(Number.MAX_SAFE_INTEGER);
    expect(v.q).toBe('1e400');
  });
});
