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

/** How one value is laid out: a leaf kind, or an object/array with its children in key order. */
type ShapeNode =
  | { k: 'n' | 'b' | 'z' | 'u' }
  /** The encoder's copy remembers the last string at this place: most repeat the previous event's. */
  | { k: 's'; last?: string; lastId?: number }
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

/** Growable typed arrays for one batch. */
class Column<A extends Float64Array | Uint32Array> {
  length = 0;
  constructor(public data: A) {}
  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new (this.data.constructor as new (n: number) => A)(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }
  done(): A {
    return this.data.slice(0, this.length) as A;
  }
}

/** The worker's side: keeps the shape and string tables across the batches of one run. */
export class TraceEncoder {
  private readonly shapes: ShapeNode[] = [];
  /** The shapes as sent: copies without the encoder's last-string memory. */
  private readonly sent: ShapeNode[] = [];
  /** Candidate shape ids by the event's `type`, most recently used first. */
  private readonly byType = new Map<unknown, number[]>();
  private readonly stringIds = new Map<string, number>();

  encode(events: readonly object[]): EncodedBatch {
    const shapesBefore = this.shapes.length;
    const newStrings: string[] = [];
    const shapeIds = new Uint32Array(events.length);
    const nums = new Column(new Float64Array(Math.max(16, events.length * 4)));
    const strIds = new Column(new Uint32Array(Math.max(16, events.length * 8)));
    const intern = (v: string): number => {
      let id = this.stringIds.get(v);
      if (id === undefined) {
        id = this.stringIds.size;
        this.stringIds.set(v, id);
        newStrings.push(v);
      }
      return id;
    };
    // Checks the shape and writes the values in one walk (a separate check walked every event
    // twice); on a mismatch the caller rolls the columns back and tries the next shape.
    const write = (s: ShapeNode, v: unknown): boolean => {
      switch (s.k) {
        case 'n':
          if (typeof v !== 'number') return false;
          nums.push(v);
          return true;
        case 'b':
          if (typeof v !== 'boolean') return false;
          nums.push(v ? 1 : 0);
          return true;
        case 's': {
          if (typeof v !== 'string') return false;
          // Same string as last time here: skip the table lookup (most of the encoder's time).
          if (v === s.last) {
            strIds.push(s.lastId as number);
            return true;
          }
          const id = intern(v);
          s.last = v;
          s.lastId = id;
          strIds.push(id);
          return true;
        }
        case 'z':
          return v === null;
        case 'u':
          return v === undefined;
        case 'o': {
          if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
          const keys = s.keys;
          let n = 0;
          for (const key in v) {
            if (keys[n] !== key || !write(s.children[n] as ShapeNode, (v as Record<string, unknown>)[key])) return false;
            n++;
          }
          return n === keys.length;
        }
        case 'a': {
          if (!Array.isArray(v) || v.length !== s.children.length) return false;
          for (let i = 0; i < v.length; i++) if (!write(s.children[i] as ShapeNode, v[i])) return false;
          return true;
        }
      }
    };
    for (let e = 0; e < events.length; e++) {
      const ev = events[e] as Record<string, unknown>;
      const type = ev.type;
      let candidates = this.byType.get(type);
      if (!candidates) this.byType.set(type, (candidates = []));
      const numsAt = nums.length;
      const strsAt = strIds.length;
      let id = -1;
      for (let c = 0; c < candidates.length; c++) {
        if (write(this.shapes[candidates[c] as number] as ShapeNode, ev)) {
          id = candidates[c] as number;
          // Move to front: a run repeats a few shapes per type, so the first try usually fits.
          if (c > 0) candidates.splice(c, 1), candidates.unshift(id);
          break;
        }
        nums.length = numsAt;
        strIds.length = strsAt;
      }
      if (id < 0) {
        id = this.shapes.length;
        const shape = shapeOf(ev);
        this.sent.push(structuredClone(shape));
        this.shapes.push(shape);
        candidates.unshift(id);
        write(shape, ev);
      }
      shapeIds[e] = id;
    }
    return { shapes: this.sent.slice(shapesBefore), strings: newStrings, shapeIds, nums: nums.done(), strIds: strIds.done() };
  }
}

/** The page's side: the tables grow with each batch, in the order the encoder sent them. */
export class TraceDecoder {
  private readonly shapes: ShapeNode[] = [];
  private readonly strings: string[] = [];

  decode<T = unknown>(b: EncodedBatch): T[] {
    for (const s of b.shapes) this.shapes.push(s);
    for (const s of b.strings) this.strings.push(s);
    const { nums, strIds } = b;
    const strings = this.strings;
    let ni = 0;
    let si = 0;
    const read = (s: ShapeNode): unknown => {
      switch (s.k) {
        case 'n':
          return nums[ni++];
        case 'b':
          return nums[ni++] === 1;
        case 's':
          return strings[strIds[si++] as number];
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
            if (key === '__proto__') Object.defineProperty(o, key, { value: v, enumerable: true, writable: true, configurable: true });
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
    const out = new Array<T>(b.shapeIds.length);
    for (let e = 0; e < b.shapeIds.length; e++) out[e] = read(this.shapes[b.shapeIds[e] as number] as ShapeNode) as T;
    return out;
  }
}
