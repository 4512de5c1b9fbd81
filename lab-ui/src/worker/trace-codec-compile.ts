/**
 * Straight-line encoders and decoders, generated once per event shape for the trace wire codec
 * (trace-codec.ts). The generic walk pays a switch, a recursive call and a keyed load per value;
 * a generated function reads each key by name (one inline cache per place), writes into the typed
 * arrays without bounds growth (a shape fixes how many numbers and strings it has) and builds the
 * decoded event as one object literal, so every event of a shape gets the same hidden class.
 *
 * Where `new Function` is refused (a Content-Security-Policy without 'unsafe-eval'), the compilers
 * return undefined and the codec keeps its generic walk: the wire form is the same either way.
 */
import type { ShapeNode } from './trace-codec.ts';

/** Where an encoder writes: the batch's columns and how far each is filled. */
export interface EncodeTarget {
  nums: Float64Array;
  strIds: Uint32Array;
  ni: number;
  si: number;
}

/** Checks `v` against its shape and writes its values; false (and nothing counted) on a mismatch. */
export type CompiledEncoder = (v: unknown, to: EncodeTarget) => boolean;
/** Reads one event from the columns, starting at `at.ni` / `at.si`, and moves them on. */
export type CompiledDecoder = (nums: Float64Array, strIds: Uint32Array, strings: readonly string[], at: { ni: number; si: number }) => unknown;

/** A run's string ids, shared by every shape's encoder; `fresh` gathers the strings new to a batch. */
export class StringTable {
  /**
   * The texts looked up so far and their ids. The encoder empties it between batches once it holds
   * `TABLE_LIMIT` texts (trace-codec.ts, `take`).
   */
  readonly ids = new Map<string, number>();
  fresh: string[] = [];
  /** The next id: a long string sent without a lookup takes one too, so it is not `ids.size`. */
  next = 0;
  /** Request ids by slot (`internRequest`), and the id each was last sent under; null: empty. */
  readonly reqText: Array<string | null> = new Array<string | null>(REQUEST_SLOTS).fill(null);
  readonly reqId = new Uint32Array(REQUEST_SLOTS);
}

/** Slots of the request-id cache: a power of two, well above the requests a run has in flight at once. */
export const REQUEST_SLOTS = 1 << 14;

/**
 * The id for an event's top-level `req`, the request it belongs to, from a direct-mapped cache
 * instead of the table. A run names ≈ 300k requests, each by a new text (`app-17`, `app-17.retry1`)
 * that its later events repeat while many other requests are in flight: in the table they were
 * half of its entries and every one a Map insert, and the lookups that missed a place's last string
 * ran over a Map of up to `TABLE_LIMIT` texts (docs/benchmarks.md, the lab's sixteenth to
 * eighteenth passes). Here a request id's slot comes from its last four characters (they count up);
 * the slot holds the text last seen there, compared as the same string, and its
 * id. A miss sends the text again under a new id, as after the table is emptied: the decoder
 * cannot tell, and a text sent twice decodes to equal strings. Request ids never enter the table.
 */
export function internRequest(table: StringTable, v: string): number {
  const n = v.length;
  // Four bits of each of the last four characters: a digit's value, so ids that count up take
  // consecutive slots and two ids collide only when they are ≥ 4,000 apart (or share the tail, as
  // retries of one attempt do). Past the start, charCodeAt gives NaN, which `&` makes 0.
  const slot = ((v.charCodeAt(n - 1) & 15) | ((v.charCodeAt(n - 2) & 15) << 4) | ((v.charCodeAt(n - 3) & 15) << 8) | ((v.charCodeAt(n - 4) & 15) << 12)) & (REQUEST_SLOTS - 1);
  if (table.reqText[slot] === v) return table.reqId[slot] as number;
  const id = table.next++;
  table.fresh.push(v);
  table.reqText[slot] = v;
  table.reqId[slot] = id;
  return id;
}

/**
 * What one string place (one key of one shape) has seen of its long strings, to decide whether
 * looking them up is worth it (`internAt`).
 */
export interface PlaceStats {
  /** Long strings that missed the place's last string, counted from the start. */
  misses: number;
  /** Lookups in the current window and how many of them found nothing. */
  probes: number;
  fresh: number;
  /** Send this place's long strings as new table entries without looking them up. */
  skip: boolean;
}

