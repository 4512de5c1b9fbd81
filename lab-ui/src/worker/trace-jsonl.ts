/**
 * The trace's JSON lines as UTF-8, written straight from the codec's columns (trace-codec.ts): the
 * bytes the JSON-lines hash is defined over (`JSON.stringify(event) + '\n'` per event,
 * engine/trace/jsonl-hash.ts; the CLI's `traceFileSha256`, kept-batches.ts) without decoding each
 * event into an object and serialising it again. After `done` the worker hashed
 * its kept batches that way, and in Chromium the decode and `JSON.stringify` were ≈ 35 % of that
 * hash and the UTF-8 encoding of the joined lines ≈ 15–20 % (docs/benchmarks.md, the lab's fifteenth
 * pass; the SHA-256 is the rest).
 *
 * A shape fixes everything but the values: its keys, their order, which values are omitted (an
 * `undefined` property) and the punctuation. So one writer is generated per shape (as the codec's
 * encoders are), storing the constant bytes inline and calling out for each value:
 * - a string, by id: its bytes copied from `JSON.stringify` of it (escapes and lone surrogates as the
 *   serialiser writes them), encoded once per batch for all of the batch's new strings;
 * - a number as `JSON.stringify` writes it: `String(x)` (the same text for a finite number), `null`
 *   for a non-finite one, kept per key name while it repeats (a run's events share their instant's `t`);
 * - booleans, null, and `undefined` inside an array (`null`) as constants.
 * Key order is the shape's, which is the event's own (`Object.keys`, the order JSON.stringify uses).
 * A fast-check property checks the bytes against `JSON.stringify(e) + '\n'` (trace-jsonl.test.ts).
 * Where `new Function` is refused, `compileJsonl` returns undefined and the caller decodes instead.
 */
import type { EncodedBatch, ShapeNode } from './trace-codec.ts';
import { encodeStringList, grownTo } from './string-store.ts';

const utf8 = new TextEncoder();
/** The longest text `String(x)` gives for a number (`-1.2345678901234567e-308` is 24 characters). */
const NUMBER_ROOM = 25;
/** Bytes of output gathered before they go to the sink (the trace hash's own batch size). */
const OUT_BYTES = 1 << 16;
/** Copies shorter than this are a byte loop; longer ones `copyWithin` (a call costs more than a few bytes). */
const LOOP_COPY = 32;

/** Writes one event at `p` in `w.m` and returns where it ended. */
type EventWriter = (w: JsonlColumns, N: Float64Array, S: Uint32Array, at: { ni: number; si: number }, p: number) => number;

/**
 * Turns kept batches, in the order they were encoded, into the trace's JSON-lines bytes, handed to
 * `sink` in pieces (the trace hash's `update`, which must not keep the array it is given).
 */
export class JsonlColumns {
  /**
   * Output and kept string bytes in one array: the first `out` bytes are the output being gathered,
   * kept strings follow, so a kept string is copied with `copyWithin` (no view object per copy).
   */
  m: Uint8Array;
  readonly out: number;
  /** End of the kept string bytes in `m`. */
  private used: number;
  /** End of the output between batches. */
  private p = 0;
  /** By string id: where its quoted bytes are kept in `m`, and how many. */
  off = new Int32Array(1 << 12);
  len = new Int32Array(1 << 12);
  /** Strings named so far (ids run on across batches); their texts are not kept, only their bytes. */
  private strings = 0;
  /** The last number and its text at each number slot (one slot per key name). */
  readonly numValue: number[] = [];
  readonly numText: string[] = [];
  private readonly slots = new Map<string, number>();
  private readonly writers: EventWriter[] = [];

  constructor(
    private readonly sink: (bytes: Uint8Array) => void,
    outBytes = OUT_BYTES,
  ) {
    this.out = outBytes;
    this.used = outBytes;
    this.m = new Uint8Array(outBytes * 2);
  }

  /**
   * Generates the writers for a batch's new shapes; false when one cannot be made (code generation
   * refused, or a shape no event of a trace has), and then nothing should be written with this.
   */
  prepare(batch: EncodedBatch): boolean {
    for (const s of batch.shapes) {
      const writer = compileJsonl(s, this);
      if (!writer) return false;
      this.writers.push(writer);
    }
    return true;
  }

  /** Writes every event of `batch` (its shapes prepared, in order); full outputs go to the sink. */
  write(batch: EncodedBatch): void {
    this.keepStrings(batch.strings);
    const { shapeIds, nums, strIds } = batch;
    const at = { ni: 0, si: 0 };
    let p = this.p;
    for (let e = 0; e < shapeIds.length; e++) p = (this.writers[shapeIds[e] as number] as EventWriter)(this, nums, strIds, at, p);
    this.p = p;
  }

  /** Sends what is left: every byte written has then reached the sink. */
  end(): void {
    this.p = this.flush(this.p);
  }

  /** Sends the output gathered so far; the next byte goes at 0. */
  flush(p: number): number {
    if (p > 0) this.sink(this.m.subarray(0, p));
    return 0;
  }

