/**
 * A small reader over one parsed YAML document: typed getters that report what the API server would
 * refuse (an error) or what a controller would ignore (a warning) at the value's file:line:column.
 */
import type { Diagnostic, ErrorCode } from '../../../core/errors.ts';
import { nearest } from '../../../core/nearest.ts';
import type { JsonPath, SourceMap } from '../../yaml-source.ts';

export interface WorkloadDoc {
  value: unknown;
  map: SourceMap;
}

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export class Reader {
  readonly diagnostics: Diagnostic[] = [];

  constructor(readonly doc: WorkloadDoc) {}

  get file(): string {
    return this.doc.map.file;
  }

  get(path: JsonPath): unknown {
    let v: unknown = this.doc.value;
    for (const p of path) {
      if (typeof p === 'number') v = Array.isArray(v) ? v[p] : undefined;
      else v = isObj(v) ? v[p] : undefined;
    }
    return v;
  }

  error(path: JsonPath, message: string, hint?: string, code: ErrorCode = 'GL_E_CONFIG_INVALID'): void {
    this.push('error', code, path, message, hint, false);
  }

  warn(path: JsonPath, code: ErrorCode, message: string, hint?: string, key = false): void {
    this.push('warning', code, path, message, hint, key);
  }

  /** An integer field: its default when absent, undefined (after an error) when the API server refuses it. */
  int(path: JsonPath, def: number, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const v = this.get(path);
    if (v === undefined || v === null) return def;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.error(path, `${String(path[path.length - 1])} must be an integer${max < Number.MAX_SAFE_INTEGER ? ` from ${min} to ${max}` : ` ≥ ${min}`}, not ${JSON.stringify(v)}`);
      return undefined;
    }
    return v;
  }

  str(path: JsonPath, def = ''): string {
    const v = this.get(path);
    return typeof v === 'string' ? v : def;
  }

  /** Keys the schema does not define: kubectl's strict validation refuses them, the API server drops them. */
  unknownFields(path: JsonPath, known: readonly string[], what: string): void {
    const v = this.get(path);
    if (!isObj(v)) return;
    for (const key of Object.keys(v)) {
      if (known.includes(key)) continue;
      const near = nearest(key, known);
      this.warn([...path, key], 'GL_W_UNKNOWN_FIELD', `unknown field "${key}" in ${what}: kubectl's strict field validation refuses it, and the API server would drop it otherwise`, near ? `did you mean '${near}'?` : `known fields here: ${known.join(', ')}`, true);
    }
  }

  private push(severity: Diagnostic['severity'], code: ErrorCode, path: JsonPath, message: string, hint: string | undefined, key: boolean): void {
    const d: Diagnostic = { severity, code, message, loc: this.doc.map.locate(path, { key }) };
    if (hint) d.hint = hint;
    this.diagnostics.push(d);
  }
}

/** Seconds in YAML, milliseconds in the model: every time below engine/ is ms. */
export const secondsToMs = (s: number): number => s * 1000;
