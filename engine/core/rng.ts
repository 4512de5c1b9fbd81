/**
 * Seeded, splittable randomness. Every stream is derived from (seed, name) by hashing, so adding a
 * client never shifts another client's draws, and a draw keyed by a request id is the same in the
 * simulation and in the real proxy.
 */

/** 32-bit FNV-1a over a string's UTF-16 code units, finished with a murmur3 avalanche. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  return avalanche(fnvOver(seed >>> 0, text));
}

/** The FNV-1a state after `text`, before the avalanche: hashing a + b is fnvOver(fnvOver(h, a), b). */
function fnvOver(state: number, text: string): number {
  let h = state;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

/** One more code unit into the FNV-1a state (the separators of keyedDraw). */
function fnvUnit(state: number, unit: number): number {
  return Math.imul(state ^ unit, 0x01000193);
}

function avalanche(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** sfc32: small, fast, and passes PractRand to large sizes; state is four 32-bit words. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  readonly seed: number;
  readonly name: string;

  constructor(seed: number, name = 'root') {
    this.seed = seed >>> 0;
    this.name = name;
    const base = hashString(name, this.seed ^ 0x9e3779b9);
    this.a = hashString('a', base);
    this.b = hashString('b', base);
    this.c = hashString('c', base);
    this.d = 1;
    // Warm up so that nearby seeds diverge.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A child stream whose draws depend only on this stream's seed and name and the child's name. */
  split(child: string): Rng {
    return new Rng(this.seed, `${this.name}/${child}`);
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** Standard normal by Box–Muller (one value per call; the spare is dropped to keep streams simple). */
  normal(): number {
    let u = this.next();
    while (u === 0) u = this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  exponential(mean: number): number {
    let u = this.next();
    while (u === 0) u = this.next();
    return -Math.log(u) * mean;
  }
}

/** The decimal spelling of the small indexes draws use, made once. */
const SMALL_INDEX: readonly string[] = Array.from({ length: 64 }, (_, i) => String(i));

/**
 * The FNV state after `purpose\0key\0` for the last (seed, purpose, key) asked: a correlation id
 * takes 16 draws in a row with the same purpose and key, so 15 of them skip that part of the hash.
 */
let prefixSeed = 0;
let prefixPurpose: string | undefined;
let prefixKey: string | undefined;
let prefixState = 0;

/**
 * A draw that depends only on (seed, purpose, key): the per-request randomness both hosts share
 * (canary choice, correlation ids, retry jitter). Uniform in [0, 1).
 */
export function keyedDraw(seed: number, purpose: string, key: string, index = 0): number {
  // The hashes of `${purpose}\0${key}\0${index}` and `${key}\0${purpose}\1${index}`, fed piece by
  // piece so that a draw builds no string (a correlation id takes 16 draws per request).
  const digits = index >= 0 && index < SMALL_INDEX.length && Number.isInteger(index) ? (SMALL_INDEX[index] as string) : `${index}`;
  const s = seed >>> 0;
  if (key !== prefixKey || purpose !== prefixPurpose || s !== prefixSeed) {
    prefixState = fnvUnit(fnvOver(fnvUnit(fnvOver(s, purpose), 0), key), 0);
    prefixSeed = s;
    prefixPurpose = purpose;
    prefixKey = key;
  }
  const h1 = avalanche(fnvOver(prefixState, digits));
  const h2 = avalanche(fnvOver(fnvUnit(fnvOver(fnvUnit(fnvOver(h1, key), 0), purpose), 1), digits));
  // 53 bits from two hashes so draws near 1 are representable.
  return ((h1 >>> 5) * 67108864 + (h2 >>> 6)) / 9007199254740992;
}

/**
 * Fills `into[i]` with `Math.floor(keyedDraw(seed, purpose, key, i) * 256)` for every i: the bytes of
 * a correlation id's uuid in one call. A draw's top 8 bits are the top 8 bits of its first hash (the
 * second hash only fills the low 26 of its 53 bits), so a byte needs neither the second hash nor a
 * float: that skips two thirds of the hashing per byte and 15 calls.
 */
export function keyedBytes(seed: number, purpose: string, key: string, into: Uint8Array): void {
  const s = seed >>> 0;
  const prefix = fnvUnit(fnvOver(fnvUnit(fnvOver(s, purpose), 0), key), 0);
  for (let i = 0; i < into.length; i++) {
    const digits = i < SMALL_INDEX.length ? (SMALL_INDEX[i] as string) : `${i}`;
    into[i] = avalanche(fnvOver(prefix, digits)) >>> 24;
  }
}
