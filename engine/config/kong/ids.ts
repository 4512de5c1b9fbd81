/**
 * Entity ids as Kong assigns them in DB-less mode: an explicit `id` is used as written (it must be a
 * UUID); otherwise the id is derived from the entity's endpoint key. Where Kong would fall back to a
 * random UUID (an unnamed route, say), gatelab derives one from the entry's place in the file instead,
 * so that reloading the same file gives the same ids.
 */
import { type AdaptContext, type EntityNode, fieldPath } from './context.ts';
import { isUuid, kongEntityId } from './uuid.ts';
import { pointer } from '../yaml-source.ts';

export function entityId(ctx: AdaptContext, node: EntityNode, entityType: string, key: string | undefined): string {
  const explicit = node.value['id'];
  if (explicit !== undefined && explicit !== null) {
    if (typeof explicit === 'string' && isUuid(explicit)) return explicit.toLowerCase();
    ctx.error(node.doc, fieldPath(node, 'id'), 'GL_E_CONFIG_INVALID', `id of ${node.label} must be a UUID`, 'remove it to let the id be derived from the name');
  }
  if (key !== undefined) return kongEntityId(entityType, key);
  return kongEntityId(entityType, `gatelab:${node.doc.index}#${pointer(node.path)}`);
}
