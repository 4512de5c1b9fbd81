/**
 * The run's structural trace hash (engine/trace/compact-hash.ts, the compact form's structural mode)
 * written straight from the codec's columns (trace-codec.ts), as trace-jsonl.ts does for the JSON
 * lines: no event decoded, no object made. Decoding every kept event and feeding CompactTraceHasher
 * nearly doubled the worker's CPU after `done` in the 300k war story (docs/benchmarks.md).
 *
 * A shape fixes the keys, their order, which values are omitted and every tag but the numbers' and
 * the `type` value's, so each shape gets a list of steps — constant bytes, a number, a boolean, a
 * string by id, or slots passed over — turned into a generated writer where `new Function` is
 * allowed and walked by a plain loop where it is refused (both give the same bytes):
 * - a string is STR, its UTF-8 (WTF-8 for a lone surrogate), 0xFF: each string-table entry is framed
 *   so once, per batch for all its new strings, and then copied whole;
 * - a number is INT + int32 or F64 + float64 (little-endian), null for NaN and ±Infinity, −0 as 0;
 * - keys are one dictionary byte, or a framed string (encoded when the shape is compiled).
 * What the columns cannot fix is the event's `type` value, a string id: the compact form writes a
 * known event type as TYPE + its index, and a `plugin.decision` without its `reason` and `data`. So a
 * shape whose top-level `type` is a string gets one writer per type code met (in practice one).
 * compact-columns.test.ts checks the bytes against CompactTraceHasher's, generated and plain.
 */
import {
  ARR, DICT, END, F64, FALSE, FIRST_TYPE, INT, KEY_BASE, NULL, OBJ, STR, STR_END, T_DECISION, TRUE, TYPE, stringBytes,
} from '../../../engine/trace/compact-format.ts';
import type { EncodedBatch, ShapeNode } from './trace-codec.ts';
import { encodeStringList, grownTo } from './string-store.ts';

/** Bytes of output gathered before they go to the sink (the compact hasher's own batch size). */
const OUT_BYTES = 1 << 16;
/** Copies shorter than this are a byte loop; longer ones `set` (a call costs more than a few bytes). */
const LOOP_COPY = 32;
/** The compact hasher throws past 100 levels (a cycle to JSON); deeper shapes are left to it. */
const MAX_NESTING = 90;
/** The longest event type name (`breaker.transition`): longer strings are no type. */
const LONGEST_TYPE = 18;

/** One step of an event's bytes. */
export type CompactOp =
  | { k: 'c'; bytes: number[] }
  | { k: 'n' }
  | { k: 'b' }
  | { k: 's' }
  /** Slots of a value the structural form leaves out (a decision's reason and data). */
  | { k: 'skip'; nums: number; strs: number };

/** Writes one event at `p` in `w.b` and returns where it ended. */
type EventWriter = (w: CompactColumns, N: Float64Array, S: Uint32Array, at: { ni: number; si: number }, p: number) => number;

/** How one shape is written: a single writer, or one per code of its top-level `type` string. */
interface ShapeWriters {
  shape: ShapeNode;
  /** Index among the event's string slots of its top-level `type` string; -1: no such string. */
  typeAt: number;
  lastCode: number;
  last: EventWriter | undefined;
  byCode: Map<number, EventWriter>;
}

/**
 * Turns kept batches, in the order they were encoded, into the structural compact bytes, handed to
 * `sink` in pieces (the hash's `update`, which must not keep the array it is given).
 */
export class CompactColumns {
  /**
   * Output and framed strings in one array: the first `out` bytes are the output being gathered,
   * every string-table entry follows (STR … 0xFF, at `off[id]` for `len[id]` bytes), so a long one
   * is copied with `copyWithin` (no view object per copy). Grown only between batches.
   */
  b: Uint8Array;
  v: DataView;
  readonly out: number;
  /** End of the framed strings in `b`. */
  private stored: number;
  off = new Int32Array(1 << 12);
  len = new Int32Array(1 << 12);
  /** By string id: its dictionary index if it names an event type, else -1. */
  typeCode = new Int16Array(1 << 12);
  private strings = 0;
  private p = 0;
  private readonly shapes: ShapeWriters[] = [];

