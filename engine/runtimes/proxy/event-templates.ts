/**
 * Most trace events a proxy emits repeat the one before them of the same kind, save for their time
 * and request id: the router's decision, key-auth's, the balancer's, `upstream.send`… Their JSON is
 * the same text with two numbers and a string changed. The `/trace` ring (encoded-ring.ts) asks here
 * whether an event matches a template taken from an earlier one; when it does, the ring keeps only
 * the template, `t` and `req`, and skips `JSON.stringify` for it (≈ 0.5 µs an event, ten events a
 * request under the bench config).
 *
 * A template is exact, not a guess. JSON.stringify's output depends only on the sequence of own
 * enumerable keys and their values, recursively. A template keeps that sequence and every leaf of
 * the event it was made from, and an event matches only when a walk in the same order meets the same
 * keys and `===` leaves (NaN never matches; +0 and −0 print alike). Anything the walk cannot vouch
 * for — a class instance, a Date, a bigint, a function, a cycle — makes no template, so those events
 * always go through JSON.stringify as before.
 */

/** A plain object's keys in for-in order and a snapshot of each value. */
class ObjectShape {
  constructor(
    readonly keys: string[],
    readonly values: unknown[],
  ) {}
}

/** An array's elements as snapshots. */
class ArrayShape {
  constructor(readonly items: unknown[]) {}
}

/**
 * A leaf of a holed template that differs from event to event: any string, or any finite number
 * (both print the same way whatever their value's history: JSON.stringify of a string, String of a
 * finite number, which is what JSON.stringify prints for one, −0 as 0 included).
 */
class Hole {
  constructor(readonly kind: 'string' | 'number') {}
}
const STRING_HOLE = new Hole('string');
const NUMBER_HOLE = new Hole('number');

function fillsHole(value: unknown, hole: Hole): boolean {
  return hole === STRING_HOLE ? typeof value === 'string' : typeof value === 'number' && Number.isFinite(value);
}

/** Deeper than this, no template is made (the events here are two or three levels deep). */
const MAX_DEPTH = 8;

/** A snapshot of a JSON value, or NOT_SNAPPABLE when the walk cannot vouch for its JSON. */
const NOT_SNAPPABLE = Symbol('not snappable');

function snapshot(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'undefined':
      return value;
    case 'object': {
      if (value === null) return null;
      if (depth >= MAX_DEPTH) return NOT_SNAPPABLE;
      const proto: unknown = Object.getPrototypeOf(value);
      if (Array.isArray(value)) {
        if (proto !== Array.prototype) return NOT_SNAPPABLE;
        const items = new Array<unknown>(value.length);
        for (let i = 0; i < value.length; i++) {
          const s = snapshot(value[i], depth + 1);
          if (s === NOT_SNAPPABLE) return NOT_SNAPPABLE;
          items[i] = s;
        }
        return new ArrayShape(items);
      }
      if (proto !== Object.prototype) return NOT_SNAPPABLE;
      const keys: string[] = [];
      const values: unknown[] = [];
      const record = value as Record<string, unknown>;
      for (const key in record) {
        const s = snapshot(record[key], depth + 1);
        if (s === NOT_SNAPPABLE) return NOT_SNAPPABLE;
        keys.push(key);
        values.push(s);
      }
      return new ObjectShape(keys, values);
    }
    default:
      // bigint (JSON.stringify throws), symbol and function (left out or null): not vouched for.
      return NOT_SNAPPABLE;
  }
}

