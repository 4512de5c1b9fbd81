/**
 * Snapshots of JSON values for the `/trace` ring's event templates (event-templates.ts): an object's
 * keys in for-in order with their values, an array's items, and holes for leaves that vary. A value
 * `matches` a snapshot exactly when JSON.stringify would print both alike.
 *
 * Each snapshot class carries a numeric `tag`: `matches` runs for every leaf of every event the ring
 * keeps (≈ 70 per request), and a switch on a field is cheaper than `instanceof` chains there.
 */

const OBJECT = 1;
const ARRAY = 2;
const HOLE = 3;

/** A plain object's keys in for-in order and a snapshot of each value. */
export class ObjectShape {
  readonly tag = OBJECT;
  /**
   * The object itself when it is frozen and all it holds are own data properties whose values are
   * primitives or such objects: it can never print otherwise, so the very same object matches at
   * once, without the walk. A plugin that hands out one frozen `data` object per outcome (key-auth,
   * request-transformer) gets this; fresh objects never do.
   */
  origin: object | undefined = undefined;

  constructor(
    readonly keys: string[],
    readonly values: unknown[],
  ) {}
}

/** An array's elements as snapshots. */
export class ArrayShape {
  readonly tag = ARRAY;
  constructor(readonly items: unknown[]) {}
}

/**
 * A leaf of a holed template that differs from event to event: any string, or any finite number
 * (both print the same way whatever their value's history: JSON.stringify of a string, String of a
 * finite number, which is what JSON.stringify prints for one, −0 as 0 included).
 */
export class Hole {
  readonly tag = HOLE;
  constructor(readonly kind: 'string' | 'number') {}
}
export const STRING_HOLE = new Hole('string');
export const NUMBER_HOLE = new Hole('number');

export function fillsHole(value: unknown, hole: Hole): boolean {
  return hole === STRING_HOLE ? typeof value === 'string' : typeof value === 'number' && Number.isFinite(value);
}

/** Deeper than this, no template is made (the events here are two or three levels deep). */
export const MAX_DEPTH = 8;

/** A snapshot of a JSON value, or NOT_SNAPPABLE when the walk cannot vouch for its JSON. */
export const NOT_SNAPPABLE = Symbol('not snappable');

export function snapshot(value: unknown, depth: number): unknown {
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
      const shape = new ObjectShape(keys, values);
      if (isSealedData(record, values)) shape.origin = record;
      return shape;
    }
    default:
      // bigint (JSON.stringify throws), symbol and function (left out or null): not vouched for.
      return NOT_SNAPPABLE;
  }
}

/**
 * Whether a plain object (already walked into `values`) can never print otherwise: frozen (so no key
 * is added, removed, re-valued or re-ordered, and its prototype stays Object.prototype), every own
 * property a data property (a getter could answer differently each time), every value a primitive
 * or an object that is itself sealed this way.
 */
function isSealedData(record: Record<string, unknown>, values: unknown[]): boolean {
  if (!Object.isFrozen(record)) return false;
  for (const key of Reflect.ownKeys(record)) {
    const d = Object.getOwnPropertyDescriptor(record, key);
    if (d === undefined || !('value' in d)) return false;
  }
  for (const v of values) {
    if (typeof v !== 'object' || v === null) continue;
    if (!(v instanceof ObjectShape) || v.origin === undefined) return false;
  }
  return true;
}

/** Whether `value` prints as the JSON of the value `shape` was taken from. */
export function matches(value: unknown, shape: unknown): boolean {
  if (value === shape) return true;
  // A primitive leaf that is not === (NaN included) never matches; only snapshots are objects.
  if (typeof shape !== 'object' || shape === null) return false;
  const s = shape as ObjectShape | ArrayShape | Hole;
  if (s.tag === HOLE) return fillsHole(value, s);
  if (typeof value !== 'object' || value === null) return false;
  if (s.tag === OBJECT) {
    if (value === s.origin) return true;
    if (Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) return false;
    const keys = s.keys;
    const values = s.values;
    const record = value as Record<string, unknown>;
    let i = 0;
    for (const key in record) {
      if (i >= keys.length || key !== keys[i]) return false;
      const v = record[key];
      const expected = values[i];
      if (v !== expected && !matches(v, expected)) return false;
      i++;
    }
    return i === keys.length;
  }
  if (!Array.isArray(value) || Object.getPrototypeOf(value) !== Array.prototype) return false;
  const items = s.items;
  if (value.length !== items.length) return false;
  for (let i = 0; i < items.length; i++) if (!matches(value[i], items[i])) return false;
  return true;
}

/** Whether an event's first keys are type, t and req, with a finite t and a string req. */
export function hasTemplateHoles(event: Record<string, unknown>): boolean {
  const t = event.t;
  return typeof t === 'number' && Number.isFinite(t) && typeof event.req === 'string' && typeof event.type === 'string';
}
