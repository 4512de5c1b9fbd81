/**
 * Kong's entity ids. In DB-less mode Kong derives the id of an entity that has no `id` from its
 * endpoint key (a name, a username, a credential key) or its cache key with UUID v5, in a namespace per
 * entity type (kong/db/schema/others/declarative_config.lua, generate_uuid). gatelab does the same, so
 * its ids, and every counter key built from them, equal those a real Kong would use for the same file.
 */
import { sha1 } from '@noble/hashes/legacy.js';

/** The root namespace Kong's declarative loader uses; each entity type gets v5(root, type name). */
const KONG_ENTITIES_NAMESPACE = 'fd02801f-0957-4a15-a55a-c8d9606f30b5';

/** Kong's namespace for routes split by path length (kong/router/compat.lua). */
export const KONG_SPLIT_ROUTE_NAMESPACE = '7f145bf9-0dce-4f91-98eb-debbce4b9f6b';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}

/** RFC 4122 name-based UUID (version 5, SHA-1). */
export function uuidV5(namespace: string, name: string): string {
  const ns = namespace.replace(/-/g, '');
  const nameBytes = new TextEncoder().encode(name);
  const data = new Uint8Array(16 + nameBytes.length);
  for (let i = 0; i < 16; i++) data[i] = parseInt(ns.slice(i * 2, i * 2 + 2), 16);
  data.set(nameBytes, 16);
  const h = sha1(data);
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(h.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const namespaces = new Map<string, string>();

/** The id Kong generates for an entity of `entityType` (its schema name, e.g. "services") keyed by `key`. */
export function kongEntityId(entityType: string, key: string): string {
  let ns = namespaces.get(entityType);
  if (!ns) {
    ns = uuidV5(KONG_ENTITIES_NAMESPACE, entityType);
    namespaces.set(entityType, ns);
  }
  return uuidV5(ns, key);
}
