/**
 * A small typed reader for plugin configs: each plugin lists its fields with their defaults, and the
 * reader reports what the vendor's schema would reject (an unknown field with the nearest known one, a
 * wrong type, a value out of range) through the plugin's ConfigReporter. It never throws. Vendor
 * exports write `null` for unset fields, so `null` reads as "not set".
 */
import { didYouMean } from '../../core/nearest.ts';
import type { ConfigReporter } from '../../pipeline/types.ts';

type Path = Array<string | number>;

export class ConfigReader {
  readonly obj: Record<string, unknown>;

  constructor(
    raw: unknown,
    readonly report: ConfigReporter,
    /** Known field names at this level; anything else is reported as unknown. */
    known: readonly string[],
    readonly path: Path = [],
    /** The vendor's plugin name, for messages ("unknown field 'x' in key-auth config"). */
    readonly label = 'plugin',
  ) {
    if (raw === undefined || raw === null) raw = {};
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      report.error(path, 'GL_E_TYPE', `${path.length ? String(path.at(-1)) : 'config'} must be a mapping`);
      this.obj = {};
      return;
    }
    this.obj = raw as Record<string, unknown>;
    for (const key of Object.keys(this.obj)) {
      if (!known.includes(key)) {
        report.error([...path, key], 'GL_E_UNKNOWN_FIELD', `unknown field '${key}' in ${label} config`, didYouMean(key, known));
      }
    }
  }

  private value(key: string): unknown {
    const v = this.obj[key];
    return v === null ? undefined : v;
  }

  has(key: string): boolean {
    return this.value(key) !== undefined;
  }

  str(key: string): string | undefined;
  str(key: string, fallback: string): string;
  str(key: string, fallback?: string): string | undefined {
    const v = this.value(key);
    if (v === undefined) return fallback;
    if (typeof v === 'string') return v;
    this.report.error([...this.path, key], 'GL_E_TYPE', `${key} must be a string`);
    return fallback;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.value(key);
    if (v === undefined) return fallback;
    if (typeof v === 'boolean') return v;
    this.report.error([...this.path, key], 'GL_E_TYPE', `${key} must be a boolean`);
    return fallback;
  }

  /** An optional boolean: undefined stays undefined (Traefik's tri-state trustForwardHeader). */
  optBool(key: string): boolean | undefined {
    const v = this.value(key);
    if (v === undefined) return undefined;
    if (typeof v === 'boolean') return v;
    this.report.error([...this.path, key], 'GL_E_TYPE', `${key} must be a boolean`);
    return undefined;
  }

  num(key: string, fallback: number, range: { min?: number; max?: number; integer?: boolean } = {}): number {
    const v = this.value(key);
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.report.error([...this.path, key], 'GL_E_TYPE', `${key} must be a number`);
      return fallback;
    }
    if (range.integer && !Number.isInteger(v)) {
      this.report.error([...this.path, key], 'GL_E_CONFIG_INVALID', `${key} must be an integer`);
      return fallback;
    }
    if ((range.min !== undefined && v < range.min) || (range.max !== undefined && v > range.max)) {
      const bounds = `${range.min ?? '-∞'}–${range.max ?? '∞'}`;
      this.report.error([...this.path, key], 'GL_E_CONFIG_INVALID', `${key} must be between ${bounds}, not ${v}`);
      return fallback;
    }
    return v;
  }

  /** A list of strings; a single string is an error (the vendors' schemas want arrays). */
  strList(key: string, fallback: readonly string[]): string[] {
    const v = this.value(key);
    if (v === undefined) return [...fallback];
    if (!Array.isArray(v)) {
      this.report.error([...this.path, key], 'GL_E_TYPE', `${key} must be a list of strings`, `write ${key}: [${JSON.stringify(v)}]`);
      return [...fallback];
    }
    const out: string[] = [];
    v.forEach((item, i) => {
      if (typeof item === 'string') out.push(item);
      else this.report.error([...this.path, key, i], 'GL_E_TYPE', `${key}[${i}] must be a string`);
    });
    return out;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const v = this.str(key);
    if (v === undefined) return fallback;
    if ((allowed as readonly string[]).includes(v)) return v as T;
    this.report.error([...this.path, key], 'GL_E_CONFIG_INVALID', `${key} must be one of ${allowed.join(', ')}, not '${v}'`, didYouMean(v, allowed));
    return fallback;
  }

  /** A nested record, read with its own list of fields. */
  sub(key: string, known: readonly string[]): ConfigReader {
    return new ConfigReader(this.value(key), this.report, known, [...this.path, key], this.label);
  }

  /** A list of records; each element read with its own reader. */
  records(key: string, known: readonly string[]): ConfigReader[] {
    const v = this.value(key);
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      this.report.error([...this.path, key], 'GL_E_TYPE', `${key} must be a list`);
      return [];
    }
    return v.map((item, i) => new ConfigReader(item, this.report, known, [...this.path, key, i], this.label));
  }

  error(key: string | Path, message: string, hint?: string): void {
    this.report.error([...this.path, ...(Array.isArray(key) ? key : [key])], 'GL_E_CONFIG_INVALID', message, hint);
  }

  warn(key: string | Path, code: 'GL_W_NO_EFFECT' | 'GL_W_LESSON_DIFFERS' | 'GL_W_DEPRECATED', message: string, hint?: string): void {
    this.report.warn([...this.path, ...(Array.isArray(key) ? key : [key])], code, message, hint);
  }
}
