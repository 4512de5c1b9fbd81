/**
 * A small reader for one config mapping: typed reads that report problems at the field's path
 * instead of throwing, so every mistake in a file shows up at once with its line and column.
 */
import { parseDuration } from '../../core/duration.ts';
import type { ConfigReporter } from '../../pipeline/types.ts';

export interface NumberRule {
  /** Inclusive lower bound. */
  min?: number;
  /** Exclusive lower bound. */
  above?: number;
  max?: number;
  integer?: boolean;
}

export class Fields {
  constructor(
    readonly obj: Record<string, unknown>,
    readonly report: ConfigReporter,
  ) {}

  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  string(key: string): string | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    this.report.error([key], 'GL_E_TYPE', `${key} must be a string`);
    return undefined;
  }

  boolean(key: string): boolean | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    this.report.error([key], 'GL_E_TYPE', `${key} must be true or false`);
    return undefined;
  }

  number(key: string, rule: NumberRule = {}): number | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.report.error([key], 'GL_E_TYPE', `${key} must be a number`);
      return undefined;
    }
    return this.checkNumber([key], key, v, rule) ? v : undefined;
  }

  /** A number that must be present. */
  required(key: string, rule: NumberRule = {}, hint?: string): number | undefined {
    if (!this.has(key)) {
      this.report.error([key], 'GL_E_CONFIG_INVALID', `${key} is required`, hint);
      return undefined;
    }
    return this.number(key, rule);
  }

  /** A number or a list of numbers (Kong Advanced writes `limit: [100]`); always a list. */
  numberList(key: string, rule: NumberRule = {}): number[] | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    const list = Array.isArray(v) ? v : [v];
    if (list.length === 0) {
      this.report.error([key], 'GL_E_CONFIG_INVALID', `${key} needs at least one value`);
      return undefined;
    }
    const out: number[] = [];
    list.forEach((x, i) => {
      const path = Array.isArray(v) ? [key, i] : [key];
      if (typeof x !== 'number' || !Number.isFinite(x)) this.report.error(path, 'GL_E_TYPE', `${key} must be a number or a list of numbers`);
      else if (this.checkNumber(path, key, x, rule)) out.push(x);
    });
    return out.length === list.length ? out : undefined;
  }

  /** A Go-style duration ("1s", "100ms", "1m"); a bare number means seconds only when `secondsIfNumber`. */
  duration(key: string, secondsIfNumber = false): number | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' && secondsIfNumber && Number.isFinite(v)) return v * 1000;
    const ms = typeof v === 'string' ? parseDuration(v) : undefined;
    if (ms === undefined) {
      this.report.error([key], 'GL_E_DURATION', `${key} must be a duration such as 1s, 100ms or 1m`, typeof v === 'number' ? `write ${v}s for ${v} seconds` : undefined);
      return undefined;
    }
    return ms;
  }

  /** One of a fixed set of strings. */
  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const v = this.string(key);
    if (v === undefined) return undefined;
    if ((allowed as readonly string[]).includes(v)) return v as T;
    this.report.error([key], 'GL_E_CONFIG_INVALID', `${key} must be one of ${allowed.join(', ')}, not '${v}'`);
    return undefined;
  }

  private checkNumber(path: Array<string | number>, key: string, v: number, rule: NumberRule): boolean {
    const fail = (m: string): false => {
      this.report.error(path, 'GL_E_CONFIG_INVALID', `${key} ${m}`);
      return false;
    };
    if (rule.integer && !Number.isInteger(v)) return fail('must be a whole number');
    if (rule.above !== undefined && !(v > rule.above)) return fail(`must be greater than ${rule.above}`);
    if (rule.min !== undefined && v < rule.min) return fail(`must be at least ${rule.min}`);
    if (rule.max !== undefined && v > rule.max) return fail(`must be at most ${rule.max}`);
    return true;
  }
}
