/**
 * Snapshots of JSON values for the `/trace` ring's event templates (event-templates.ts): an object's
 * keys in for-in order with their values, an array's items, and holes for leaves that vary. A value
 * `matches` a snapshot exactly when JSON.stringify would print both alike.
 */

/** A plain object's keys in for-in order and a snapshot of each value. */
export class ObjectShape {
  constructor(
    readonly keys: string[],
    readonly values: unknown[],
  ) {}
}

/** An array's elements as snapshots. */
export class ArrayShape {
  constructor(readonly items: unknown[]) {}
}

/**
 * A leaf of a holed template that differs from event to event: any string, or any finite number
 * (both print the same way whatever their value's history: JSON.stringify of a string, String of a
 * finite number, which is what JSON.stringify prints for one, −0 as 0 included).
 */
export class Hole {
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
      return new ObjectShape(keys, values);
    }
    default:
      // bigint (JSON.stringify throws), symbol and function (left out or null): not vouched for.
      return NOT_SNAPPABLE;
  }
}

/** Whether `value` prints as the JSON of the value `shape` was taken from. */
export function matches(value: unknown, shape: unknown): boolean {
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

/** Whether an event's first keys are type, t and req, with a finite t and a string req. */
export function hasTemplateHoles(event: Record<string, unknown>): boolean {
  const t = event.t;
  return typeof t === 'number' && Number.isFinite(t) && typeof event.req === 'string' && typeof event.type === 'string';
}
