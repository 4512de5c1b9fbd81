/**
 * A compact wire form for trace batches, worker → page. Structured clone copies every event as a
 * graph of objects and every string anew: a 300k-request trace is millions of objects and most of
 * its bytes are the same few strings (reasons, header names, route names) repeated. Here each event
 * becomes a shape id (its keys, nesting and value kinds, sent once), its numbers go into a
 * Float64Array and its strings into a Uint32Array of ids into a string table sent once per new string.
 * The buffers are transferred, not copied, and the page's decoded events share their strings.
 *
 * Decoding gives back objects equal to the originals with the same key order (the trace view prints
 * them), for any JSON-like value: objects, arrays, numbers, strings, booleans, null and undefined.
 */

import { compileDecoder, compileEncoder, internAt, internRequest, newPlaceStats, slotsOf, StringTable, type CompiledDecoder, type CompiledEncoder, type EncodeTarget, type PlaceStats } from './trace-codec-compile.ts';
import { setOwn } from '../../../engine/core/set-own.ts';

/** How one value is laid out: a leaf kind, or an object/array with its children in key order. */
export type ShapeNode =
  | { k: 'n' | 'b' | 'z' | 'u' }
  /**
   * The interpreted encoder's copy remembers the last string here (most repeat the previous event's)
   * and what it has seen of its long strings (`internAt`).
   */
  | { k: 's'; last?: string; lastId?: number; stats?: PlaceStats; request?: boolean }
  | { k: 'o'; keys: string[]; children: ShapeNode[] }
  | { k: 'a'; children: ShapeNode[] };

export interface EncodedBatch {
  /** Shapes first seen in this batch; their ids continue from the previous batches'. */
  shapes: ShapeNode[];
  /** Strings first seen in this batch; ids continue likewise. */
  strings: string[];
  /** One shape id per event. */
  shapeIds: Uint32Array;
  nums: Float64Array;
  strIds: Uint32Array;
}

/** The buffers a batch can transfer instead of copying. */
export function transferables(b: EncodedBatch): ArrayBuffer[] {
  return [b.shapeIds.buffer, b.nums.buffer, b.strIds.buffer] as ArrayBuffer[];
}

function kindOf(v: unknown): ShapeNode['k'] {
  if (typeof v === 'number') return 'n';
  if (typeof v === 'string') return 's';
  if (typeof v === 'boolean') return 'b';
  if (v === null) return 'z';
  if (v === undefined) return 'u';
  if (Array.isArray(v)) return 'a';
  if (typeof v === 'object') return 'o';
  throw new TypeError(`a trace value of type ${typeof v} cannot be encoded`);
}

function shapeOf(v: unknown): ShapeNode {
  const k = kindOf(v);
  if (k === 'a') return { k, children: (v as unknown[]).map(shapeOf) };
  if (k === 'o') {
    const keys = Object.keys(v as object);
    return { k, keys, children: keys.map((key) => shapeOf((v as Record<string, unknown>)[key])) };
  }
  return { k } as ShapeNode;
}

/** Makes room for `nums` more numbers and `strs` more string ids, doubling a column when full. */
function reserve(to: EncodeTarget, nums: number, strs: number): void {
  if (to.ni + nums > to.nums.length) {
    const next = new Float64Array(Math.max(to.nums.length * 2, to.ni + nums));
    next.set(to.nums.subarray(0, to.ni));
    to.nums = next;
  }
  if (to.si + strs > to.strIds.length) {
    const next = new Uint32Array(Math.max(to.strIds.length * 2, to.si + strs));
    next.set(to.strIds.subarray(0, to.si));
    to.strIds = next;
  }
}

/** Whether `v` has exactly the layout `s` describes (kinds, keys and their order, array lengths). */
function fits(s: ShapeNode, v: unknown): boolean {
  switch (s.k) {
    case 'n':
      return typeof v === 'number';
    case 'b':
      return typeof v === 'boolean';
    case 's':
      return typeof v === 'string';
    case 'z':
      return v === null;
    case 'u':
      return v === undefined;
    case 'o': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
      const keys = s.keys;
      let n = 0;
      for (const key in v) {
        if (keys[n] !== key || !fits(s.children[n] as ShapeNode, (v as Record<string, unknown>)[key])) return false;
        n++;
      }
      return n === keys.length;
    }
    case 'a': {
      if (!Array.isArray(v) || v.length !== s.children.length) return false;
      for (let i = 0; i < v.length; i++) if (!fits(s.children[i] as ShapeNode, v[i])) return false;
      return true;
    }
  }
}

/**
 * The generic walk, for when code generation is refused. Like the generated encoders it checks the
 * whole shape before writing anything, so a shape that does not fit looks up no string and leaves
 * every place's last string as it was: both encoders then write the same columns.
 */