/** Whether `value` prints as the JSON of the value `shape` was taken from. */
function matches(value: unknown, shape: unknown): boolean {
  if (value === shape) return true;
  if (shape instanceof Hole) return fillsHole(value, shape);
  if (typeof value !== 'object' || value === null) return false;
  if (shape instanceof ObjectShape) {
    if (Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) return false;
    const keys = shape.keys;
    const values = shape.values;
    const record = value as Record<string, unknown>;
    let i = 0;
    for (const key in record) {
      if (i >= keys.length || key !== keys[i] || !matches(record[key], values[i])) return false;
      i++;
    }
    return i === keys.length;
  }
  if (shape instanceof ArrayShape) {
    if (!Array.isArray(value) || Object.getPrototypeOf(value) !== Array.prototype) return false;
    const items = shape.items;
    if (value.length !== items.length) return false;
    for (let i = 0; i < items.length; i++) if (!matches(value[i], items[i])) return false;
    return true;
  }
  return false;
}

/**
 * One event's JSON with its `t` and `req` left out: `head` + t + `,"req":` + JSON of req + `tail`
 * is exactly JSON.stringify of any event that `matches` it.
 */
export class EventTemplate {
  constructor(
    readonly shape: ObjectShape,
    readonly head: string,
    readonly tail: string,
  ) {}

  /** The event's JSON, given its time and request id (what the ring kept of it). */
  json(t: number, req: string): string {
    return `${this.head}${String(t)},"req":${JSON.stringify(req)}${this.tail}`;
  }

  /** Whether `event` prints as this template with its own `t` and `req`. */
  fits(event: Record<string, unknown>): boolean {
    // A class instance with the same own keys may print otherwise (a toJSON on its prototype).
    if (Object.getPrototypeOf(event) !== Object.prototype) return false;
    const keys = this.shape.keys;
    const values = this.shape.values;
    let i = 0;
    for (const key in event) {
      if (i >= keys.length || key !== keys[i]) return false;
      // t and req (positions 1 and 2) are the holes; their kinds are checked by the caller.
      if (i > 2 && !matches(event[key], values[i])) return false;
      else if (i === 0 && event[key] !== values[0]) return false;
      i++;
    }
    return i === keys.length;
  }
}

/** Whether an event's first keys are type, t and req, with a finite t and a string req. */
export function hasTemplateHoles(event: Record<string, unknown>): boolean {
  const t = event.t;
  return typeof t === 'number' && Number.isFinite(t) && typeof event.req === 'string' && typeof event.type === 'string';
}

/** A template from this event, or undefined when its JSON cannot be vouched for. */
export function makeTemplate(event: Record<string, unknown>): EventTemplate | undefined {
  if (!hasTemplateHoles(event) || Object.getPrototypeOf(event) !== Object.prototype) return undefined;
  const shape = snapshot(event, 0);
  if (!(shape instanceof ObjectShape)) return undefined;
  if (shape.keys[0] !== 'type' || shape.keys[1] !== 't' || shape.keys[2] !== 'req') return undefined;
  const json = JSON.stringify(event);
  const head = `{"type":${JSON.stringify(event.type)},"t":`;
  const prefix = `${head}${String(event.t)},"req":${JSON.stringify(event.req)}`;
  if (!json.startsWith(prefix)) return undefined;
  return new EventTemplate(shape, head, json.slice(prefix.length));
}

/** More varying leaves than this (besides `t` and `req`) and a kind is left to JSON.stringify. */
const MAX_HOLES = 8;

/**
 * A template whose varying leaves are holes: the rate limit's access decision (its reason and data
 * carry the counts), `request.end` and `upstream.response` (their durations). The ring keeps an event
 * that fits as its hole values, numbers in a Float64Array and strings in one JSON array per batch, and
 * prints it from them when `/trace` asks: the numbers, `t` among them, are never turned into text
 * while serving, and the strings are stringified together, one call per batch instead of one
 * JSON.stringify of each whole event.
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
function makeHoledTemplate(baseShape: ObjectShape, event: Record<string, unknown>): HoledTemplate | undefined {
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

/** Templates kept per kind of event (its type, plugin and phase): a balancer alternating targets needs several. */
const PER_KIND = 4;
/** After this many misses in a row a kind is tried only every SPARSE_EVERY events (it varies every time). */
const MISS_STREAK = 32;
const SPARSE_EVERY = 16;
/** A kind whose templates keep missing makes new ones ever more rarely: after 1, 2, 4, … misses, at most this many. */
const MAX_BACKOFF = 1024;

