/**
 * Typed reads of entity fields. A wrong type is reported (GL_E_TYPE, at the value) and the default is
 * used, so one typo yields one message instead of a cascade.
 */
import { type AdaptContext, type EntityNode, fieldPath } from './context.ts';

export function readString(ctx: AdaptContext, node: EntityNode, field: string): string | undefined {
  const v = node.value[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  ctx.error(node.doc, fieldPath(node, field), 'GL_E_TYPE', `${field} of ${node.label} must be a string, not ${describe(v)}`);
  return undefined;
}

export function readBool(ctx: AdaptContext, node: EntityNode, field: string, dflt: boolean): boolean {
  const v = node.value[field];
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'boolean') return v;
  ctx.error(node.doc, fieldPath(node, field), 'GL_E_TYPE', `${field} of ${node.label} must be true or false, not ${describe(v)}`);
  return dflt;
}

export function readInt(
  ctx: AdaptContext,
  node: EntityNode,
  field: string,
  dflt: number,
  range: { min: number; max: number },
): number {
  const v = node.value[field];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    ctx.error(node.doc, fieldPath(node, field), 'GL_E_TYPE', `${field} of ${node.label} must be an integer, not ${describe(v)}`);
    return dflt;
  }
  if (v < range.min || v > range.max) {
    ctx.error(
      node.doc,
      fieldPath(node, field),
      'GL_E_CONFIG_INVALID',
      `${field} of ${node.label} must be between ${range.min} and ${range.max}, not ${v}`,
    );
    return dflt;
  }
  return v;
}

/** A list of strings; a bare string where Kong wants a list is a type error, as Kong reports it. */
export function readStringList(ctx: AdaptContext, node: EntityNode, field: string): string[] | undefined {
  const v = node.value[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) {
    const hint = typeof v === 'string' ? `write it as a list: ${field}: ["${v}"]` : undefined;
    ctx.error(node.doc, fieldPath(node, field), 'GL_E_TYPE', `${field} of ${node.label} must be a list of strings`, hint);
    return undefined;
  }
  const out: string[] = [];
  v.forEach((item, i) => {
    if (typeof item === 'string') out.push(item);
    else ctx.error(node.doc, fieldPath(node, field, i), 'GL_E_TYPE', `${field}[${i}] of ${node.label} must be a string, not ${describe(item)}`);
  });
  return out;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string "${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  if (typeof v === 'number') return `the number ${String(v)}`;
  return `${typeof v} ${String(v)}`;
}
