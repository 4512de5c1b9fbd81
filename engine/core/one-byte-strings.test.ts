/**
 * one-byte-strings.ts changes how V8 stores strings, never what they say: every copy equals its
 * original, and a walked object is deep-equal to what it was. Set FC_SEED to replay a failing run.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { oneByteCopy, oneByteStringsInPlace } from './one-byte-strings.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] one-byte-strings seed=${seed} (replay: FC_SEED=${seed})`);
const params = { seed, numRuns: 300 };

/** Strings from every range that matters: ASCII, Latin-1, the BMP, astral pairs and lone surrogates. */
const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)) }),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
  // Longer than one fromCharCode chunk, so the chunked copy is exercised.
  fc.string({ minLength: 4000, maxLength: 9000 }),
);

describe('oneByteCopy', () => {
  it('returns a string equal to its input, whatever it holds', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        expect(oneByteCopy(s)).toBe(s);
      }),
      params,
    );
  });

  it('copies a two-byte-sourced ASCII slice and keeps a string with a character above U+00FF as it is', () => {
    const source = 'orders-api \u2014 the service';
    const slice = source.slice(0, 10);
    expect(oneByteCopy(slice)).toBe('orders-api');
    expect(oneByteCopy(source)).toBe(source);
    expect(oneByteCopy('caf\u00e9'.repeat(2000))).toBe('caf\u00e9'.repeat(2000));
  });
});

describe('oneByteStringsInPlace', () => {
  it('leaves any JSON value deep-equal to what it was, and returns the same root', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const before = structuredClone(value);
        const root = { value, list: [value, 'x\u2014y'] };
        expect(oneByteStringsInPlace(root)).toBe(root);
        expect(root).toEqual({ value: before, list: [before, 'x\u2014y'] });
      }),
      params,
    );
  });

  it('writes the copies into plain objects and arrays, and leaves frozen objects, class instances and Maps alone', () => {
    class Holder {
      name = 'kept';
    }
    const frozen = Object.freeze({ name: 'frozen' });
    const holder = new Holder();
    const map = new Map([['k', 'v']]);
    const cyclic: Record<string, unknown> = { name: 'cycle' };
    cyclic.self = cyclic;
    const root = { frozen, holder, map, cyclic, names: ['a', 'b'], nested: { deeper: { text: 'plain' } } };
    oneByteStringsInPlace(root);
    expect(root.frozen).toBe(frozen);
    expect(root.holder).toBe(holder);
    expect(root.map).toBe(map);
    expect(root.cyclic.self).toBe(cyclic);
    expect(root).toEqual({ frozen: { name: 'frozen' }, holder, map, cyclic, names: ['a', 'b'], nested: { deeper: { text: 'plain' } } });
  });

  it('is a no-op on primitives', () => {
    expect(oneByteStringsInPlace('text')).toBe('text');
    expect(oneByteStringsInPlace(null)).toBe(null);
    expect(oneByteStringsInPlace(3)).toBe(3);
  });
});
