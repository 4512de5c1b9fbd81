/**
 * Flattens a declarative file into entity lists. Kong lets an entity be written at the top level or
 * nested inside the entity it refers to (routes and plugins inside a service, plugins inside a route,
 * credentials inside a consumer, targets inside an upstream); each node remembers its parent so that the
 * reference is implied, as Kong implies it.
 */
import { type AdaptContext, type EntityNode, type KongDoc, type ParentKind, isRecord } from './context.ts';
import { type EntityKind, MODELLED_TOP_LEVEL, UNMODELLED_TOP_LEVEL, checkFields } from './fields.ts';
import { describe } from './read.ts';
import type { JsonPath } from '../yaml-source.ts';

export type CredentialKind = 'keyauth_credentials' | 'jwt_secrets' | 'basicauth_credentials' | 'acls';

export const CREDENTIAL_KINDS: readonly CredentialKind[] = ['keyauth_credentials', 'jwt_secrets', 'basicauth_credentials', 'acls'];

const CREDENTIAL_ENTITY: Record<CredentialKind, EntityKind> = {
  keyauth_credentials: 'keyauth_credential',
  jwt_secrets: 'jwt_secret',
  basicauth_credentials: 'basicauth_credential',
  acls: 'acl',
};

export interface CredentialNode extends EntityNode {
  kind: CredentialKind;
}

export interface Collected {
  services: EntityNode[];
  routes: EntityNode[];
  consumers: EntityNode[];
  plugins: EntityNode[];
  upstreams: EntityNode[];
  targets: EntityNode[];
  credentials: CredentialNode[];
  /** `_format_version` as written in each document that has one. */
  versions: Array<{ doc: KongDoc; value: unknown }>;
  /** `_gatelab` blocks (kong.conf settings), in document order. */
  gatelab: Array<{ doc: KongDoc; value: unknown }>;
}

export function collect(ctx: AdaptContext, docs: readonly KongDoc[]): Collected {
  const out: Collected = {
    services: [], routes: [], consumers: [], plugins: [], upstreams: [], targets: [], credentials: [], versions: [], gatelab: [],
  };
  for (const doc of docs) {
    if (doc.value === null || doc.value === undefined) continue;
    if (!isRecord(doc.value)) {
      ctx.error(doc, [], 'GL_E_TYPE', `a Kong declarative config is a mapping at the top level, not ${describe(doc.value)}`);
      continue;
    }
    const root: EntityNode = { doc, path: [], value: doc.value, label: 'the top level' };
    checkFields(ctx, root, 'root');
    if (Object.hasOwn(doc.value, '_format_version')) out.versions.push({ doc, value: doc.value['_format_version'] });
    if (Object.hasOwn(doc.value, '_gatelab')) out.gatelab.push({ doc, value: doc.value['_gatelab'] });
    for (const key of UNMODELLED_TOP_LEVEL) {
      const v = doc.value[key];
      if (Array.isArray(v) && v.length > 0) {
        ctx.warn(doc, [key], 'GL_W_NO_EFFECT', `gatelab does not model Kong ${key}; these entries are ignored`, undefined, true);
      }
    }
    collectTopLevel(ctx, doc, out);
  }
  return out;
}

/** In the order the file lists the entity kinds, so "config order" means the file's order. */
function collectTopLevel(ctx: AdaptContext, doc: KongDoc, out: Collected): void {
  const modelled: readonly string[] = MODELLED_TOP_LEVEL;
  const keys = Object.keys(doc.value as Record<string, unknown>).filter((k) => modelled.includes(k)) as Array<(typeof MODELLED_TOP_LEVEL)[number]>;
  for (const key of keys) {
    const nodes = list(ctx, doc, [key], singular(key));
    switch (key) {
      case 'services':
        nodes.forEach((n) => addService(ctx, n, out));
        break;
      case 'routes':
        nodes.forEach((n) => addRoute(ctx, n, out));
        break;
      case 'consumers':
        nodes.forEach((n) => addConsumer(ctx, n, out));
        break;
      case 'plugins':
        nodes.forEach((n) => addPlugin(ctx, n, out));
        break;
      case 'upstreams':
        nodes.forEach((n) => addUpstream(ctx, n, out));
        break;
      case 'targets':
        nodes.forEach((n) => addTarget(ctx, n, out));
        break;
      default:
        nodes.forEach((n) => addCredential(ctx, { ...n, kind: key }, out));
    }
  }
}

