/**
 * Sorts the documents of a Traefik config into the objects the CRD provider reads: IngressRoute,
 * Middleware, TraefikService (traefik.io), core/v1 Service (which backends exist, named ports,
 * ExternalName), and gatelab's own `_gatelab` block (Traefik's install configuration and the
 * discovery timeline). A Kubernetes `List` (or `IngressRouteList` …) is unpacked. Objects of other
 * kinds are left alone; Traefik kinds gatelab does not model earn a warning.
 */
import { nearest } from '../../core/nearest.ts';
import { describe, isObj, type Node, type TDoc, type TraefikContext } from './context.ts';
import { isFileProviderDoc } from './file-provider.ts';

export interface K8sObject {
  kind: 'IngressRoute' | 'Middleware' | 'TraefikService' | 'Service';
  name: string;
  namespace: string;
  /** The whole object. */
  node: Node;
  /** `spec`, when it is a mapping. */
  spec?: Node;
}

export interface Collected {
  ingressRoutes: K8sObject[];
  middlewares: K8sObject[];
  traefikServices: K8sObject[];
  services: K8sObject[];
  gatelab: Node[];
  /** Documents of Traefik's file provider (`http: { routers, services, middlewares }`). */
  file: Node[];
}

const TRAEFIK_GROUP = /^traefik\.io\/(v1alpha1|v1)$/;
const OLD_GROUP = /^traefik\.containo\.us\/v1alpha1$/;
const MODELLED = ['IngressRoute', 'Middleware', 'TraefikService'] as const;
const NOT_MODELLED = ['IngressRouteTCP', 'IngressRouteUDP', 'MiddlewareTCP', 'TLSOption', 'TLSStore', 'ServersTransport', 'ServersTransportTCP'];
const OBJECT_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec', 'status'];

/** The namespace a namespaced object without `metadata.namespace` lands in with `kubectl apply`. */
export const DEFAULT_NAMESPACE = 'default';

export function collect(ctx: TraefikContext, docs: readonly TDoc[]): Collected {
  const out: Collected = { ingressRoutes: [], middlewares: [], traefikServices: [], services: [], gatelab: [], file: [] };
  for (const doc of docs) {
    const root: Node = { doc, path: [], value: doc.value, label: 'the document' };
    visit(ctx, root, out);
  }
  return out;
}

function visit(ctx: TraefikContext, node: Node, out: Collected): void {
  const v = node.value;
  if (Object.hasOwn(v, '_gatelab') && v['kind'] === undefined) {
    const block = ctx.child(node, '_gatelab', 'the _gatelab block');
    if (block) out.gatelab.push(block);
    for (const k of Object.keys(v)) {
      if (k !== '_gatelab') ctx.warn(node.doc, [...node.path, k], 'GL_W_UNKNOWN_FIELD', `"${k}" beside _gatelab is ignored`, 'put Kubernetes objects in their own YAML documents (---)', true);
    }
    return;
  }
  if (isFileProviderDoc(v)) {
    out.file.push(node);
    return;
  }
  const kind = v['kind'];
  const apiVersion = v['apiVersion'];
  if (typeof kind !== 'string' || typeof apiVersion !== 'string') {
    if (kind === undefined && apiVersion === undefined) {
      ctx.warn(node.doc, node.path, 'GL_W_NO_EFFECT', 'this document is not a Kubernetes object (no apiVersion and kind); Traefik never sees it');
    } else {
      ctx.error(node.doc, node.path, 'GL_E_CONFIG_INVALID', `a Kubernetes object needs string apiVersion and kind (got ${describe(apiVersion)} and ${describe(kind)})`);
    }
    return;
  }
  if (kind === 'List' || (kind.endsWith('List') && Array.isArray(v['items']))) {
    for (const item of ctx.list(node, 'items', (i) => `items[${i}]`)) visit(ctx, item, out);
    return;
  }
  if (apiVersion === 'v1' && kind === 'Service') {
    add(ctx, node, 'Service', out.services);
    return;
  }
  const group = TRAEFIK_GROUP.test(apiVersion) ? 'io' : OLD_GROUP.test(apiVersion) ? 'old' : undefined;
  if (!group) {
    if (/^traefik\./.test(apiVersion)) {
      ctx.error(node.doc, [...node.path, 'apiVersion'], 'GL_E_CONFIG_INVALID', `unknown Traefik apiVersion "${apiVersion}"`, 'write apiVersion: traefik.io/v1alpha1');
    }
    return;
  }
  if (group === 'old') {
    ctx.warn(
      node.doc,
      [...node.path, 'apiVersion'],
      'GL_W_DEPRECATED',
      `${apiVersion} is the API group of Traefik v2 (deprecated in v2.10); Traefik v3's CRD provider only watches traefik.io, so a real v3 would not see this ${kind} at all. gatelab reads it as traefik.io/v1alpha1 so the config can still be tried`,
      'write apiVersion: traefik.io/v1alpha1 (the fields are the same)',
    );
  }
  const modelled = (MODELLED as readonly string[]).includes(kind);
  if (!modelled) {
    if (NOT_MODELLED.includes(kind)) {
      ctx.warn(node.doc, [...node.path, 'kind'], 'GL_W_NO_EFFECT', `gatelab does not model Traefik ${kind} objects; this one is ignored`);
    } else {
      const near = nearest(kind, [...MODELLED, ...NOT_MODELLED]);
      ctx.warn(node.doc, [...node.path, 'kind'], 'GL_W_UNKNOWN_FIELD', `Traefik defines no kind "${kind}"; the API server would refuse it and Traefik never sees it`, near ? `did you mean "${near}"?` : undefined);
    }
    return;
  }
  add(ctx, node, kind as K8sObject['kind'], kind === 'IngressRoute' ? out.ingressRoutes : kind === 'Middleware' ? out.middlewares : out.traefikServices);
}

function add(ctx: TraefikContext, node: Node, kind: K8sObject['kind'], into: K8sObject[]): void {
  ctx.unknownFields(node, OBJECT_FIELDS, `a ${kind}`);
  const meta = ctx.child(node, 'metadata', `metadata of a ${kind}`);
  const name = meta ? ctx.string(meta, 'name') : undefined;
  if (!name) {
    ctx.error(node.doc, meta ? meta.path : node.path, 'GL_E_CONFIG_INVALID', `a ${kind} needs metadata.name`, 'add metadata: { name: … }');
    return;
  }
  const namespace = (meta ? ctx.string(meta, 'namespace') : undefined) ?? DEFAULT_NAMESPACE;
  const prior = into.find((o) => o.name === name && o.namespace === namespace);
  if (prior) {
    ctx.warn(node.doc, meta?.path ?? node.path, 'GL_W_NO_EFFECT', `a second ${kind} ${namespace}/${name}: applying it replaces the first (kubectl apply keeps one object per name)`);
    into.splice(into.indexOf(prior), 1);
  }
  const label = `${kind} ${namespace}/${name}`;
  const obj: K8sObject = { kind, name, namespace, node: { ...node, label } };
  const spec = node.value['spec'];
  if (isObj(spec)) obj.spec = { doc: node.doc, path: [...node.path, 'spec'], value: spec, label: `spec of ${label}` };
  else if (spec !== undefined && spec !== null) ctx.error(node.doc, [...node.path, 'spec'], 'GL_E_TYPE', `spec of ${label} must be a mapping, not ${describe(spec)}`);
  into.push(obj);
}