  /** `compile: false`: the plain writers only (what runs where code generation is refused). */
  constructor(
    private readonly sink: (bytes: Uint8Array) => void,
    private readonly options: { compile?: boolean; outBytes?: number } = {},
  ) {
    this.out = options.outBytes ?? OUT_BYTES;
    this.b = new Uint8Array(this.out * 2);
    this.v = new DataView(this.b.buffer);
    this.stored = this.out;
  }

  /**
   * Takes a batch's new shapes; false when one cannot be written from the columns (an event that is
   * not an object, or too deep), and then nothing should be written with this.
   */
  prepare(batch: EncodedBatch): boolean {
    for (const shape of batch.shapes) {
      if (shape.k !== 'o' || depthOf(shape) > MAX_NESTING) return false;
      const typeAt = typeSlot(shape);
      this.shapes.push({ shape, typeAt, lastCode: -2, last: typeAt < 0 ? this.writerFor(shape, -2) : undefined, byCode: new Map() });
    }
    return true;
  }

  /** Writes every event of `batch` (its shapes prepared, in order); full outputs go to the sink. */
  write(batch: EncodedBatch): void {
    this.keepStrings(batch.strings);
    const { shapeIds, nums, strIds } = batch;
    const at = { ni: 0, si: 0 };
    const shapes = this.shapes;
    const codes = this.typeCode;
    let p = this.p;
    for (let e = 0; e < shapeIds.length; e++) {
      const s = shapes[shapeIds[e] as number] as ShapeWriters;
      let write = s.last;
      if (s.typeAt >= 0) {
        const code = codes[strIds[at.si + s.typeAt] as number] as number;
        if (code !== s.lastCode) {
          s.lastCode = code;
          s.last = s.byCode.get(code);
          if (!s.last) s.byCode.set(code, (s.last = this.writerFor(s.shape, code)));
        }
        write = s.last;
      }
      p = (write as EventWriter)(this, nums, strIds, at, p);
    }
    this.p = p;
  }

  /** Sends what is left: every byte written has then reached the sink. */
  end(): void {
    this.p = this.flush(this.p);
  }

  /** Sends the output gathered so far; the next byte goes at 0. */
  flush(p: number): number {
    if (p > 0) this.sink(this.b.subarray(0, p));
    return 0;
  }

  /** Writes string `id`'s framed bytes at `p`, leaving room for `rest` more bytes of the event. */
  str(id: number, p: number, rest: number): number {
    const o = this.off[id] as number;
    const n = this.len[id] as number;
    if (p + n + rest > this.out) {
      p = this.flush(p);
      if (n + rest > this.out) {
        this.sink(this.b.subarray(o, o + n));
        return 0;
      }
    }
    const b = this.b;
    if (n < LOOP_COPY) for (let i = 0; i < n; i++) b[p + i] = b[o + i] as number;
    else b.copyWithin(p, o, o + n);
    return p + n;
  }

  private writerFor(shape: ShapeNode, code: number): EventWriter {
    const ops = compactOps(shape, code);
    return (this.options.compile !== false ? compileCompact(ops, this.out) : undefined) ?? plainWriter(ops, this.out);
  }

