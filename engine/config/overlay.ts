/**
 * Config overlays: a scenario can lay small files over a vendor config (the lesson's Kong fragments lack
 * `_format_version`; an overlay adds it) without copying the config. The merge is structural, and the
 * source map follows it, so a diagnostic about a merged value points at the file that last wrote it.
 */
import type { JsonPath, SourceMap } from './yaml-source.ts';

export interface MappedValue {
  value: unknown;
  map: SourceMap;
}

/**
 * Keys that identify an element in a list of entities, tried in this order. A list merges element-wise
 * only when one key is present (as a string or number) on every element of both lists and unique in each;
 * otherwise the overlay's list replaces the base list, which is the only predictable choice.
 */
const IDENTITY_KEYS = ['name', 'username', 'id'] as const;

/**
 * Lays each overlay over the base, in order. Objects merge key by key; lists of entities merge by their
 * identity key (matching entries merge, new ones are appended); every other value, `null` included, is
 * replaced. Inputs are not modified.
 */
export function mergeOverlays(base: MappedValue, overlays: ReadonlyArray<MappedValue>): MappedValue {
  let value = cloneData(base.value);
  const map = base.map.clone();
  for (const overlay of overlays) {
    value = mergeValue(value, overlay.value, [], map, overlay.map, []);
  }
  return { value, map };
}

function mergeValue(
  base: unknown,
  over: unknown,
  path: JsonPath,
  map: SourceMap,
  overMap: SourceMap,
  overPath: JsonPath,
): unknown {
  if (isPlainObject(base) && isPlainObject(over)) {
    for (const [key, overChild] of Object.entries(over)) {
      const childPath = [...path, key];
      const overChildPath = [...overPath, key];
      if (Object.hasOwn(base, key)) {
        base[key] = mergeValue(base[key], overChild, childPath, map, overMap, overChildPath);
      } else {
        base[key] = cloneData(overChild);
        replaceLocations(map, childPath, overMap, overChildPath);
      }
    }
    return base;
  }
  if (Array.isArray(base) && Array.isArray(over)) {
    const key = identityKey(base, over);
    if (key) return mergeList(base, over, key, path, map, overMap, overPath);
  }
  replaceLocations(map, path, overMap, overPath);
  return cloneData(over);
}

function mergeList(
  base: unknown[],
  over: unknown[],
  key: string,
  path: JsonPath,
  map: SourceMap,
  overMap: SourceMap,
  overPath: JsonPath,
): unknown[] {
  over.forEach((overItem, overIndex) => {
    const id = (overItem as Record<string, unknown>)[key];
    const at = base.findIndex((b) => (b as Record<string, unknown>)[key] === id);
    if (at >= 0) {
      base[at] = mergeValue(base[at], overItem, [...path, at], map, overMap, [...overPath, overIndex]);
    } else {
      const index = base.length;
      base.push(cloneData(overItem));
      replaceLocations(map, [...path, index], overMap, [...overPath, overIndex]);
    }
  });
  return base;
}

/** The identity key shared by every element of both lists, or undefined when the lists do not merge. */
function identityKey(base: unknown[], over: unknown[]): string | undefined {
  const all = [...base, ...over];
  if (all.length === 0 || !all.every(isPlainObject)) return undefined;
  for (const key of IDENTITY_KEYS) {
    const usable = (list: unknown[]): boolean => {
      const seen = new Set<unknown>();
      for (const item of list) {
        const v = (item as Record<string, unknown>)[key];
        if (typeof v !== 'string' && typeof v !== 'number') return false;
        if (seen.has(v)) return false;
        seen.add(v);
      }
      return true;
    };
    if (usable(base) && usable(over)) return key;
  }
  return undefined;
}

function replaceLocations(map: SourceMap, path: JsonPath, overMap: SourceMap, overPath: JsonPath): void {
  map.prune(path);
  map.graft(overMap, overPath, path);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A deep copy of parsed YAML data (plain objects, arrays, scalars), so merging never aliases inputs. */
function cloneData(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(cloneData);
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(v)) out[k] = cloneData(child);
    return out;
  }
  return v;
}