/**
 * After this many events in a row that only the holed template fitted, a kind's exact templates are
 * dropped: the kind varies (a rate limit's counts), and each of them would fail a walk per event.
 */
const DROP_EXACT_AFTER = 64;

/** The templates of one kind of event, most recently useful first, and its holed template. */
class Kind {
  templates: EventTemplate[] = [];
  holed: HoledTemplate | undefined = undefined;
  missStreak = 0;
  sinceMade = 1;
  backoff = 1;
  holedStreak = 0;
}

/**
 * Finds the template an event fits, learning new ones from misses. Keyed by type, then `plugin` and
 * `phase` when the event has them (decisions), so kinds that never repeat (a rate limit's counts)
 * neither evict nor slow the ones that do.
 */
export class EventTemplates {
  private readonly kinds = new Map<string, Map<string | undefined, Map<string | undefined, Kind>>>();

  /**
   * The template `event` fits (perhaps one made from it just now), or undefined: then it is encoded
   * with JSON.stringify. Exact templates are tried first (they cost nothing to print), then the kind's
   * holed template (printed per event, still far cheaper than JSON.stringify of the event).
   */
  find(event: Record<string, unknown>): EventTemplate | HoledTemplate | undefined {
    if (!hasTemplateHoles(event)) return undefined;
    // Only strings key a kind: names from the config and the code, a bounded set.
    const plugin = typeof event.plugin === 'string' ? event.plugin : undefined;
    const phase = typeof event.phase === 'string' ? event.phase : undefined;
    const kind = this.kindOf(event.type as string, plugin, phase);
    if (kind.missStreak >= MISS_STREAK && kind.missStreak++ % SPARSE_EVERY !== 0) return undefined;
    const templates = kind.templates;
    for (let i = 0; i < templates.length; i++) {
      const template = templates[i] as EventTemplate;
      if (!template.fits(event)) continue;
      if (i > 0) {
        templates.splice(i, 1);
        templates.unshift(template);
      }
      kind.missStreak = 0;
      kind.backoff = 1;
      kind.holedStreak = 0;
      return template;
    }
    const holed = kind.holed;
    if (holed !== undefined && holed.fits(event)) {
      kind.missStreak = 0;
      if (++kind.holedStreak >= DROP_EXACT_AFTER && templates.length > 0) templates.length = 0;
      return holed;
    }
    kind.missStreak++;
    if (kind.sinceMade++ >= kind.backoff) {
      const made = makeTemplate(event);
      kind.sinceMade = 1;
      kind.backoff = Math.min(MAX_BACKOFF, kind.backoff * 2);
      if (made) {
        templates.unshift(made);
        if (templates.length > PER_KIND) templates.length = PER_KIND;
        // Made from this very event, so it prints it exactly: no second JSON.stringify for it.
        return made;
      }
      return undefined;
    }
    // Between exact templates: widen the holed one (or the latest exact one) by this event's leaves.
    const base = holed?.shape ?? templates[0]?.shape;
    if (base === undefined) return undefined;
    const widened = makeHoledTemplate(base, event);
    if (widened === undefined) return undefined;
    kind.holed = widened;
    kind.missStreak = 0;
    return widened;
  }

  private kindOf(type: string, plugin: string | undefined, phase: string | undefined): Kind {
    let byPlugin = this.kinds.get(type);
    if (!byPlugin) this.kinds.set(type, (byPlugin = new Map()));
    let byPhase = byPlugin.get(plugin);
    if (!byPhase) byPlugin.set(plugin, (byPhase = new Map()));
    let kind = byPhase.get(phase);
    if (!kind) byPhase.set(phase, (kind = new Kind()));
    return kind;
  }
}