function interpretedEncoder(shape: ShapeNode, table: StringTable): CompiledEncoder {
  const write = (s: ShapeNode, v: unknown, to: EncodeTarget): void => {
    switch (s.k) {
      case 'n':
        to.nums[to.ni++] = v as number;
        return;
      case 'b':
        to.nums[to.ni++] = v ? 1 : 0;
        return;
      case 's': {
        // Same string as last time here: skip the table lookup.
        if (v !== s.last) {
          s.last = v as string;
          s.lastId = s.request ? internRequest(table, v as string) : internAt(table, v as string, (s.stats ??= newPlaceStats()));
        }
        to.strIds[to.si++] = s.lastId as number;
        return;
      }
      case 'o': {
        const keys = s.keys;
        for (let i = 0; i < keys.length; i++) write(s.children[i] as ShapeNode, (v as Record<string, unknown>)[keys[i] as string], to);
        return;
      }
      case 'a':
        for (let i = 0; i < s.children.length; i++) write(s.children[i] as ShapeNode, (v as unknown[])[i], to);
        return;
      default:
        return;
    }
  };
  // The event's top-level `req` goes through the request-id cache, as in the generated encoders.
  if (shape.k === 'o') {
    const at = shape.keys.indexOf('req');
    const place = at >= 0 ? shape.children[at] : undefined;
    if (place?.k === 's') place.request = true;
  }
  return (v, to) => {
    if (!fits(shape, v)) return false;
    write(shape, v, to);
    return true;
  };
}

/**
 * Texts the string table holds before the encoder empties it (at the end of a batch). A long run
 * sends hundreds of thousands of distinct texts (the war story at 300k requests: ≈ 720k, request ids,
 * UUIDs, counters); a Map of all of them is a large hash table whose lookups miss the CPU's caches,
 * and it keeps every one of those strings alive for the collector to mark again and again. After
 * emptying, a text seen before gets a new id and is sent again: ids only grow, an old id still
 * names its text in the decoder's table, and a text sent twice decodes to equal strings.
 */
export const TABLE_LIMIT = 1 << 16;

/** A shape as the encoder holds it: its encoder and how many slots an event of it fills. */
interface EncoderShape {
  encode: CompiledEncoder;
  nums: number;
  strs: number;
}

/** The worker's side: keeps the shape and string tables across the batches of one run. */
export class TraceEncoder {
  private readonly shapes: EncoderShape[] = [];
  /** The shapes as sent: copies without the interpreted encoder's last-string memory. */
  private readonly sent: ShapeNode[] = [];
  /** Candidate shape ids by the event's `type`, most recently used first. */
  private readonly byType = new Map<unknown, number[]>();
  private readonly strings = new StringTable();
  /** For each shape id, the shape of the event that followed it last time (-1: none yet). */
  private readonly successor: number[] = [];
  /** The previous event's shape id, carried across batches. */
  private previous = -1;
  /** Where every batch is written before its columns are copied out (`reserve` grows it). */
  private readonly scratch: EncodeTarget = { nums: new Float64Array(1 << 12), strIds: new Uint32Array(1 << 13), ni: 0, si: 0 };

  /** `compile: false` keeps the generic walk (tests compare the two); `tableLimit`: see TABLE_LIMIT. */
  constructor(private readonly options: { compile?: boolean; tableLimit?: number } = {}) {}

  /** Shapes sent before the batch being built; -1: no batch open. */
  private shapesBefore = -1;
  /** The open batch's shape ids (grown as needed) and how many there are. */
  private ids = new Uint32Array(1 << 12);
  private count = 0;

  encode(events: readonly object[]): EncodedBatch {
    this.add(events);
    return this.take();
  }

  /** Events in the batch being built. */
  get pending(): number {
    return this.shapesBefore < 0 ? 0 : this.count;
  }

  /**
   * Encodes `events` into the batch being built (opening one if none is), so a caller can let the
   * events go at once and send the batch later (`take`).
   */
  add(events: readonly object[]): void {
    this.room(events.length);
    for (let e = 0; e < events.length; e++) this.ids[this.count++] = this.encodeOne(events[e] as Record<string, unknown>);
  }

  /**
   * Encodes one event into the batch being built, as `add([event])` does. The caller may change or
   * reuse the object once this returns: nothing of it is kept but its strings.
   */
  push(event: object): void {
    if (this.shapesBefore < 0 || this.count === this.ids.length) this.room(1);
    this.ids[this.count++] = this.encodeOne(event as Record<string, unknown>);
  }

  /** Opens a batch if none is, and makes room for `more` shape ids in it. */
  private room(more: number): void {
    if (this.shapesBefore < 0) {
      this.shapesBefore = this.sent.length;
      this.strings.fresh = [];
      this.scratch.ni = 0;
      this.scratch.si = 0;
      this.count = 0;
    }
    if (this.count + more > this.ids.length) {
      const next = new Uint32Array(Math.max(this.ids.length * 2, this.count + more));
      next.set(this.ids.subarray(0, this.count));
      this.ids = next;
    }
  }