  /**
   * Frames a batch's new strings in the store. Their JSON list's bytes (encodeStringList) give every
   * string's bytes; the escapes are then undone in place, which only shortens: `\uXXXX` is a control or a lone surrogate (JSON.stringify
   * escapes nothing else that way), written as its UTF-8 / WTF-8 bytes. The quotes become STR and 0xFF.
   */
  private keepStrings(fresh: readonly string[]): void {
    if (fresh.length === 0) return;
    let id = this.strings;
    this.strings += fresh.length;
    this.off = grownTo(this.off, this.strings);
    this.len = grownTo(this.len, this.strings);
    const codes = (this.typeCode = grownTo(this.typeCode, this.strings));
    for (let i = 0; i < fresh.length; i++) {
      const s = fresh[i] as string;
      const t = s.length <= LONGEST_TYPE ? DICT.get(s) : undefined;
      codes[id + i] = t !== undefined && t >= FIRST_TYPE ? t : -1;
    }
    const { bytes: m, end } = encodeStringList(this.b, this.stored, fresh);
    if (m !== this.b) {
      this.b = m;
      this.v = new DataView(m.buffer);
    }
    const { off, len } = this;
    let w = this.stored;
    // Past the '[': a string, then ',' or ']'.
    let r = this.stored + 1;
    while (r < end - 1) {
      const start = w;
      m[w++] = STR;
      r++;
      for (;;) {
        const c = m[r++] as number;
        if (c === 34) break;
        if (c !== 92) {
          m[w++] = c;
          continue;
        }
        const x = m[r++] as number;
        if (x === 117) {
          const u = parseInt(String.fromCharCode(m[r] as number, m[r + 1] as number, m[r + 2] as number, m[r + 3] as number), 16);
          r += 4;
          if (u < 0x80) m[w++] = u;
          else if (u < 0x800) {
            m[w++] = 0xc0 | (u >> 6);
            m[w++] = 0x80 | (u & 0x3f);
          } else {
            m[w++] = 0xe0 | (u >> 12);
            m[w++] = 0x80 | ((u >> 6) & 0x3f);
            m[w++] = 0x80 | (u & 0x3f);
          }
        } else m[w++] = x === 110 ? 10 : x === 116 ? 9 : x === 114 ? 13 : x === 98 ? 8 : x === 102 ? 12 : x;
      }
      m[w++] = STR_END;
      off[id] = start;
      len[id] = w - start;
      id++;
      r++;
    }
    this.stored = w;
  }
}

/** Writes a number as the compact form does, at `p` (9 bytes reserved): int32, float64 or null. */
export function putNumber(w: CompactColumns, p: number, x: number): number {
  if ((x | 0) === x) {
    w.b[p] = INT;
    w.v.setInt32(p + 1, x, true);
    return p + 5;
  }
  if (x - x === 0) {
    w.b[p] = F64;
    w.v.setFloat64(p + 1, x, true);
    return p + 9;
  }
  w.b[p] = NULL;
  return p + 1;
}

function depthOf(s: ShapeNode): number {
  return s.k === 'o' || s.k === 'a' ? 1 + s.children.reduce((d, c) => Math.max(d, depthOf(c)), 0) : 0;
}

/** How many numbers and strings a value of this shape fills. */
function slots(s: ShapeNode): { nums: number; strs: number } {
  if (s.k === 'n' || s.k === 'b') return { nums: 1, strs: 0 };
  if (s.k === 's') return { nums: 0, strs: 1 };
  let nums = 0;
  let strs = 0;
  if (s.k === 'o' || s.k === 'a') for (const c of s.children) {
    const n = slots(c);
    nums += n.nums;
    strs += n.strs;
  }
  return { nums, strs };
}

/** Index among an event's string slots of its top-level `type` string, or -1. */
function typeSlot(root: ShapeNode & { k: 'o' }): number {
  let strs = 0;
  for (let i = 0; i < root.keys.length; i++) {
    const c = root.children[i] as ShapeNode;
    if (root.keys[i] === 'type' && c.k === 's') return strs;
    strs += slots(c).strs;
  }
  return -1;
}

/**
 * The steps for an event of `root`, adjacent constants merged. `code`: the dictionary index of the
 * event's `type` string, -1 for a string that names no event type, -2 for a shape without one.
 */
