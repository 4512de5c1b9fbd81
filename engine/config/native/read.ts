/**
 * Typed reads for the native IR's closed mappings. Every unknown key is an error at the key with the
 * nearest known key as a hint; every bad value is an error at the value that says what was expected.
 * A bad value yields the default, so one typo gives one message, not a cascade.
 */
import type { ErrorCode } from '../../core/errors.ts';
import { parseDuration } from '../../core/duration.ts';
import { didYouMean } from '../../core/nearest.ts';
import type { JsonPath } from '../yaml-source.ts';

export type Obj = Record<string, unknown>;

export interface NativeCtx {
  err(path: JsonPath, code: ErrorCode, message: string, hint?: string, key?: boolean): void;
  warn(path: JsonPath, code: ErrorCode, message: string, hint?: string, key?: boolean): void;
}

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `services[0].upstream.retry`: how messages name a place, as the file spells it. */
export function dotted(path: JsonPath): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p), '');
}

/** Opens a closed mapping at `path`; undefined (after an error) when `value` is not a mapping. */
export function open(c: NativeCtx, path: JsonPath, value: unknown, known: readonly string[]): Section | undefined {
  if (!isObj(value)) {
    c.err(path, 'GL_E_TYPE', `${dotted(path)} must be a mapping, not ${describe(value)}`);
    return undefined;
  }
  for (const k of Object.keys(value)) {
    if (!known.includes(k)) c.err([...path, k], 'GL_E_UNKNOWN_FIELD', `unknown field '${k}' in ${dotted(path)}`, didYouMean(k, known), true);
  }
  return new Section(c, path, value);
}

/** Reads the discriminating key (`kind`, or `source` for hashOn) first: it decides which other keys may appear. */
export function withKind<K extends string>(
  c: NativeCtx,
  path: JsonPath,
  value: unknown,
  keys: Record<K, readonly string[]>,
  by: 'kind' | 'source' = 'kind',
): { kind: K; s: Section } | undefined {
  if (!isObj(value)) {
    c.err(path, 'GL_E_TYPE', `${dotted(path)} must be a mapping, not ${describe(value)}`);
    return undefined;
  }
  const kind = new Section(c, path, value).choice(by, Object.keys(keys) as K[]);
  if (kind === undefined) return undefined;
  const s = open(c, path, value, keys[kind]);
  return s ? { kind, s } : undefined;
}

export class Section {
  constructor(
    readonly c: NativeCtx,
    readonly path: JsonPath,
    readonly obj: Obj,
  ) {}

  has(k: string): boolean {
    return this.obj[k] !== undefined && this.obj[k] !== null;
  }

  at(k: string): JsonPath {
    return [...this.path, k];
  }

  /** An error at key `k`'s value, naming the field. */
  bad(k: string, message: string, hint?: string, code: ErrorCode = 'GL_E_CONFIG_INVALID'): void {
    this.c.err(this.at(k), code, `${dotted(this.at(k))} ${message}`, hint);
  }

  num(k: string, dflt: number, min: number, max: number, integer = true): number {
    if (!this.has(k)) return dflt;
    const v = this.obj[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
      this.bad(k, `must be ${integer ? 'an integer' : 'a number'}, not ${describe(v)}`, undefined, 'GL_E_TYPE');
      return dflt;
    }
    if (v < min || v > max) {
      this.bad(k, `must be between ${min} and ${max}, not ${v}`);
      return dflt;
    }
    return v;
  }

  bool(k: string, dflt: boolean): boolean {
    if (!this.has(k)) return dflt;
    const v = this.obj[k];
    if (typeof v === 'boolean') return v;
    this.bad(k, `must be true or false, not ${describe(v)}`, undefined, 'GL_E_TYPE');
    return dflt;
  }

  str(k: string, dflt: string): string {
    if (!this.has(k)) return dflt;
    const v = this.obj[k];
    if (typeof v === 'string' && v !== '') return v;
    this.bad(k, `must be a non-empty string, not ${describe(v)}`, undefined, 'GL_E_TYPE');
    return dflt;
  }

  /** A Go duration ("29s", "1m30s", "250ms") or a number of milliseconds; never negative. */
  duration(k: string, dflt: number): number {
    if (!this.has(k)) return dflt;
    const v = this.obj[k];
    const ms = typeof v === 'number' ? v : typeof v === 'string' ? parseDuration(v) : undefined;
    if (ms === undefined || !Number.isFinite(ms)) {
      this.bad(k, `must be a Go duration (29s, 1m30s, 250ms) or a number of milliseconds, not ${describe(v)}`, undefined, 'GL_E_DURATION');
      return dflt;
    }
    if (ms < 0) {
      this.bad(k, `must not be negative, not ${String(v)}`);
      return dflt;
    }
    return ms;
  }

  /** One of `known`; undefined (after an error) when the value is something else. */
  choice<T extends string>(k: string, known: readonly T[], dflt?: T): T | undefined {
    if (!this.has(k)) {
      if (dflt === undefined) this.c.err(this.path, 'GL_E_CONFIG_INVALID', `${dotted(this.path)} needs ${k} (one of ${known.join(', ')})`);
      return dflt;
    }
    const v = this.obj[k];
    if (typeof v === 'string' && (known as readonly string[]).includes(v)) return v as T;
    this.bad(k, `must be one of ${known.join(', ')}, not ${describe(v)}`, typeof v === 'string' ? didYouMean(v, known) : undefined);
    return undefined;
  }

  ints(k: string, dflt: readonly number[], min: number, max: number): number[] {
    if (!this.has(k)) return [...dflt];
    const v = this.obj[k];
    if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x) && (x as number) >= min && (x as number) <= max)) {
      this.bad(k, `must be a list of integers between ${min} and ${max}, not ${describe(v)}`);
      return [...dflt];
    }
    return v as number[];
  }

  /** A list of values from `known` (a bare value counts as a list of one). */
  choices<T extends string>(k: string, known: readonly T[], dflt: readonly T[]): T[] {
    if (!this.has(k)) return [...dflt];
    const raw = this.obj[k];
    const items = Array.isArray(raw) ? raw : [raw];
    const out: T[] = [];
    items.forEach((x, i) => {
      const where = Array.isArray(raw) ? [...this.at(k), i] : this.at(k);
      if (typeof x === 'string' && (known as readonly string[]).includes(x)) out.push(x as T);
      else this.c.err(where, 'GL_E_CONFIG_INVALID', `${dotted(where)} must be one of ${known.join(', ')}, not ${describe(x)}`, typeof x === 'string' ? didYouMean(x, known) : undefined);
    });
    return out;
  }

  /** A nested closed mapping, or undefined when absent or not a mapping. */
  section(k: string, known: readonly string[]): Section | undefined {
    return this.has(k) ? open(this.c, this.at(k), this.obj[k], known) : undefined;
  }
}

export function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  return String(v);
}