export const newPlaceStats = (): PlaceStats => ({ misses: 0, probes: 0, fresh: 0, skip: false });

/** Longer strings than this go through the place's statistics; shorter ones are always looked up. */
export const LONG_STRING = 40;
/** Lookups per decision; a place skips lookups when at most `PROBE_WINDOW / 16` of them found a string. */
const PROBE_WINDOW = 32;
/** While skipping, one long string in this many is still looked up (and added), so a place whose texts start to repeat is noticed. */
const PROBE_EVERY = 16;

/**
 * A string's id, added to the table if new. One module-level function for every encoder, not a
 * closure per encoder: V8 shares a generated function's code between encoders with the same
 * source, and a different callee each run would throw that code away ("wrong call target").
 */
export function internString(table: StringTable, v: string): number {
  let id = table.ids.get(v);
  if (id === undefined) {
    id = table.next++;
    table.ids.set(v, id);
    table.fresh.push(v);
  }
  return id;
}

/**
 * The id for a string at a place whose last string it is not. A long text that is new almost every
 * time (a rate limiter's reason, naming the window, the address and the count) costs the most to
 * look up: a fresh string is flattened and hashed, then added to a Map that only grows, and in the
 * browser that lookup was the largest part of encoding (docs/benchmarks.md, the lab's twelfth pass).
 * So a place whose long strings were new at nearly every lookup sends them as new entries without
 * one. The decoder cannot tell: it reads ids into the table either way, and a text sent twice
 * decodes to equal strings. The probes bound the duplicates: a place whose texts repeat goes back
 * to looking them up within `PROBE_EVERY × PROBE_WINDOW` long strings.
 */
export function internAt(table: StringTable, v: string, q: PlaceStats): number {
  if (v.length <= LONG_STRING) return internString(table, v);
  q.misses++;
  if (q.skip && q.misses % PROBE_EVERY !== 0) {
    table.fresh.push(v);
    return table.next++;
  }
  let id = table.ids.get(v);
  q.probes++;
  if (id === undefined) {
    id = table.next++;
    table.ids.set(v, id);
    table.fresh.push(v);
    q.fresh++;
  }
  if (q.probes === PROBE_WINDOW) {
    q.skip = q.fresh >= PROBE_WINDOW - PROBE_WINDOW / 16;
    q.probes = 0;
    q.fresh = 0;
  }
  return id;
}

/** How many numbers and strings a value of this shape writes. */
export function slotsOf(s: ShapeNode): { nums: number; strs: number } {
  if (s.k === 'n' || s.k === 'b') return { nums: 1, strs: 0 };
  if (s.k === 's') return { nums: 0, strs: 1 };
  if (s.k === 'o' || s.k === 'a') {
    let nums = 0;
    let strs = 0;
    for (const c of s.children) {
      const n = slotsOf(c);
      nums += n.nums;
      strs += n.strs;
    }
    return { nums, strs };
  }
  return { nums: 0, strs: 0 };
}

const lit = (key: string): string => JSON.stringify(key);

/**
 * The encoder's source: every check first, then every write. A trace's events of one type come in
 * several shapes (the war story's `plugin.decision` in 11, told apart only by their `data`), so the
 * shape tried first often fails late. Checking the whole shape before writing means a failed try
 * costs loads and `typeof`s only: no string lookups thrown away, and no place's last string
 * overwritten by another shape's event (which made the next fitting event miss it and look up
 * again).
 */
