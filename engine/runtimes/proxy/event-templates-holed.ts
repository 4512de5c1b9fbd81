/**
 * Holed templates for the `/trace` ring: an event kind whose string or number leaves vary (counts in
 * a reason, durations) is kept as its hole values and printed from pieces of JSON around them.
 */
import { hasTemplateHoles, ArrayShape, Hole, MAX_DEPTH, NOT_SNAPPABLE, NUMBER_HOLE, ObjectShape, STRING_HOLE, fillsHole, matches } from './event-shapes.ts';

/** More varying leaves than this (besides `t` and `req`) and a kind is left to JSON.stringify. */
const MAX_HOLES = 8;

/**
 * A template whose varying leaves are holes: the rate limit's access decision (its reason and data
 * carry the counts), `request.end` and `upstream.response` (their durations). The ring keeps an event
 * that fits as its hole values, numbers in a Float64Array and strings as their code units per batch
 * (encoded-ring.ts), and prints it from them when `/trace` asks: the numbers, `t` among them, are
 * never turned into text while serving, and the strings are copied together, once per batch, instead
 * of one JSON.stringify of each whole event.
 */
export class HoledTemplate {
  /** How many holes it has, and how many of them take a number (the rest take a string). */
  readonly holeCount: number;
  readonly numberHoles: number;

  constructor(
    readonly shape: ObjectShape,
    /** The JSON around the holes: `pieces[k]` comes before hole k, the last one after every hole. */
    private readonly pieces: string[],
    /** Where each hole's value is in an event, key by key (or index in an array), in print order. */
    private readonly paths: Array<Array<string | number>>,
    private readonly holes: Hole[],
  ) {
    this.holeCount = holes.length;
    this.numberHoles = holes.filter((h) => h === NUMBER_HOLE).length;
  }

  /** Whether `event` prints as this template with its own hole values. */
  fits(event: Record<string, unknown>): boolean {
    return matches(event, this.shape);
  }

  /** Appends the hole values of an event that fits: numbers to `numbers` from `at`, strings to `strings`; returns the next `at`. */
  collect(event: Record<string, unknown>, numbers: Float64Array, at: number, strings: string[]): number {
    const paths = this.paths;
    const holes = this.holes;
    for (let k = 0; k < paths.length; k++) {
      const path = paths[k] as Array<string | number>;
      let v: unknown = event;
      for (let i = 0; i < path.length; i++) v = (v as Record<string | number, unknown>)[path[i] as string | number];
      if (holes[k] === NUMBER_HOLE) numbers[at++] = v as number;
      else strings.push(v as string);
    }
    return at;
  }

  /**
   * The event's JSON from its hole values: numbers from `numbers[at]` on, strings from `strings[from]`
   * on, in the order `collect` gave them.
   */
  json(numbers: ArrayLike<number>, at: number, strings: readonly string[], from: number): string {
    const pieces = this.pieces;
    const holes = this.holes;
    let out = pieces[0] as string;
    for (let k = 0; k < holes.length; k++) {
      // String of a finite number is what JSON.stringify prints for it (−0 as 0 included).
      out += holes[k] === NUMBER_HOLE ? String(numbers[at++] as number) : JSON.stringify(strings[from++] as string);
      out += pieces[k + 1] as string;
    }
    return out;
  }

  /** JSON.stringify(event) of an event that fits, through `collect` and `json`. */
  render(event: Record<string, unknown>): string {
    const numbers = new Float64Array(this.numberHoles);
    const strings: string[] = [];
    this.collect(event, numbers, 0, strings);
    return this.json(numbers, 0, strings, 0);
  }
}

/**
 * `base` with every leaf where `value` differs made a hole, when both leaves are strings or both
 * finite numbers and everything else (keys, their order, array lengths, leaves elsewhere) is the same;
 * NOT_SNAPPABLE otherwise. `holes` counts the holes made or kept.
 */