  /** A slot for the numbers under one key name, shared by every shape. */
  slotFor(key: string): number {
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = this.numValue.length;
      this.slots.set(key, slot);
      this.numValue.push(Number.NaN);
      this.numText.push('');
    }
    return slot;
  }

  /**
   * Keeps the quoted UTF-8 of a batch's new strings after the output: `JSON.stringify` of the whole
   * list gives each string's JSON text between commas, and one `encodeInto` turns it into bytes (a
   * call per string cost ≈ 1 µs in Chromium). Each string's bytes run from its opening quote to the
   * next quote that is not escaped: inside JSON text a quote is always written `\"` and a backslash
   * `\\`, and no byte of a multi-byte character is a quote or a backslash.
   */
  private keepStrings(fresh: readonly string[]): void {
    if (fresh.length === 0) return;
    let id = this.strings;
    this.strings += fresh.length;
    this.off = grownTo(this.off, this.strings);
    this.len = grownTo(this.len, this.strings);
    const { bytes: m, end } = encodeStringList(this.m, this.used, fresh);
    this.m = m;
    const { off, len } = this;
    // Past the '[': a string, then ',' or ']'.
    let i = this.used + 1;
    while (i < end - 1) {
      const start = i++;
      for (;;) {
        const b = m[i] as number;
        if (b === 92) i += 2;
        else if (b === 34) break;
        else i++;
      }
      i++;
      off[id] = start;
      len[id] = i - start;
      id++;
      i++;
    }
    this.used = end;
  }

  /**
   * Writes string `id`, quoted, at `p`, with room left after it for `rest` more bytes of the event
   * (its constants and numbers still to come). Returns the new end.
   */
  str(id: number, p: number, rest: number): number {
    const o = this.off[id] as number;
    const n = this.len[id] as number;
    if (p + n + rest > this.out) {
      p = this.flush(p);
      if (n + rest > this.out) {
        this.sink(this.m.subarray(o, o + n));
        return 0;
      }
    }
    const m = this.m;
    if (n < LOOP_COPY) for (let i = 0; i < n; i++) m[p + i] = m[o + i] as number;
    else m.copyWithin(p, o, o + n);
    return p + n;
  }
}

/** Writes an ASCII text at `p`. */
function putAscii(m: Uint8Array, p: number, text: string): number {
  for (let i = 0; i < text.length; i++) m[p + i] = text.charCodeAt(i);
  return p + text.length;
}

/**
 * Writes a number as JSON.stringify does (NUMBER_ROOM bytes reserved at `p`): `String(x)` when
 * finite (`-0` gives "0" both ways), else null. The text is kept per slot while the number repeats.
 */
export function putNumber(w: JsonlColumns, p: number, x: number, slot: number): number {
  if (w.numValue[slot] !== x) {
    w.numValue[slot] = x;
    w.numText[slot] = x !== x || x === Infinity || x === -Infinity ? 'null' : String(x);
  }
  return putAscii(w.m, p, w.numText[slot] as string);
}

/** One step of an event's output: constant bytes, or a value read from the columns. */
type Op = { k: 'c'; bytes: number[] } | { k: 'n'; slot: number } | { k: 'b' } | { k: 's' };

/** The event's output as steps, adjacent constants merged. Undefined for a shape JSON would not give one line for. */
function opsOf(root: ShapeNode, w: JsonlColumns): Op[] | undefined {
  if (root.k === 'u') return undefined;
  const ops: Op[] = [];
  const text = (t: string): void => {
    const bytes = [...utf8.encode(t)];
    const last = ops[ops.length - 1];
    if (last?.k === 'c') last.bytes.push(...bytes);
    else ops.push({ k: 'c', bytes });
  };
  const emit = (s: ShapeNode, key: string): void => {
    switch (s.k) {
      case 'n':
        ops.push({ k: 'n', slot: w.slotFor(key) });
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
        text('null');
        return;
      case 'o': {
        text('{');
        let first = true;
        s.keys.forEach((k, i) => {
          const child = s.children[i] as ShapeNode;
          // JSON.stringify leaves out a property whose value is undefined, comma and all.
          if (child.k === 'u') return;
          text(`${first ? '' : ','}${JSON.stringify(k)}:`);
          first = false;
          emit(child, k);
        });
        text('}');
        return;
      }
      case 'a':
        text('[');
        s.children.forEach((c, i) => {
          if (i > 0) text(',');
          emit(c, `${key}[]`);
        });
        text(']');
    }
  };
  emit(root, '');
  text('\n');
  return ops;
}

/** Bytes an op needs at most, strings aside (they reserve their own room). */
const fixedBytes = (op: Op): number => (op.k === 'c' ? op.bytes.length : op.k === 'n' ? NUMBER_ROOM : op.k === 'b' ? 5 : 0);

/** A generated writer for one shape, or undefined (see `opsOf`, and where code generation is refused). */
export function compileJsonl(shape: ShapeNode, w: JsonlColumns): EventWriter | undefined {
  const ops = opsOf(shape, w);
  if (!ops) return undefined;
  const total = ops.reduce((n, op) => n + fixedBytes(op), 0);
  // An event's constants and numbers must fit the output once it is flushed.
  if (total > w.out) return undefined;
  const lines = ['let m = w.m, ni = at.ni, si = at.si;', `if (p + ${total} > w.out) p = w.flush(p);`];
  let rest = total;
  for (const op of ops) {
    rest -= fixedBytes(op);
    if (op.k === 'c') {
      op.bytes.forEach((b, i) => lines.push(`m[p + ${i}] = ${b};`));
      lines.push(`p += ${op.bytes.length};`);
    } else if (op.k === 'n') lines.push(`p = num(w, p, N[ni++], ${op.slot});`);
    else if (op.k === 'b') lines.push(`p = put(m, p, N[ni++] === 1 ? 'true' : 'false');`);
    // A string may flush the output or grow `m`: read it again after.
    else lines.push(`p = w.str(S[si++], p, ${rest});`);
  }
  lines.push('at.ni = ni; at.si = si;', 'return p;');
  try {
    return new Function('num', 'put', `return function writeEvent(w, N, S, at, p) {\n${lines.join('\n')}\n};`)(putNumber, putAscii) as EventWriter;
  } catch {
    return undefined;
  }
}
