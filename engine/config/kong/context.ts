/**
 * What every step of the Kong adapter shares: the documents, the diagnostics gathered so far, and the
 * entity nodes (a value plus where it stands), so each message can point at file:line:column.
 */
import type { Diagnostic, ErrorCode, SourceLoc } from '../../core/errors.ts';
import type { PluginDefinition } from '../../pipeline/types.ts';
import type { JsonPath, SourceMap } from '../yaml-source.ts';

export interface KongDoc {
  value: unknown;
  map: SourceMap;
  /** Position among the documents given to the adapter; part of the ids of entities that have no key. */
  index: number;
}

/** One entity record as written: its value and where it stands in which document. */
export interface EntityNode {
  doc: KongDoc;
  path: JsonPath;
  value: Record<string, unknown>;
  /** For messages: `service "orders-api"`, or `routes[2]` when unnamed. */
  label: string;
  /** The entity it is nested in, when it is (a route inside a service, a plugin inside a route). */
  parent?: { kind: ParentKind; node: EntityNode };
}

export type ParentKind = 'service' | 'route' | 'consumer' | 'upstream';

/** How the adapter finds gatelab plugins for Kong plugin names; tests pass their own. */
export interface KongPluginLookup {
  find(vendorName: string): PluginDefinition<unknown> | undefined;
  /** Kong names gatelab maps to a plugin id, whether or not that plugin is built yet. */
  mapped(): string[];
}

export class AdaptContext {
  readonly diagnostics: Diagnostic[] = [];

  constructor(readonly plugins: KongPluginLookup) {}

  loc(doc: KongDoc, path: JsonPath, key = false): SourceLoc {
    return doc.map.locate(path, { key });
  }

  error(doc: KongDoc, path: JsonPath, code: ErrorCode, message: string, hint?: string, key = false): void {
    this.push('error', doc, path, code, message, hint, key);
  }

  warn(doc: KongDoc, path: JsonPath, code: ErrorCode, message: string, hint?: string, key = false): void {
    this.push('warning', doc, path, code, message, hint, key);
  }

  /** For problems that belong to a place rather than a path (a missing key reported at line 1). */
  errorAt(loc: SourceLoc, code: ErrorCode, message: string, hint?: string): void {
    this.diagnostics.push({ severity: 'error', code, message, loc, ...(hint ? { hint } : {}) });
  }

  private push(
    severity: Diagnostic['severity'],
    doc: KongDoc,
    path: JsonPath,
    code: ErrorCode,
    message: string,
    hint: string | undefined,
    key: boolean,
  ): void {
    const d: Diagnostic = { severity, code, message, loc: this.loc(doc, path, key) };
    if (hint) d.hint = hint;
    this.diagnostics.push(d);
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function fieldPath(node: EntityNode, ...rest: Array<string | number>): JsonPath {
  return [...node.path, ...rest];
}

export function formatLoc(loc: SourceLoc): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}