function addService(ctx: AdaptContext, node: EntityNode, out: Collected): void {
  checkFields(ctx, node, 'service');
  out.services.push(node);
  for (const r of nested(ctx, node, 'routes', 'service')) addRoute(ctx, r, out);
  for (const p of nested(ctx, node, 'plugins', 'service')) addPlugin(ctx, p, out);
}

function addRoute(ctx: AdaptContext, node: EntityNode, out: Collected): void {
  checkFields(ctx, node, 'route');
  out.routes.push(node);
  for (const p of nested(ctx, node, 'plugins', 'route')) addPlugin(ctx, p, out);
}

function addConsumer(ctx: AdaptContext, node: EntityNode, out: Collected): void {
  checkFields(ctx, node, 'consumer');
  out.consumers.push(node);
  for (const p of nested(ctx, node, 'plugins', 'consumer')) addPlugin(ctx, p, out);
  for (const kind of CREDENTIAL_KINDS) {
    for (const c of nested(ctx, node, kind, 'consumer')) addCredential(ctx, { ...c, kind }, out);
  }
  for (const kind of ['hmacauth_credentials', 'oauth2_credentials']) {
    const v = node.value[kind];
    if (Array.isArray(v) && v.length > 0) {
      ctx.warn(node.doc, [...node.path, kind], 'GL_W_NO_EFFECT', `gatelab does not model Kong ${kind}; these entries are ignored`, undefined, true);
    }
  }
}

function addPlugin(ctx: AdaptContext, node: EntityNode, out: Collected): void {
  checkFields(ctx, node, 'plugin');
  out.plugins.push(node);
}

function addUpstream(ctx: AdaptContext, node: EntityNode, out: Collected): void {
  checkFields(ctx, node, 'upstream');
  out.upstreams.push(node);
  for (const t of nested(ctx, node, 'targets', 'upstream')) addTarget(ctx, t, out);
}

function addTarget(ctx: AdaptContext, node: EntityNode, out: Collected): void {
  checkFields(ctx, node, 'target');
  out.targets.push(node);
}

function addCredential(ctx: AdaptContext, node: CredentialNode, out: Collected): void {
  checkFields(ctx, node, CREDENTIAL_ENTITY[node.kind]);
  out.credentials.push(node);
}

function nested(ctx: AdaptContext, parent: EntityNode, key: string, kind: ParentKind): EntityNode[] {
  return list(ctx, parent.doc, [...parent.path, key], singular(key)).map((n) => ({ ...n, parent: { kind, node: parent } }));
}

/** The records of a list field; a non-list, or a non-mapping entry, is a type error. */
function list(ctx: AdaptContext, doc: KongDoc, path: JsonPath, what: string): EntityNode[] {
  let v: unknown = doc.value;
  for (const p of path) v = isRecord(v) || Array.isArray(v) ? (v as Record<string | number, unknown>)[p] : undefined;
  if (v === undefined || v === null) return [];
  const field = String(path[path.length - 1]);
  if (!Array.isArray(v)) {
    ctx.error(doc, path, 'GL_E_TYPE', `${field} must be a list of ${what} entries, not ${describe(v)}`, `start each entry with "- "`);
    return [];
  }
  const nodes: EntityNode[] = [];
  v.forEach((item, i) => {
    if (isRecord(item)) {
      nodes.push({ doc, path: [...path, i], value: item, label: labelOf(what, field, i, item) });
    } else {
      ctx.error(doc, [...path, i], 'GL_E_TYPE', `${field}[${i}] must be a mapping describing a ${what}, not ${describe(item)}`);
    }
  });
  return nodes;
}

function labelOf(what: string, field: string, index: number, item: Record<string, unknown>): string {
  for (const key of ['name', 'username', 'target', 'group']) {
    const v = item[key];
    if (typeof v === 'string') return `${what} "${v}"`;
  }
  return `${field}[${index}]`;
}

function singular(listKey: string): string {
  switch (listKey) {
    case 'keyauth_credentials':
      return 'key-auth credential';
    case 'jwt_secrets':
      return 'jwt secret';
    case 'basicauth_credentials':
      return 'basic-auth credential';
    case 'acls':
      return 'acl';
    default:
      return listKey.replace(/s$/, '');
  }
}
