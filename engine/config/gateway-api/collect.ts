/**
 * From YAML documents to Kubernetes objects: every document, and every item of a `kind: List`, becomes
 * an object with its kind, name and namespace (`default` when unset, as kubectl applies it). A later
 * object with the same group, kind, namespace and name replaces an earlier one — `kubectl apply` of the
 * files in order ends with the last version — and the replaced one is named in a warning.
 */
import { isRecord, type AdaptContext, type K8sDoc, type K8sObject } from './context.ts';

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** Kinds of the Gateway API group that gatelab reads. */
const READ_KINDS = new Set(['Gateway', 'HTTPRoute', 'ReferenceGrant', 'GatewayClass']);

/** Route and policy kinds of the group that exist but that gatelab does not simulate. */
const OTHER_GATEWAY_KINDS = new Set(['GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute', 'BackendTLSPolicy', 'ListenerSet', 'XListenerSet', 'BackendTrafficPolicy']);

export interface Collected {
  gateways: K8sObject[];
  routes: K8sObject[];
  grants: K8sObject[];
  services: K8sObject[];
  namespaces: K8sObject[];
  /** discovery.k8s.io/v1 EndpointSlices: the pods behind the Services (engine/config/k8s/). */
  endpointSlices: K8sObject[];
  /** Istio DestinationRules: read by engine/config/istio/, applied to the services they name. */
  destinationRules: K8sObject[];
}

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

export function collect(ctx: AdaptContext, docs: readonly K8sDoc[]): Collected {
  const byKey = new Map<string, K8sObject>();
  const add = (o: K8sObject): void => {
    const key = `${groupOf(o.apiVersion)}|${o.kind}|${o.namespace}|${o.name}`;
    const prev = byKey.get(key);
    if (prev) {
      ctx.warn(
        prev,
        ['metadata', 'name'],
        'GL_W_NO_EFFECT',
        `${prev.label} is replaced by a later document with the same kind, namespace and name (${formatLoc(ctx.loc(o, []))}), as kubectl apply would replace it`,
        'give the two objects different names if both should exist',
      );
      byKey.delete(key);
    }
    byKey.set(key, o);
  };
  for (const doc of docs) {
    if (doc.value === null || doc.value === undefined) continue;
    if (!isRecord(doc.value)) {
      ctx.errorAt(doc.map.locate([]), 'GL_E_TYPE', 'a Kubernetes document must be a mapping with apiVersion and kind');
      continue;
    }
    if (doc.value['kind'] === 'List' || (typeof doc.value['kind'] === 'string' && doc.value['kind'].endsWith('List') && Array.isArray(doc.value['items']))) {
      const items = Array.isArray(doc.value['items']) ? doc.value['items'] : [];
      items.forEach((item, i) => {
        const o = readObject(ctx, doc, ['items', i], item);
        if (o) add(o);
      });
      continue;
    }
    const o = readObject(ctx, doc, [], doc.value);
    if (o) add(o);
  }
  const out: Collected = { gateways: [], routes: [], grants: [], services: [], namespaces: [], endpointSlices: [], destinationRules: [] };
  for (const o of byKey.values()) {
    const group = groupOf(o.apiVersion);
    if (group === GATEWAY_GROUP) {
      if (o.kind === 'Gateway') out.gateways.push(o);
      else if (o.kind === 'HTTPRoute') out.routes.push(o);
      else if (o.kind === 'ReferenceGrant') out.grants.push(o);
      else if (!READ_KINDS.has(o.kind)) {
        const known = OTHER_GATEWAY_KINDS.has(o.kind);
        ctx.warn(o, ['kind'], 'GL_W_NO_EFFECT', `${o.label}: ${known ? 'gatelab simulates HTTPRoute traffic only' : 'not a Gateway API kind gatelab knows'}; this object is left out`);
      }
    } else if (group === '' && o.kind === 'Service') out.services.push(o);
    else if (group === '' && o.kind === 'Namespace') out.namespaces.push(o);
    else if (group === 'discovery.k8s.io' && o.kind === 'EndpointSlice') {
      if (o.apiVersion === 'discovery.k8s.io/v1') out.endpointSlices.push(o);
      else ctx.warn(o, ['apiVersion'], 'GL_W_NO_EFFECT', `${o.label} uses ${o.apiVersion}, which Kubernetes stopped serving in 1.25; it is left out`, 'write apiVersion: discovery.k8s.io/v1');
    } else if (group === 'networking.istio.io' && o.kind === 'DestinationRule') out.destinationRules.push(o);
    // Deployments, Secrets, ConfigMaps and the rest describe the cluster, not the gateway's routing.
  }
  return out;
}

function readObject(ctx: AdaptContext, doc: K8sDoc, path: Array<string | number>, value: unknown): K8sObject | undefined {
  if (!isRecord(value)) {
    ctx.errorAt(doc.map.locate(path), 'GL_E_TYPE', 'a Kubernetes object must be a mapping with apiVersion and kind');
    return undefined;
  }
  const apiVersion = value['apiVersion'];
  const kind = value['kind'];
  const meta = isRecord(value['metadata']) ? value['metadata'] : {};
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    ctx.errorAt(doc.map.locate(path), 'GL_E_CONFIG_INVALID', 'every Kubernetes object needs apiVersion and kind (strings)', 'add e.g. apiVersion: gateway.networking.k8s.io/v1 and kind: HTTPRoute');
    return undefined;
  }
  const name = meta['name'];
  const cluster = kind === 'Namespace' || kind === 'GatewayClass';
  const namespace = typeof meta['namespace'] === 'string' && meta['namespace'] !== '' && !cluster ? meta['namespace'] : 'default';
  if (typeof name !== 'string' || name === '') {
    ctx.errorAt(doc.map.locate([...path, 'metadata']), 'GL_E_CONFIG_INVALID', `this ${kind} has no metadata.name; the API server rejects it`, 'add metadata: {name: ...}');
    return undefined;
  }
  return {
    doc,
    path,
    value,
    apiVersion,
    kind,
    name,
    namespace,
    label: cluster ? `${kind} ${name}` : `${kind} ${namespace}/${name}`,
  };
}

function formatLoc(loc: { file: string; line: number; col: number }): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}

