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
    private readonly shape: ObjectShape,
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

/** Templates kept per kind of event (its type, plugin and phase): a balancer alternating targets needs several. */
const PER_KIND = 4;
/** After this many misses in a row a kind is tried only every SPARSE_EVERY events (it varies every time). */
const MISS_STREAK = 32;
const SPARSE_EVERY = 16;
/** A kind whose templates keep missing makes new ones ever more rarely: after 1, 2, 4, … misses, at most this many. */
const MAX_BACKOFF = 1024;

/** The templates of one kind of event, most recently useful first. */
class Kind {
  templates: EventTemplate[] = [];
  missStreak = 0;
  sinceMade = 1;
  backoff = 1;
}

/**
 * Finds the template an event fits, learning new ones from misses. Keyed by type, then `plugin` and
 * `phase` when the event has them (decisions), so kinds that never repeat (a rate limit's counts)
 * neither evict nor slow the ones that do.
 */
export class EventTemplates {
  private readonly kinds = new Map<string, Map<string | undefined, Map<string | undefined, Kind>>>();

  /** The template `event` fits (perhaps one made from it just now), or undefined: then it is encoded with JSON.stringify. */
  find(event: Record<string, unknown>): EventTemplate | undefined {
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
      return template;
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
    }
    return undefined;
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
