import { describe, expect, it } from 'vitest';
import { drawnHash53, hash53, hex, xxHash32 } from './hash.ts';

describe('balancer hash: xxHash32 and its 53-bit pairing (semantics §10, ring hash / maglev)', () => {
  it('matches the published XXH32 test vectors (short path, tail bytes, 16-byte stripes, seeds)', () => {
    expect(xxHash32('')).toBe(0x02cc5d05);
    expect(xxHash32('', 1)).toBe(0x0b2cb792);
    expect(xxHash32('', 42)).toBe(0xd5be6eb8);
    expect(xxHash32('a')).toBe(0x550d7456);
    expect(xxHash32('abc')).toBe(0x32d153ff);
    expect(xxHash32('abcd', 42)).toBe(0xe37d5ac5);
    expect(xxHash32('abcd0123', 42)).toBe(0x0a1e5fd9);
    expect(xxHash32('abcdefghijklmnop')).toBe(0x9d2d8b62);
    expect(xxHash32('Nobody inspects the spammish repetition')).toBe(0xe2293b2f);
  });

  it('hashes UTF-8 bytes, so non-ASCII keys hash as the gateways see them on the wire', () => {
    expect(xxHash32('é')).toBe(xxHash32('\u00e9'));
    expect(xxHash32('é')).not.toBe(xxHash32('e'));
  });

  it('hash53 is a deterministic integer below 2^53, and seeds give independent hashes', () => {
    for (const key of ['', '10.0.0.1:8080_0', 'user-42', 'ü'.repeat(40)]) {
      const h = hash53(key);
      expect(Number.isSafeInteger(h)).toBe(true);
      expect(h).toBeGreaterThanOrEqual(0);
      expect(hash53(key)).toBe(h);
      expect(hash53(key, 1)).not.toBe(h);
    }
  });

  it('drawn hashes span the 53-bit range', () => {
    expect(drawnHash53(0, 0)).toBe(0);
    expect(drawnHash53(0.999999999, 0.999999999)).toBeLessThan(2 ** 53);
    expect(drawnHash53(0.5, 0)).toBe(2 ** 52);
    expect(hex(255)).toBe('0x000000000000ff');
  });
});
