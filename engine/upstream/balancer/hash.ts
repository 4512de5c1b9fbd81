/**
 * The string hash behind ring hash and Maglev. Envoy uses 64-bit xxHash; JavaScript numbers hold 53
 * bits exactly, so gatelab runs xxHash32 (the reference algorithm, pinned by its published test
 * vectors) twice with different seeds and keeps 21 + 32 bits. Plain integer arithmetic through
 * Math.imul, no node:crypto, so Node and the browser produce the same ring.
 */

const P1 = 0x9e3779b1;
const P2 = 0x85ebca77;
const P3 = 0xc2b2ae3d;
const P4 = 0x27d4eb2f;
const P5 = 0x165667b1;

/** 2^32 and 2^21: a 53-bit hash is hi21 · 2^32 + lo32, exact in a double. */
const TWO32 = 4294967296;
const TWO21 = 2097152;
/** Seed offset for the low word, so the two halves are not the same function of the input. */
const LOW_SEED = 0x7f4a7c15;

const encoder = new TextEncoder();

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function read32(b: Uint8Array, p: number): number {
  return ((b[p] as number) | ((b[p + 1] as number) << 8) | ((b[p + 2] as number) << 16) | ((b[p + 3] as number) << 24)) | 0;
}

function round(acc: number, input: number): number {
  return Math.imul(rotl((acc + Math.imul(input, P2)) | 0, 13), P1);
}

/** XXH32 over bytes (little-endian reads, as the reference). Returns an unsigned 32-bit integer. */
export function xxHash32Bytes(b: Uint8Array, seed = 0): number {
  const len = b.length;
  let p = 0;
  let h: number;
  if (len >= 16) {
    let v1 = (seed + P1 + P2) | 0;
    let v2 = (seed + P2) | 0;
    let v3 = seed | 0;
    let v4 = (seed - P1) | 0;
    const limit = len - 16;
    do {
      v1 = round(v1, read32(b, p));
      v2 = round(v2, read32(b, p + 4));
      v3 = round(v3, read32(b, p + 8));
      v4 = round(v4, read32(b, p + 12));
      p += 16;
    } while (p <= limit);
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0;
  } else {
    h = (seed + P5) | 0;
  }
  h = (h + len) | 0;
  for (; p + 4 <= len; p += 4) h = Math.imul(rotl((h + Math.imul(read32(b, p), P3)) | 0, 17), P4);
  for (; p < len; p++) h = Math.imul(rotl((h + Math.imul(b[p] as number, P5)) | 0, 11), P1);
  h ^= h >>> 15;
  h = Math.imul(h, P2);
  h ^= h >>> 13;
  h = Math.imul(h, P3);
  h ^= h >>> 16;
  return h >>> 0;
}

/** XXH32 of a string's UTF-8 bytes. */
export function xxHash32(text: string, seed = 0): number {
  return xxHash32Bytes(encoder.encode(text), seed);
}

/** A 53-bit hash (integer in [0, 2^53)): the ring position of a host point or a request key. */
export function hash53(text: string, seed = 0): number {
  const bytes = encoder.encode(text);
  const hi = xxHash32Bytes(bytes, seed) >>> 11;
  const lo = xxHash32Bytes(bytes, (seed + LOW_SEED) >>> 0);
  return hi * TWO32 + lo;
}

/** A 53-bit ring position from two draws, for requests without a hash key (Envoy uses a random hash). */
export function drawnHash53(u0: number, u1: number): number {
  return Math.floor(u0 * TWO21) * TWO32 + Math.floor(u1 * TWO32);
}

/** 0x-prefixed hex for reasons: students can find the point in the lab's ring view. */
export function hex(h: number): string {
  return `0x${h.toString(16).padStart(14, '0')}`;
}
