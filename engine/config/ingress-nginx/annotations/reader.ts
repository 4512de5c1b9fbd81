/**
 * Reads one Ingress's annotations with ingress-nginx's three outcomes per key: missing (the default,
 * silently), a validation error (the controller logs "… is invalid, defaulting to …"), or content Go
 * cannot parse. gatelab turns the last two into warnings at the annotation's own line.
 */
import type { AdaptContext, ResourceNode } from '../context.ts';
import { ANNOTATION_PREFIX } from './catalog.ts';
import { goAtoi, goParseBool, normalizeString, VALIDATORS } from './values.ts';

export type Outcome<T> = { status: 'ok'; value: T } | { status: 'missing' } | { status: 'invalid'; validation: boolean };

export class AnnotationReader {
  constructor(
    private readonly ctx: AdaptContext,
    private readonly node: ResourceNode,
    private readonly values: Record<string, string>,
  ) {}

  path(key: string): Array<string | number> {
    return ['metadata', 'annotations', ANNOTATION_PREFIX + key];
  }

  has(key: string): boolean {
    return this.values[ANNOTATION_PREFIX + key] !== undefined;
  }

  /** The raw value of the first of `keys` that is set and non-empty (annotation aliases). */
  private rawOf(keys: readonly string[]): { key: string; value: string } | undefined {
    for (const key of keys) {
      const value = this.values[ANNOTATION_PREFIX + key];
      if (value !== undefined && value !== '') return { key, value };
    }
    const first = keys[0] as string;
    const empty = this.values[ANNOTATION_PREFIX + first];
    return empty === undefined ? undefined : { key: first, value: empty };
  }

  warn(key: string, message: string, hint?: string): void {
    this.ctx.warn(this.node, this.path(key), 'GL_W_NO_EFFECT', message, hint);
  }

  invalid(key: string, value: string, expected: string, fallback: string): void {
    this.warn(key, `${ANNOTATION_PREFIX}${key}: "${value}" is not ${expected}; ingress-nginx logs a warning and uses ${fallback}`);
  }

  string(keys: string | readonly string[], validate?: (s: string) => boolean): Outcome<string> & { key?: string } {
    const raw = this.rawOf(typeof keys === 'string' ? [keys] : keys);
    if (!raw) return { status: 'missing' };
    if (raw.value !== '' && (!VALIDATORS.noNewlines(raw.value) || (validate && !validate(raw.value)))) {
      return { status: 'invalid', validation: true, key: raw.key };
    }
    const s = normalizeString(raw.value);
    if (s === '') return { status: 'invalid', validation: false, key: raw.key };
    return { status: 'ok', value: s, key: raw.key };
  }

  bool(key: string): Outcome<boolean> {
    const raw = this.rawOf([key]);
    if (!raw) return { status: 'missing' };
    const b = goParseBool(raw.value);
    return b === undefined ? { status: 'invalid', validation: raw.value !== '' } : { status: 'ok', value: b };
  }

  int(key: string): Outcome<number> {
    const raw = this.rawOf([key]);
    if (!raw) return { status: 'missing' };
    const n = goAtoi(raw.value);
    return n === undefined ? { status: 'invalid', validation: raw.value !== '' } : { status: 'ok', value: n };
  }

  /** A bool with a default; an invalid value is warned about and gives the default. */
  boolOr(key: string, fallback: boolean): boolean {
    const got = this.bool(key);
    if (got.status === 'ok') return got.value;
    if (got.status === 'invalid') this.invalid(key, this.values[ANNOTATION_PREFIX + key] ?? '', 'true or false', `${fallback}`);
    return fallback;
  }

  /** An integer with a default; an invalid value is warned about and gives the default. */
  intOr(key: string, fallback: number): number {
    const got = this.int(key);
    if (got.status === 'ok') return got.value;
    if (got.status === 'invalid') this.invalid(key, this.values[ANNOTATION_PREFIX + key] ?? '', 'an integer', `${fallback}`);
    return fallback;
  }

  /** A string or undefined; an invalid value is warned about (what it falls back to is `fallback`). */
  stringOr(keys: string | readonly string[], expected: string, validate?: (s: string) => boolean, fallback = 'no value'): string | undefined {
    const got = this.string(keys, validate);
    if (got.status === 'ok') return got.value;
    if (got.status === 'invalid') {
      const key = got.key ?? (typeof keys === 'string' ? keys : (keys[0] as string));
      this.invalid(key, this.values[ANNOTATION_PREFIX + key] ?? '', expected, fallback);
    }
    return undefined;
  }

  raw(key: string): string | undefined {
    return this.values[ANNOTATION_PREFIX + key];
  }
}