export function compactOps(root: ShapeNode, code: number): CompactOp[] {
  const ops: CompactOp[] = [];
  const bytes = (...bs: number[]): void => {
    const last = ops[ops.length - 1];
    if (last?.k === 'c') last.bytes.push(...bs);
    else ops.push({ k: 'c', bytes: bs });
  };
  const key = (k: string): void => {
    const i = DICT.get(k);
    if (i !== undefined) bytes(KEY_BASE + i);
    else bytes(STR, ...stringBytes(k), STR_END);
  };
  const emit = (s: ShapeNode, top: boolean): void => {
    switch (s.k) {
      case 'n':
        ops.push({ k: 'n' });
        return;
      case 'b':
        ops.push({ k: 'b' });
        return;
      case 's':
        ops.push({ k: 's' });
        return;
      case 'z':
      case 'u':
        // `undefined` reaches here only inside an array, where JSON writes null.
        bytes(NULL);
        return;
      case 'o':
        bytes(OBJ);
        s.keys.forEach((k, i) => {
          const c = s.children[i] as ShapeNode;
          // JSON leaves out an undefined property, key and all.
          if (c.k === 'u') return;
          if (top && code === T_DECISION && (k === 'reason' || k === 'data')) {
            const n = slots(c);
            if (n.nums + n.strs > 0) ops.push({ k: 'skip', ...n });
            return;
          }
          key(k);
          if (top && k === 'type' && c.k === 's' && code >= 0) {
            bytes(TYPE, code);
            ops.push({ k: 'skip', nums: 0, strs: 1 });
          } else emit(c, false);
        });
        bytes(END);
        return;
      case 'a':
        bytes(ARR);
        for (const c of s.children) emit(c, false);
        bytes(END);
    }
  };
  emit(root, true);
  return ops;
}

/** Bytes a step needs at most, strings aside (they reserve their own room). */
const fixedBytes = (op: CompactOp): number => (op.k === 'c' ? op.bytes.length : op.k === 'n' ? 9 : op.k === 'b' ? 1 : 0);

/**
 * The steps as straight-line code, or undefined where code generation is refused. An event's fixed
 * bytes larger than the output fall back too (the plain writer flushes before each step).
 */
function compileCompact(ops: CompactOp[], out: number): EventWriter | undefined {
  const total = ops.reduce((n, op) => n + fixedBytes(op), 0);
  if (total > out) return undefined;
  const lines = ['const b = w.b; let ni = at.ni, si = at.si;', `if (p + ${total} > ${out}) p = w.flush(p);`];
  let rest = total;
  for (const op of ops) {
    rest -= fixedBytes(op);
    if (op.k === 'c') {
      op.bytes.forEach((x, i) => lines.push(`b[p + ${i}] = ${x};`));
      lines.push(`p += ${op.bytes.length};`);
    } else if (op.k === 'n') lines.push('p = num(w, p, N[ni++]);');
    else if (op.k === 'b') lines.push(`b[p++] = N[ni++] === 1 ? ${TRUE} : ${FALSE};`);
    else if (op.k === 's') lines.push(`p = w.str(S[si++], p, ${rest});`);
    else lines.push(`ni += ${op.nums}; si += ${op.strs};`);
  }
  lines.push('at.ni = ni; at.si = si;', 'return p;');
  try {
    return new Function('num', `return function writeCompact(w, N, S, at, p) {\n${lines.join('\n')}\n};`)(putNumber) as EventWriter;
  } catch {
    return undefined;
  }
}

/** The steps walked one by one: the same bytes as the generated writer, for any output size. */
function plainWriter(ops: readonly CompactOp[], out: number): EventWriter {
  return (w, N, S, at, p) => {
    const b = w.b;
    for (const op of ops) {
      switch (op.k) {
        case 'c':
          for (const x of op.bytes) {
            if (p === out) p = w.flush(p);
            b[p++] = x;
          }
          break;
        case 'n':
          if (p + 9 > out) p = w.flush(p);
          p = putNumber(w, p, N[at.ni++] as number);
          break;
        case 'b':
          if (p + 1 > out) p = w.flush(p);
          b[p++] = N[at.ni++] === 1 ? TRUE : FALSE;
          break;
        case 's':
          p = w.str(S[at.si++] as number, p, 0);
          break;
        case 'skip':
          at.ni += op.nums;
          at.si += op.strs;
      }
    }
    return p;
  };
}
