/**
 * CRC-32 as nginx's ngx_crc32_short computes it (semantics §10: nginx hashes with CRC32), pinned by
 * the published check values of CRC-32/ISO-HDLC.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32, crc32Update } from './crc32.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] crc32 seed=${seed} (replay: FC_SEED=${seed})`);

describe('crc32 (IEEE, reflected 0xEDB88320)', () => {
  it('matches the standard check values', () => {
    expect(crc32('')).toBe(0);
    expect(crc32('a')).toBe(0xe8b7be43);
    expect(crc32('abc')).toBe(0x352441c2);
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('The quick brown fox jumps over the lazy dog')).toBe(0x414fa339);
    expect(crc32(new Uint8Array([0, 0, 0, 0]))).toBe(0x2144df1c);
  });

  it('hashes a string as its UTF-8 bytes', () => {
    expect(crc32('é')).toBe(crc32(new Uint8Array([0xc3, 0xa9])));
  });

  it('crc32Update is the bare register step: a checksum in two pieces equals the checksum in one', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), (a, b) => {
        const joined = new Uint8Array([...a, ...b]);
        const twoSteps = (crc32Update(crc32Update(0xffffffff, a), b) ^ 0xffffffff) >>> 0;
        expect(twoSteps).toBe(crc32(joined));
      }),
      { seed },
    );
  });
});
