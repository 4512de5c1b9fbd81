/**
 * What the ingress-nginx adapter's steps share: the diagnostics gathered so far and the resource nodes
 * (a Kubernetes object plus where it stands), so every message points at file:line:column.
 */
import type { Diagnostic, ErrorCode, SourceLoc } from '../../core/errors.ts';
import type { JsonPath, SourceMap } from '../yaml-source.ts';
import { sortByPlace } from '../../core/errors.ts';

export interface K8sDoc {
  value: unknown;
  map: SourceMap;
}

/** One Kubernetes object as written: its value, its document and its path there (inside a List). */
export interface ResourceNode {
  doc: K8sDoc;
  path: JsonPath;
  value: Record<string, unknown>;
  kind: string;
  apiVersion: string;
  name: string;
  namespace: string;
  /** True when metadata.namespace was written. */
  namespaced: boolean;
  /** Position among all objects, for "created in file order". */
  order: number;
}

export class AdaptContext {
  readonly diagnostics: Diagnostic[] = [];

  loc(node: Pick<ResourceNode, 'doc' | 'path'>, rest: JsonPath = [], key = false): SourceLoc {
    return node.doc.map.locate([...node.path, ...rest], { key });
  }

  warn(node: Pick<ResourceNode, 'doc' | 'path'>, rest: JsonPath, code: ErrorCode, message: string, hint?: string, key = false): void {
    this.push('warning', node, rest, code, message, hint, key);
  }

  error(node: Pick<ResourceNode, 'doc' | 'path'>, rest: JsonPath, code: ErrorCode, message: string, hint?: string, key = false): void {
    this.push('error', node, rest, code, message, hint, key);
  }

  private push(
    severity: Diagnostic['severity'],
    node: Pick<ResourceNode, 'doc' | 'path'>,
    rest: JsonPath,
    code: ErrorCode,
    message: string,
    hint: string | undefined,
    key: boolean,
  ): void {
    this.diagnostics.push({ severity, code, message, ...(hint ? { hint } : {}), loc: this.loc(node, rest, key) });
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `namespace/name`, the key Kubernetes and the controller use for an object. */
export function keyOf(node: Pick<ResourceNode, 'namespace' | 'name'>): string {
  return `${node.namespace}/${node.name}`;
}


export { sortByPlace };
