/**
 * What every step of the Traefik adapter shares: the documents, the diagnostics gathered so far,
 * typed reads that report a wrong type at the value, unknown-field checks with the nearest known key,
 * and the mapping from an offset inside a rule string to the YAML file's line and column.
 */
import type { Diagnostic, ErrorCode, SourceLoc } from '../../core/errors.ts';
import { nearest } from '../../core/nearest.ts';
import type { JsonPath, SourceMap } from '../yaml-source.ts';

export type Obj = Record<string, unknown>;

export interface TDoc {
  value: Obj;
  map: SourceMap;
  /** Position among the documents, for stable ordering. */
  index: number;
}

/** One object as written: its document and the path of the object inside it. */
export interface Node {
  doc: TDoc;
  path: JsonPath;
  value: Obj;
  /** For messages: `Middleware production/rate-limit`. */
  label: string;
}

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string "${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  return `${typeof v} ${String(v)}`;
}

export class TraefikContext {
  readonly diagnostics: Diagnostic[] = [];

  loc(doc: TDoc, path: JsonPath, key = false): SourceLoc {
    return doc.map.locate(path, { key });
  }

  error(doc: TDoc, path: JsonPath, code: ErrorCode, message: string, hint?: string, key = false): void {
    this.push('error', this.loc(doc, path, key), code, message, hint);
  }

  warn(doc: TDoc, path: JsonPath, code: ErrorCode, message: string, hint?: string, key = false): void {
    this.push('warning', this.loc(doc, path, key), code, message, hint);
  }

  push(severity: Diagnostic['severity'], loc: SourceLoc, code: ErrorCode, message: string, hint?: string): void {
    this.diagnostics.push({ severity, code, message, loc, ...(hint ? { hint } : {}) });
  }

  /** Fields not in `known` are warnings naming the nearest known key (Traefik's CRD schema prunes them). */
  unknownFields(node: Node, known: readonly string[], where: string): void {
    for (const key of Object.keys(node.value)) {
      if (known.includes(key)) continue;
      const near = nearest(key, known);
      this.warn(
        node.doc,
        [...node.path, key],
        'GL_W_UNKNOWN_FIELD',
        `unknown field "${key}" in ${where}; Kubernetes drops fields the CRD schema does not define, so it has no effect`,
        near ? `did you mean "${near}"?` : `known fields: ${known.join(', ')}`,
        true,
      );
    }
  }

  string(node: Node, field: string): string | undefined {
    const v = node.value[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    this.error(node.doc, [...node.path, field], 'GL_E_TYPE', `${field} of ${node.label} must be a string, not ${describe(v)}`);
    return undefined;
  }

  bool(node: Node, field: string): boolean | undefined {
    const v = node.value[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    this.error(node.doc, [...node.path, field], 'GL_E_TYPE', `${field} of ${node.label} must be true or false, not ${describe(v)}`);
    return undefined;
  }

  int(node: Node, field: string, min?: number): number | undefined {
    const v = node.value[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      this.error(node.doc, [...node.path, field], 'GL_E_TYPE', `${field} of ${node.label} must be an integer, not ${describe(v)}`);
      return undefined;
    }
    if (min !== undefined && v < min) {
      this.error(node.doc, [...node.path, field], 'GL_E_CONFIG_INVALID', `${field} of ${node.label} must be at least ${min}, not ${v}`);
      return undefined;
    }
    return v;
  }

  stringList(node: Node, field: string): string[] | undefined {
    const v = node.value[field];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) {
      this.error(node.doc, [...node.path, field], 'GL_E_TYPE', `${field} of ${node.label} must be a list of strings, not ${describe(v)}`, typeof v === 'string' ? `write it as a list: ${field}: ["${v}"]` : undefined);
      return undefined;
    }
    const out: string[] = [];
    v.forEach((item, i) => {
      if (typeof item === 'string') out.push(item);
      else this.error(node.doc, [...node.path, field, i], 'GL_E_TYPE', `${field}[${i}] of ${node.label} must be a string, not ${describe(item)}`);
    });
    return out;
  }

  child(node: Node, field: string, label: string): Node | undefined {
    const v = node.value[field];
    if (v === undefined || v === null) return undefined;
    if (!isObj(v)) {
      this.error(node.doc, [...node.path, field], 'GL_E_TYPE', `${field} of ${node.label} must be a mapping, not ${describe(v)}`);
      return undefined;
    }
    return { doc: node.doc, path: [...node.path, field], value: v, label };
  }

  list(node: Node, field: string, label: (i: number) => string): Node[] {
    const v = node.value[field];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.error(node.doc, [...node.path, field], 'GL_E_TYPE', `${field} of ${node.label} must be a list, not ${describe(v)}`);
      return [];
    }
    const out: Node[] = [];
    v.forEach((item, i) => {
      if (isObj(item)) out.push({ doc: node.doc, path: [...node.path, field, i], value: item, label: label(i) });
      else this.error(node.doc, [...node.path, field, i], 'GL_E_TYPE', `${field}[${i}] of ${node.label} must be a mapping, not ${describe(item)}`);
    });
    return out;
  }

  /**
   * Where a character of a string value stands in the file. The value may be written plain, quoted
   * (with escapes) or as a block scalar, so the decoded text is aligned with the text as written,
   * character by character; the result is exact for plain and quoted single-line values.
   */
  locInString(doc: TDoc, path: JsonPath, value: string, offset: number): SourceLoc {
    const start = this.loc(doc, path);
    const raw = doc.map.raw(path);
    if (raw === undefined) return start;
    const r = alignOffset(value, raw, offset);
    const before = raw.slice(0, r);
    const lastNl = before.lastIndexOf('\n');
    if (lastNl < 0) return { file: start.file, line: start.line, col: start.col + r };
    const lines = before.split('\n').length - 1;
    return { file: start.file, line: start.line + lines, col: r - lastNl };
  }
}

/** The index in `raw` (the scalar as written) of character `offset` of its decoded `value`. */
export function alignOffset(value: string, raw: string, offset: number): number {
  let r = 0;
  if (raw.startsWith('"') || raw.startsWith("'")) r = 1;
  else if (raw.startsWith('|') || raw.startsWith('>')) {
    const nl = raw.indexOf('\n');
    r = nl < 0 ? raw.length : nl + 1;
    while (raw[r] === ' ') r++;
  }
  const upto = Math.min(offset, value.length);
  for (let v = 0; v < upto; v++) {
    const j = raw.indexOf(value[v] as string, r);
    if (j < 0) return r;
    r = j + 1;
  }
  if (offset < value.length) {
    const j = raw.indexOf(value[offset] as string, r);
    if (j >= 0) return j;
  }
  return r;
}
