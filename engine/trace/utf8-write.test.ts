/**
 * The trace hash's UTF-8 writer: Node's Buffer writer and the encodeInto fallback must write the
 * bytes TextEncoder.encode gives, at any offset, for any text (2- to 4-byte characters, lone
 * surrogates). Set FC_SEED to replay a failing run.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeIntoWriter, nodeUtf8Writer, utf8Write, type Utf8Writer } from './utf8-write.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] utf8-write seed=${seed} (replay: FC_SEED=${seed})`);

const text = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  // Any UTF-16 code unit, lone surrogates included.
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
);

function check(write: Utf8Writer): void {
  fc.assert(
    fc.property(text, fc.nat({ max: 64 }), (s, offset) => {
      const want = new TextEncoder().encode(s);
      const into = new Uint8Array(offset + s.length * 3 + 8).fill(0xaa);
      const written = write(s, into, offset);
      expect(written).toBe(want.length);
      expect([...into.subarray(offset, offset + written)]).toEqual([...want]);
      // Nothing before the offset or after the text is touched.
      expect(into.subarray(0, offset).every((b) => b === 0xaa)).toBe(true);
      expect(into.subarray(offset + written).every((b) => b === 0xaa)).toBe(true);
    }),
    { seed, numRuns: 300 },
  );
}

describe('utf8Write', () => {
  it('Node has its native writer, and that is the one in use', () => {
    expect(nodeUtf8Writer).toBeDefined();
    expect(utf8Write).toBe(nodeUtf8Writer);
  });

  it('the native writer writes what TextEncoder encodes, at the offset, and nothing else', () => {
    check(nodeUtf8Writer as Utf8Writer);
  });

  it('the encodeInto fallback does too', () => {
    check(encodeIntoWriter);
  });

  it('a lone surrogate becomes U+FFFD (EF BF BD)', () => {
    const into = new Uint8Array(16);
    expect(utf8Write('a\ud800b', into, 1)).toBe(5);
    expect([...into.subarray(1, 6)]).toEqual([0x61, 0xef, 0xbf, 0xbd, 0x62]);
  });
});
