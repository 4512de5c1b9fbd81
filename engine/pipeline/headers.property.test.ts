/**
 * The flat, copy-on-write HeaderMap against the three-array map it replaced (kept below as the
 * reference): any sequence of writes over a family of clones reads the same through every accessor,
 * so sharing storage between clones never lets one clone's write show in another.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeaderMap, lowerHeaderName } from './headers.ts';

// Pin a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`headers property seed: ${seed} (set FC_SEED to replay)`);

/** The previous implementation: three parallel arrays, copied in full by every clone. */
class ReferenceHeaderMap {
  private spelled: string[] = [];
  private lowers: string[] = [];
  private values: string[] = [];

  clone(): ReferenceHeaderMap {
    const out = new ReferenceHeaderMap();
    out.spelled = this.spelled.slice();
    out.lowers = this.lowers.slice();
    out.values = this.values.slice();
    return out;
  }

  has(name: string): boolean {
    return this.lowers.includes(name.toLowerCase());
  }

  get(name: string): string | undefined {
    const at = this.lowers.indexOf(name.toLowerCase());
    return at < 0 ? undefined : this.values[at];
  }

  getAll(name: string): string[] {
    const lower = name.toLowerCase();
    return this.values.filter((_, i) => this.lowers[i] === lower);
  }

  set(name: string, value: string): void {
    const lower = name.toLowerCase();
    const at = this.lowers.indexOf(lower);
    if (at < 0) return this.append(name, value);
    this.spelled[at] = name;
    this.values[at] = value;
    for (let i = this.lowers.length - 1; i > at; i--) if (this.lowers[i] === lower) this.removeAt(i);
  }

  append(name: string, value: string): void {
    this.spelled.push(name);
    this.lowers.push(name.toLowerCase());
    this.values.push(value);
  }

  delete(name: string): boolean {
    const lower = name.toLowerCase();
    let removed = false;
    for (let i = this.lowers.length - 1; i >= 0; i--) {
      if (this.lowers[i] === lower) {
        this.removeAt(i);
        removed = true;
      }
    }
    return removed;
  }

  names(): string[] {
    return [...new Set(this.lowers)];
  }

  list(): Array<[string, string]> {
    return this.spelled.map((n, i) => [n, this.values[i] as string]);
  }

  toJSON(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    this.lowers.forEach((lower, i) => {
      const v = this.values[i] as string;
      const prev = out[lower];
      if (prev === undefined) out[lower] = v;
      else if (Array.isArray(prev)) prev.push(v);
      else out[lower] = [prev, v];
    });
    return out;
  }

  private removeAt(i: number): void {
    this.spelled.splice(i, 1);
    this.lowers.splice(i, 1);
    this.values.splice(i, 1);
  }
}

const NAMES = ['Host', 'host', 'HOST', 'X-Api-Key', 'x-api-key', 'Via', 'Connection', 'connection', 'TE', 'İd', 'ß-Tag'];
const name = fc.constantFrom(...NAMES);
const value = fc.constantFrom('', 'a', 'b', 'keep-alive', 'x, y');

type Op =
  | { op: 'append' | 'set'; target: number; name: string; value: string }
  | { op: 'delete'; target: number; name: string }
  | { op: 'clone'; target: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constantFrom('append' as const, 'set' as const), target: fc.nat(7), name, value }),
  fc.record({ op: fc.constant('delete' as const), target: fc.nat(7), name }),
  fc.record({ op: fc.constant('clone' as const), target: fc.nat(7) }),
);

function expectSame(real: HeaderMap, ref: ReferenceHeaderMap): void {
  const lines = ref.list();
  expect(real.list()).toEqual(lines);
  expect(real.toJSON()).toEqual(ref.toJSON());
  expect(real.names()).toEqual(ref.names());
  expect(real.size).toBe(lines.length);
  for (const n of NAMES) {
    expect(real.get(n)).toBe(ref.get(n));
    expect(real.getAll(n)).toEqual(ref.getAll(n));
    expect(real.count(n)).toBe(ref.getAll(n).length);
    expect(real.has(n)).toBe(ref.has(n));
  }
  for (let i = 0; i < real.size; i++) {
    expect([real.nameAt(i), real.valueAt(i)]).toEqual(lines[i]);
    expect(real.lowerAt(i)).toBe(real.nameAt(i).toLowerCase());
  }
}

describe('HeaderMap (flat, copy on write) against the three-array reference', () => {
  it('any writes over any family of clones read the same everywhere (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value)), fc.array(op, { maxLength: 30 }), (init, ops) => {
        const pairs: Array<[HeaderMap, ReferenceHeaderMap]> = [[new HeaderMap(init), init.reduce((m, [n, v]) => (m.append(n, v), m), new ReferenceHeaderMap())]];
        for (const o of ops) {
          const [real, ref] = pairs[o.target % pairs.length] as [HeaderMap, ReferenceHeaderMap];
          if (o.op === 'clone') pairs.push([o.target % 2 ? real.clone() : new HeaderMap(real), ref.clone()]);
          else if (o.op === 'append') (real.append(o.name, o.value), ref.append(o.name, o.value));
          else if (o.op === 'set') (real.set(o.name, o.value), ref.set(o.name, o.value));
          else expect(real.delete(o.name)).toBe(ref.delete(o.name));
          expectSame(real, ref);
        }
        // A write that leaked into a sharing clone stays visible: checking every map once at the end finds it.
        for (const [r, m] of pairs) expectSame(r, m);
      }),
      { seed, numRuns: 100 },
    );
  });

  it('lowerHeaderName is toLowerCase, remembered or not', () => {
    for (const n of [...NAMES, 'X-Consumer-ID', 'X-Consumer-ID']) expect(lowerHeaderName(n)).toBe(n.toLowerCase());
  });

  it('a write to the original after a clone leaves the clone as it was', () => {
    const original = new HeaderMap([['A', '1']]);
    const copy = original.clone();
    original.set('a', '2');
    original.append('B', '3');
    expect(copy.list()).toEqual([['A', '1']]);
    expect(original.list()).toEqual([['a', '2'], ['B', '3']]);
  });
});
