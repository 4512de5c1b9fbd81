/**
 * From YAML documents to Kubernetes objects: one object per document, or the `items` of a `List`
 * (what `kubectl get -o yaml` prints). Objects are sorted into what the ingress-nginx adapter reads
 * (Ingress, IngressClass, Service, EndpointSlice, Istio DestinationRule) and everything else, which is
 * reported once.
 */
import { AdaptContext, type K8sDoc, type ResourceNode, isRecord } from './context.ts';

export interface Collected {
  ingresses: ResourceNode[];
  ingressClasses: ResourceNode[];
  services: ResourceNode[];
  endpointSlices: ResourceNode[];
  destinationRules: ResourceNode[];
}

const KUBERNETES_DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function collect(ctx: AdaptContext, docs: readonly K8sDoc[]): Collected {
  const out: Collected = { ingresses: [], ingressClasses: [], services: [], endpointSlices: [], destinationRules: [] };
  let order = 0;
  const visit = (doc: K8sDoc, path: Array<string | number>, value: unknown): void => {
    const at = { doc, path };
    if (value === null || value === undefined) return;
    if (!isRecord(value)) {
      ctx.warn(at, [], 'GL_W_NO_EFFECT', 'this document is not a Kubernetes object; the ingress-nginx adapter skips it');
      return;
    }
    const kind = typeof value['kind'] === 'string' ? value['kind'] : '';
    const apiVersion = typeof value['apiVersion'] === 'string' ? value['apiVersion'] : '';
    if (!kind || !apiVersion) {
      ctx.warn(at, [], 'GL_W_NO_EFFECT', 'an object without kind and apiVersion is not a Kubernetes resource; skipped', 'add apiVersion: networking.k8s.io/v1 and kind: Ingress');
      return;
    }
    if (kind === 'List' || (kind.endsWith('List') && Array.isArray(value['items']))) {
      const items = Array.isArray(value['items']) ? value['items'] : [];
      items.forEach((item, i) => visit(doc, [...path, 'items', i], item));
      return;
    }
    const meta = isRecord(value['metadata']) ? value['metadata'] : {};
    const name = typeof meta['name'] === 'string' ? meta['name'] : '';
    const namespaced = typeof meta['namespace'] === 'string' && meta['namespace'] !== '';
    const namespace = namespaced ? (meta['namespace'] as string) : 'default';
    const node: ResourceNode = { doc, path, value, kind, apiVersion, name, namespace, namespaced, order: order++ };
    if (!name) {
      ctx.warn(at, ['metadata'], 'GL_W_NO_EFFECT', `this ${kind} has no metadata.name; the API server rejects it, so it is skipped`, 'add metadata.name');
      return;
    }
    if (!KUBERNETES_DNS_LABEL.test(namespace)) {
      ctx.warn(at, ['metadata', 'namespace'], 'GL_W_NO_EFFECT', `namespace "${namespace}" is not a valid Kubernetes name; the API server rejects this ${kind}, so it is skipped`);
      return;
    }
    classify(ctx, out, node);
  };
  docs.forEach((doc) => visit(doc, [], doc.value));
  return out;
}

function classify(ctx: AdaptContext, out: Collected, node: ResourceNode): void {
  const group = node.apiVersion.includes('/') ? node.apiVersion.slice(0, node.apiVersion.lastIndexOf('/')) : '';
  if (node.kind === 'Ingress') {
    if (node.apiVersion === 'networking.k8s.io/v1') out.ingresses.push(node);
    else {
      ctx.warn(node, ['apiVersion'], 'GL_W_NO_EFFECT', `Ingress ${node.name} uses ${node.apiVersion}, which Kubernetes stopped serving in 1.22; ingress-nginx 1.x reads only networking.k8s.io/v1, so it is skipped`, 'write apiVersion: networking.k8s.io/v1 (backend.service.name / port.number, pathType on every path)');
    }
    return;
  }
  if (node.kind === 'IngressClass' && group === 'networking.k8s.io') {
    out.ingressClasses.push(node);
    return;
  }
  if (node.kind === 'Service' && node.apiVersion === 'v1') {
    out.services.push(node);
    return;
  }
  if (node.kind === 'EndpointSlice' && group === 'discovery.k8s.io') {
    if (node.apiVersion === 'discovery.k8s.io/v1') out.endpointSlices.push(node);
    else ctx.warn(node, ['apiVersion'], 'GL_W_NO_EFFECT', `EndpointSlice ${node.name} uses ${node.apiVersion}, which Kubernetes stopped serving in 1.25; gatelab skips it`, 'write apiVersion: discovery.k8s.io/v1');
    return;
  }
  if (node.kind === 'DestinationRule' && group === 'networking.istio.io') {
    out.destinationRules.push(node);
    return;
  }
  ctx.warn(node, ['kind'], 'GL_W_NO_EFFECT', `${node.kind} ${node.name} (${node.apiVersion}) plays no part in ingress-nginx routing here; gatelab skips it`);
}
