/**
 * Entity indexes and references. Kong finds a referenced entity by its endpoint key (a service's name,
 * a consumer's username) or by its id, and rejects a file whose references point nowhere or whose keys
 * repeat; gatelab reports both as GL_E_CONFIG_REFERENCE at the offending value.
 */
import { type AdaptContext, type EntityNode, fieldPath, formatLoc, isRecord } from './context.ts';
import { suggestion } from './nearest.ts';
import { describe } from './read.ts';

export interface Indexed<T> {
  byKey: Map<string, T>;
  byId: Map<string, T>;
  /** Names of entities that were declared but failed to load (already reported): no second error. */
  failed: Set<string>;
}

export function newIndex<T>(): Indexed<T> {
  return { byKey: new Map(), byId: new Map(), failed: new Set() };
}

/**
 * Adds an entity under its key and id; a repeated key or id is an error at the repeated value.
 * Returns false when the entity collides (the first one stays in the index).
 */
export function addToIndex<T>(
  ctx: AdaptContext,
  index: Indexed<T>,
  item: T,
  node: EntityNode,
  entities: string,
  key: { field: string; value: string | undefined },
  id: string,
  firstNode: (t: T) => EntityNode,
): boolean {
  if (key.value !== undefined) {
    const prev = index.byKey.get(key.value);
    if (prev !== undefined) {
      const first = formatLoc(ctx.loc(firstNode(prev).doc, firstNode(prev).path));
      ctx.error(
        node.doc,
        fieldPath(node, key.field),
        'GL_E_CONFIG_REFERENCE',
        `uniqueness violation: '${entities}' entity with ${key.field} set to '${key.value}' already declared (first at ${first})`,
        `give each of the ${entities} its own ${key.field}`,
      );
      return false;
    }
  }
  const prevId = index.byId.get(id);
  if (prevId !== undefined) {
    const first = formatLoc(ctx.loc(firstNode(prevId).doc, firstNode(prevId).path));
    ctx.error(
      node.doc,
      node.value['id'] !== undefined ? fieldPath(node, 'id') : node.path,
      'GL_E_CONFIG_REFERENCE',
      `uniqueness violation: '${entities}' entity with primary key set to '${id}' already declared (first at ${first})`,
      `remove the duplicate or make it differ`,
    );
    return false;
  }
  if (key.value !== undefined) index.byKey.set(key.value, item);
  index.byId.set(id, item);
  return true;
}

/**
 * Resolves `node[field]`: a name (or username) or an id as a string, or `{ id }` / `{ name }` /
 * `{ username }` as the Admin API writes it. Reports and returns undefined when nothing matches.
 */
export function resolveRef<T>(
  ctx: AdaptContext,
  node: EntityNode,
  field: string,
  index: Indexed<T>,
  entities: string,
): T | undefined {
  const raw = node.value[field];
  let key: string | undefined;
  if (typeof raw === 'string') key = raw;
  else if (isRecord(raw)) {
    const v = raw['id'] ?? raw['name'] ?? raw['username'];
    if (typeof v === 'string') key = v;
  }
  if (key === undefined) {
    ctx.error(
      node.doc,
      fieldPath(node, field),
      'GL_E_TYPE',
      `${field} of ${node.label} must name one of the ${entities} (a name or an id), not ${describe(raw)}`,
    );
    return undefined;
  }
  const hit = index.byKey.get(key) ?? index.byId.get(key);
  if (hit !== undefined) return hit;
  if (index.failed.has(key)) return undefined;
  const names = [...index.byKey.keys()];
  ctx.error(
    node.doc,
    fieldPath(node, field),
    'GL_E_CONFIG_REFERENCE',
    `invalid reference '${field}: ${key}' in ${node.label} (no such entry in '${entities}')`,
    names.length > 0 ? suggestion(key, names, entities) : `the file declares no ${entities}`,
  );
  return undefined;
}
