/**
 * What every step of the Gateway API adapter shares: the Kubernetes objects read from the documents
 * (each with the place it was written), and the diagnostics gathered so far, so that every message
 * points at file:line:column.
 */
import type { Diagnostic, ErrorCode, SourceLoc } from '../../core/errors.ts';
import type { JsonPath, SourceMap } from '../yaml-source.ts';

export interface K8sDoc {
  value: unknown;
  map: SourceMap;
}

/** One Kubernetes object as written: a document, or an item of a `kind: List`. */
export interface K8sObject {
  doc: K8sDoc;
  /** Path of the object inside its document ([] or ['items', i]). */
  path: JsonPath;
  value: Record<string, unknown>;
  apiVersion: string;
  kind: string;
  name: string;
  /** metadata.namespace, or `default` as kubectl applies it. */
  namespace: string;
  /** `Kind namespace/name` for messages. */
  label: string;
}

export class AdaptContext {
  readonly diagnostics: Diagnostic[] = [];

  loc(obj: K8sObject, rel: JsonPath, key = false): SourceLoc {
    return obj.doc.map.locate([...obj.path, ...rel], { key });
  }

  error(obj: K8sObject, rel: JsonPath, code: ErrorCode, message: string, hint?: string, key = false): void {
    this.push('error', this.loc(obj, rel, key), code, message, hint);
  }

  warn(obj: K8sObject, rel: JsonPath, code: ErrorCode, message: string, hint?: string, key = false): void {
    this.push('warning', this.loc(obj, rel, key), code, message, hint);
  }

  warnAt(loc: SourceLoc | undefined, code: ErrorCode, message: string, hint?: string): void {
    this.push('warning', loc, code, message, hint);
  }

  errorAt(loc: SourceLoc | undefined, code: ErrorCode, message: string, hint?: string): void {
    this.push('error', loc, code, message, hint);
  }

  private push(severity: Diagnostic['severity'], loc: SourceLoc | undefined, code: ErrorCode, message: string, hint: string | undefined): void {
    this.diagnostics.push({ severity, code, message, ...(hint ? { hint } : {}), ...(loc ? { loc } : {}) });
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A field as a list (a missing or null field is an empty list); a non-list is reported. */
export function listField(ctx: AdaptContext, obj: K8sObject, rel: JsonPath, value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  ctx.error(obj, rel, 'GL_E_TYPE', `${what} must be a list`, `write it as a YAML list: each entry on its own line starting with "- "`);
  return [];
}

export function stringField(ctx: AdaptContext, obj: K8sObject, rel: JsonPath, value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  ctx.error(obj, rel, 'GL_E_TYPE', `${what} must be a string, not ${describe(value)}`, typeof value === 'number' ? `quote it: "${value}"` : undefined);
  return undefined;
}

export function intField(
  ctx: AdaptContext,
  obj: K8sObject,
  rel: JsonPath,
  value: unknown,
  what: string,
  range: { min: number; max: number },
): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    ctx.error(obj, rel, 'GL_E_TYPE', `${what} must be an integer, not ${describe(value)}`);
    return undefined;
  }
  if (value < range.min || value > range.max) {
    ctx.error(obj, rel, 'GL_E_CONFIG_INVALID', `${what} must be between ${range.min} and ${range.max}, not ${value}`);
    return undefined;
  }
  return value;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string "${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  return `${typeof v} ${String(v)}`;
}
