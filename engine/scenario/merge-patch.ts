/**
 * JSON Merge Patch (RFC 7396) over plain parsed-YAML values, reporting which paths the patch wrote so
 * the source map can point those paths at the patch's own lines.
 */
import { pointer, type JsonPath } from '../config/yaml-source.ts';
import { setOwn } from '../core/set-own.ts';

export interface PatchChange {
  path: JsonPath;
  /** True when the patch removed the path (a null). */
  deleted: boolean;
}

export interface MergeResult {
  value: unknown;
  changes: PatchChange[];
}

export interface MergeOptions {
  /**
   * Paths whose value the patch replaces as written instead of merging into: embedded vendor config,
   * where a half-merged Kong file would teach something no gateway does. Nulls inside stay verbatim.
   */
  replaceWhole?: JsonPath[];
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Never mutates its inputs; untouched subtrees are shared with the target. */
export function mergePatch(target: unknown, patch: unknown, opts: MergeOptions = {}): MergeResult {
  const whole = new Set((opts.replaceWhole ?? []).map(pointer));
  const changes: PatchChange[] = [];
  const value = merge(target, patch, [], whole, changes);
  return { value, changes };
}

function merge(target: unknown, patch: unknown, path: Array<string | number>, whole: Set<string>, changes: PatchChange[]): unknown {
  if (!isPlainObject(patch) || whole.has(pointer(path))) {
    changes.push({ path, deleted: false });
    return patch;
  }
  if (!isPlainObject(target)) {
    // RFC 7396: a mapping patched onto a non-mapping starts from {}; the result is the patch minus nulls.
    changes.push({ path, deleted: false });
    return stripNulls(patch);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(target)) setOwn(out, k, v);
  for (const [k, v] of Object.entries(patch)) {
    const child = [...path, k];
    if (v === null) {
      if (Object.prototype.hasOwnProperty.call(out, k)) delete out[k];
      changes.push({ path: child, deleted: true });
    } else {
      setOwn(out, k, merge(out[k], v, child, whole, changes));
    }
  }
  return out;
}

function stripNulls(v: unknown): unknown {
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) setOwn(out, k, stripNulls(x));
  return out;
}