function generalize(base: unknown, value: unknown, depth: number, holes: { n: number }): unknown {
  if (base instanceof Hole) {
    if (!fillsHole(value, base)) return NOT_SNAPPABLE;
    holes.n++;
    return base;
  }
  if (base instanceof ObjectShape) {
    // The very object a sealed snapshot was taken from (event-shapes.ts): nothing in it varies.
    if (base.origin !== undefined && value === base.origin) return base;
    if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype || depth >= MAX_DEPTH) return NOT_SNAPPABLE;
    const record = value as Record<string, unknown>;
    const values: unknown[] = [];
    let i = 0;
    for (const key in record) {
      if (i >= base.keys.length || key !== base.keys[i]) return NOT_SNAPPABLE;
      const s = generalize(base.values[i], record[key], depth + 1, holes);
      if (s === NOT_SNAPPABLE) return NOT_SNAPPABLE;
      values.push(s);
      i++;
    }
    return i === base.keys.length ? new ObjectShape(base.keys, values) : NOT_SNAPPABLE;
  }
  if (base instanceof ArrayShape) {
    if (!Array.isArray(value) || Object.getPrototypeOf(value) !== Array.prototype || value.length !== base.items.length || depth >= MAX_DEPTH) return NOT_SNAPPABLE;
    const items = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const s = generalize(base.items[i], value[i], depth + 1, holes);
      if (s === NOT_SNAPPABLE) return NOT_SNAPPABLE;
      items[i] = s;
    }
    return new ArrayShape(items);
  }
  if (value === base) return base;
  if (typeof base === 'string' && typeof value === 'string') {
    holes.n++;
    return STRING_HOLE;
  }
  if (typeof base === 'number' && typeof value === 'number' && Number.isFinite(base) && Number.isFinite(value)) {
    holes.n++;
    return NUMBER_HOLE;
  }
  return NOT_SNAPPABLE;
}

/** Writes a shape's JSON as JSON.stringify would, cut at each hole (see HoledTemplate). */
class PieceWriter {
  pieces: string[] = [];
  paths: Array<Array<string | number>> = [];
  holes: Hole[] = [];
  private current = '';
  private readonly path: Array<string | number> = [];

  write(shape: unknown): void {
    if (shape instanceof Hole) {
      this.pieces.push(this.current);
      this.current = '';
      this.paths.push([...this.path]);
      this.holes.push(shape);
    } else if (shape instanceof ObjectShape) {
      this.current += '{';
      let first = true;
      for (let i = 0; i < shape.keys.length; i++) {
        const v = shape.values[i];
        // JSON.stringify leaves out a key whose value is undefined (a hole never is).
        if (v === undefined) continue;
        if (!first) this.current += ',';
        first = false;
        const key = shape.keys[i] as string;
        this.current += `${JSON.stringify(key)}:`;
        this.path.push(key);
        this.write(v);
        this.path.pop();
      }
      this.current += '}';
    } else if (shape instanceof ArrayShape) {
      this.current += '[';
      for (let i = 0; i < shape.items.length; i++) {
        if (i > 0) this.current += ',';
        this.path.push(i);
        // In an array JSON.stringify prints undefined as null.
        this.write(shape.items[i] === undefined ? null : shape.items[i]);
        this.path.pop();
      }
      this.current += ']';
    } else {
      this.current += JSON.stringify(shape);
    }
  }

  end(): string[] {
    this.pieces.push(this.current);
    return this.pieces;
  }
}

/**
 * A holed template for `event` from the shape of a template of its kind, or undefined when they
 * differ in more than string and number leaves or in more than MAX_HOLES of them.
 */
export function makeHoledTemplate(baseShape: ObjectShape, event: Record<string, unknown>): HoledTemplate | undefined {
  if (!hasTemplateHoles(event)) return undefined;
  const holes = { n: 0 };
  // t and req are holes from the start: they differ in nearly every event.
  const start = new ObjectShape(baseShape.keys, baseShape.values.map((v, i) => (i === 1 ? NUMBER_HOLE : i === 2 ? STRING_HOLE : v)));
  const shape = generalize(start, event, 0, holes);
  if (!(shape instanceof ObjectShape) || holes.n - 2 > MAX_HOLES) return undefined;
  const writer = new PieceWriter();
  writer.write(shape);
  const template = new HoledTemplate(shape, writer.end(), writer.paths, writer.holes);
  // A self-check that costs one render per template made: the writer must agree with JSON.stringify.
  return template.render(event) === JSON.stringify(event) ? template : undefined;
}