function encoderSource(root: ShapeNode): { body: string; keyLists: string[][]; lastCount: number } {
  const keyLists: string[][] = [];
  /** Variables holding the event's top-level `req`. */
  const requestPlaces = new Set<string>();
  let lastCount = 0;
  let vars = 0;
  const checks: string[] = [];
  const writes: string[] = [];
  const emit = (s: ShapeNode, x: string): void => {
    switch (s.k) {
      case 'n':
        checks.push(`if (typeof ${x} !== 'number') return false;`);
        writes.push(`N[ni++] = ${x};`);
        return;
      case 'b':
        checks.push(`if (typeof ${x} !== 'boolean') return false;`);
        writes.push(`N[ni++] = ${x} ? 1 : 0;`);
        return;
      case 's': {
        checks.push(`if (typeof ${x} !== 'string') return false;`);
        // Most strings repeat the previous event's at the same place: skip the table lookup then.
        const l = lastCount++;
        // The event's own request id: the request-id cache, not the table (internRequest).
        const find = requestPlaces.has(x) ? `request(table, ${x})` : `intern(table, ${x}, Q${l})`;
        writes.push(`if (${x} === L${l}) S[si++] = I${l}; else { L${l} = ${x}; I${l} = ${find}; S[si++] = I${l}; }`);
        return;
      }
      case 'z':
        checks.push(`if (${x} !== null) return false;`);
        return;
      case 'u':
        checks.push(`if (${x} !== undefined) return false;`);
        return;
      case 'o': {
        const k = keyLists.push(s.keys) - 1;
        // Same keys in the same order, none extra: a for-in over the object's own enum cache.
        checks.push(
          `if (typeof ${x} !== 'object' || ${x} === null || Array.isArray(${x})) return false;`,
          `n = 0; for (const key in ${x}) { if (key !== K${k}[n]) return false; n++; } if (n !== ${s.keys.length}) return false;`,
        );
        s.keys.forEach((key, i) => {
          const y = `x${vars++}`;
          if (x === 'v' && key === 'req') requestPlaces.add(y);
          checks.push(`const ${y} = ${x}[${lit(key)}];`);
          emit(s.children[i] as ShapeNode, y);
        });
        return;
      }
      case 'a': {
        checks.push(`if (!Array.isArray(${x}) || ${x}.length !== ${s.children.length}) return false;`);
        s.children.forEach((c, i) => {
          const y = `x${vars++}`;
          checks.push(`const ${y} = ${x}[${i}];`);
          emit(c, y);
        });
      }
    }
  };
  emit(root, 'v');
  return { body: [...checks, ...writes].join('\n'), keyLists, lastCount };
}

/** A generated encoder for one shape, writing string ids from `table`. */
export function compileEncoder(shape: ShapeNode, table: StringTable): CompiledEncoder | undefined {
  const { body, keyLists, lastCount } = encoderSource(shape);
  const state = Array.from({ length: lastCount }, (_, l) => `let L${l}; let I${l} = 0; const Q${l} = stats();`).join(' ');
  const keyParams = keyLists.map((_, k) => `K${k}`);
  const source = `${state}\nreturn function encodeShape(v, to) {\nconst N = to.nums, S = to.strIds; let ni = to.ni, si = to.si, n = 0;\n${body}\nto.ni = ni; to.si = si; return true;\n};`;
  try {
    return new Function('intern', 'request', 'stats', 'table', ...keyParams, source)(internAt, internRequest, newPlaceStats, table, ...keyLists) as CompiledEncoder;
  } catch {
    return undefined;
  }
}

/** The decoder's source: one expression per value, objects as literals. */
function decoderExpression(s: ShapeNode): string {
  switch (s.k) {
    case 'n':
      return 'N[ni++]';
    case 'b':
      return '(N[ni++] === 1)';
    case 's':
      return 'T[S[si++]]';
    case 'z':
      return 'null';
    case 'u':
      return 'undefined';
    case 'o':
      // A literal's `__proto__: x` would set the prototype; the computed form makes a key. Property
      // values are evaluated in source order, which is the order the encoder wrote them.
      return `{${s.keys.map((key, i) => `${key === '__proto__' ? `[${lit(key)}]` : lit(key)}: ${decoderExpression(s.children[i] as ShapeNode)}`).join(', ')}}`;
    case 'a':
      return `[${s.children.map(decoderExpression).join(', ')}]`;
  }
}

/** A generated decoder for one shape. */
export function compileDecoder(shape: ShapeNode): CompiledDecoder | undefined {
  const source = `let ni = at.ni, si = at.si;\nconst value = ${decoderExpression(shape)};\nat.ni = ni; at.si = si;\nreturn value;`;
  try {
    return new Function('N', 'S', 'T', 'at', source) as CompiledDecoder;
  } catch {
    return undefined;
  }
}