  /**
   * The batch built since the last take. Its columns were written into a scratch pair kept across
   * batches (grown as needed) and leave as exact-size copies: a fresh pair per batch, grown by
   * doubling and then copied, allocated ≈ 3 × the bytes sent, all external memory.
   */
  take(): EncodedBatch {
    if (this.shapesBefore < 0) this.add([]);
    const to = this.scratch;
    const out = { shapes: this.sent.slice(this.shapesBefore), strings: this.strings.fresh, shapeIds: this.ids.slice(0, this.count), nums: to.nums.slice(0, to.ni), strIds: to.strIds.slice(0, to.si) };
    this.shapesBefore = -1;
    if (this.strings.ids.size > (this.options.tableLimit ?? TABLE_LIMIT)) this.strings.ids.clear();
    return out;
  }

  /** Writes one event's values into the scratch columns and returns its shape id. */
  private encodeOne(ev: Record<string, unknown>): number {
    const to = this.scratch;
    const previous = this.previous;
    // A trace repeats the same sequence of shapes per request: the shape that followed the
    // previous event's shape last time fits about 86 % of events (the type's most recent shape
    // only 55 %), which saves the type lookup and most failed tries.
    const guess = previous < 0 ? -1 : (this.successor[previous] as number);
    let id = -1;
    if (guess >= 0) {
      const shape = this.shapes[guess] as EncoderShape;
      reserve(to, shape.nums, shape.strs);
      if (shape.encode(ev, to)) id = guess;
    }
    if (id < 0) id = this.encodeByType(ev, to, guess);
    if (previous >= 0) this.successor[previous] = id;
    this.previous = id;
    return id;
  }

  /** The event's shape among those seen for its type (`tried` already failed), or a new one. */
  private encodeByType(ev: Record<string, unknown>, to: EncodeTarget, tried: number): number {
    const type = ev.type;
    let candidates = this.byType.get(type);
    if (!candidates) this.byType.set(type, (candidates = []));
    for (let c = 0; c < candidates.length; c++) {
      const id = candidates[c] as number;
      if (id === tried) continue;
      const shape = this.shapes[id] as EncoderShape;
      reserve(to, shape.nums, shape.strs);
      if (shape.encode(ev, to)) {
        // Move to front: a run repeats a few shapes per type, so the first try usually fits.
        if (c > 0) candidates.splice(c, 1), candidates.unshift(id);
        return id;
      }
    }
    const id = this.shapes.length;
    const node = shapeOf(ev);
    const slots = slotsOf(node);
    this.sent.push(structuredClone(node));
    const encode = (this.options.compile !== false ? compileEncoder(node, this.strings) : undefined) ?? interpretedEncoder(node, this.strings);
    this.shapes.push({ encode, nums: slots.nums, strs: slots.strs });
    this.successor.push(-1);
    candidates.unshift(id);
    reserve(to, slots.nums, slots.strs);
    encode(ev, to);
    return id;
  }
}

/** The page's side: the tables grow with each batch, in the order the encoder sent them. */
export class TraceDecoder {
  private readonly decoders: CompiledDecoder[] = [];
  private readonly strings: string[] = [];

  constructor(private readonly options: { compile?: boolean } = {}) {}

  decode<T = unknown>(b: EncodedBatch): T[] {
    for (const s of b.shapes) this.decoders.push((this.options.compile !== false ? compileDecoder(s) : undefined) ?? interpretedDecoder(s));
    for (const s of b.strings) this.strings.push(s);
    const { nums, strIds, shapeIds } = b;
    const at = { ni: 0, si: 0 };
    const out = new Array<T>(shapeIds.length);
    for (let e = 0; e < shapeIds.length; e++) out[e] = (this.decoders[shapeIds[e] as number] as CompiledDecoder)(nums, strIds, this.strings, at) as T;
    return out;
  }
}

/** The generic reader, for when code generation is refused. */
function interpretedDecoder(shape: ShapeNode): CompiledDecoder {
  return (nums, strIds, strings, at) => {
    const read = (s: ShapeNode): unknown => {
      switch (s.k) {
        case 'n':
          return nums[at.ni++];
        case 'b':
          return nums[at.ni++] === 1;
        case 's':
          return strings[strIds[at.si++] as number];
        case 'z':
          return null;
        case 'u':
          return undefined;
        case 'o': {
          const o: Record<string, unknown> = {};
          for (let i = 0; i < s.keys.length; i++) {
            const key = s.keys[i] as string;
            const v = read(s.children[i] as ShapeNode);
            // Assigning '__proto__' would set the prototype instead of a key.
            if (key === '__proto__') setOwn(o, key, v);
            else o[key] = v;
          }
          return o;
        }
        case 'a': {
          const a = new Array<unknown>(s.children.length);
          for (let i = 0; i < s.children.length; i++) a[i] = read(s.children[i] as ShapeNode);
          return a;
        }
      }
    };
    return read(shape);
  };
}
