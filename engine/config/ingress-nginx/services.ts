/**
 * Which backends exist. `kind: Service` objects in the input are the cluster's Services; with none
 * present, every referenced Service is assumed to exist with endpoints (the rule for all
 * Kubernetes dialects). A reference to a missing Service, or to a port the Service does not have,
 * gives an upstream without endpoints: ingress-nginx answers 503 (balancer.lua finds no balancer).
 * EndpointSlices, when the input has them for a Service, are its endpoints: balancer.lua balances over
 * the ready pod addresses itself; without slices the upstream is the Service's DNS name, and
 * kube-proxy balances behind it.
 */
import type { ServiceIR, TargetIR } from '../ir.ts';
import type { EndpointSlices } from '../k8s/endpoint-slices.ts';
import { type AdaptContext, type ResourceNode, isRecord, keyOf } from './context.ts';
import type { BackendRef } from './ingress-read.ts';

interface ServicePort {
  port: number;
  name?: string;
  targetPort?: number | string;
}

interface ServiceDoc {
  node: ResourceNode;
  type: string;
  ports: ServicePort[];
  externalName?: string;
}

export interface Endpoints {
  endpoints: boolean;
  /** The Service port the upstream targets (a named port resolved through the Service). */
  port: number;
  /** Why there are no endpoints, for the reason sentence. */
  why?: string;
  /** An ExternalName Service's DNS name: the balancer resolves it and sends there. */
  host?: string;
  /** The ready pods from EndpointSlices, when the input has slices for the Service. */
  targets?: TargetIR[];
}

export class ServiceCatalog {
  private readonly byKey = new Map<string, ServiceDoc>();

  constructor(
    ctx: AdaptContext,
    nodes: readonly ResourceNode[],
    private readonly slices: EndpointSlices<ResourceNode>,
  ) {
    for (const node of nodes) {
      const spec = isRecord(node.value['spec']) ? node.value['spec'] : {};
      const ports: ServicePort[] = [];
      for (const raw of Array.isArray(spec['ports']) ? spec['ports'] : []) {
        if (!isRecord(raw) || typeof raw['port'] !== 'number') continue;
        const p: ServicePort = { port: raw['port'] };
        if (typeof raw['name'] === 'string') p.name = raw['name'];
        if (typeof raw['targetPort'] === 'number' || typeof raw['targetPort'] === 'string') p.targetPort = raw['targetPort'];
        ports.push(p);
      }
      const type = typeof spec['type'] === 'string' ? spec['type'] : 'ClusterIP';
      const externalName = typeof spec['externalName'] === 'string' ? spec['externalName'] : undefined;
      if (this.byKey.has(keyOf(node))) ctx.warn(node, ['metadata', 'name'], 'GL_W_NO_EFFECT', `Service ${keyOf(node)} appears twice; the later one replaces the earlier, as kubectl apply would`);
      this.byKey.set(keyOf(node), { node, type, ports, ...(externalName ? { externalName } : {}) });
    }
  }

  /** True when the input declared Services at all; without any, every backend exists. */
  get declared(): boolean {
    return this.byKey.size > 0;
  }

  /** The first port of a declared Service (what the default-backend annotation uses). */
  firstPort(namespace: string, name: string): number | undefined {
    return this.byKey.get(`${namespace}/${name}`)?.ports[0]?.port;
  }

  resolve(ref: Pick<BackendRef, 'namespace' | 'name' | 'port'>): Endpoints {
    const numeric = typeof ref.port === 'number' ? ref.port : 80;
    if (!this.declared) return this.withSlices(ref, { endpoints: true, port: numeric }, typeof ref.port === 'string' ? ref.port : undefined);
    const svc = this.byKey.get(`${ref.namespace}/${ref.name}`);
    if (!svc) return { endpoints: false, port: numeric, why: `no Service ${ref.namespace}/${ref.name}` };
    if (svc.type === 'ExternalName') {
      // externalNamePorts: a number is used as is; a name must be one of the Service's ports.
      const named = typeof ref.port === 'string' ? svc.ports.find((p) => p.name === ref.port)?.port : undefined;
      return { endpoints: true, port: named ?? numeric, ...(svc.externalName ? { host: svc.externalName } : {}) };
    }
    // controller.go serviceEndpoints: the port matches by number, by target port or by name.
    const want = String(ref.port);
    const hit = svc.ports.find((p) => String(p.port) === want || (p.targetPort !== undefined && String(p.targetPort) === want) || p.name === want);
    if (!hit) return { endpoints: false, port: numeric, why: `Service ${ref.namespace}/${ref.name} has no port ${want}` };
    return this.withSlices(ref, { endpoints: true, port: hit.port }, hit.name ?? '', hit.targetPort);
  }

  /** The Service's ready pods when slices name it; no ready pod means no endpoints (503). */
  private withSlices(ref: Pick<BackendRef, 'namespace' | 'name'>, ep: Endpoints, portName: string | undefined, targetPort?: number | string): Endpoints {
    const found = this.slices.targets({
      namespace: ref.namespace,
      service: ref.name,
      port: ep.port,
      ...(portName !== undefined ? { portName } : {}),
      ...(targetPort !== undefined ? { targetPort } : {}),
    });
    if (found.kind === 'none') return ep;
    if (found.targets.length === 0) return { endpoints: false, port: ep.port, why: `Service ${ref.namespace}/${ref.name} has ${found.summary}`, targets: [] };
    return { ...ep, targets: found.targets };
  }
}

/** `<namespace>-<service>-<port>`: the controller's upstream name (upstreamName in controller.go). */
export function upstreamName(ref: Pick<BackendRef, 'namespace' | 'name' | 'port'>): string {
  return `${ref.namespace}-${ref.name}-${ref.port}`;
}

export interface NamedRef {
  upstream: string;
  ref: Pick<BackendRef, 'namespace' | 'name' | 'port'>;
  /** The Service port the upstream really reaches (a named port resolved). */
  port: number;
}

/**
 * Names for the IR services: the Kubernetes Service name (what `explain` reports as the backend and
 * what a scenario's backends bind to). Upstreams that reach the same Service port share one name;
 * only different ports of one Service (or same-named Services in several namespaces) are qualified.
 */
export function serviceNames(refs: readonly NamedRef[]): Map<string, string> {
  const groupKey = (r: NamedRef): string => `${r.ref.namespace}/${r.ref.name}:${r.port}`;
  const byName = new Map<string, NamedRef[]>();
  for (const r of refs) {
    const list = byName.get(r.ref.name) ?? [];
    if (!list.some((x) => groupKey(x) === groupKey(r))) list.push(r);
    byName.set(r.ref.name, list);
  }
  const labels = new Map<string, string>();
  for (const [name, list] of byName) {
    const oneNamespace = new Set(list.map((r) => r.ref.namespace)).size === 1;
    const onePort = new Set(list.map((r) => r.port)).size === 1;
    for (const r of list) {
      labels.set(groupKey(r), list.length === 1 ? name : oneNamespace ? `${name}:${r.port}` : onePort ? `${r.ref.namespace}/${name}` : `${r.ref.namespace}/${name}:${r.port}`);
    }
  }
  return new Map(refs.map((r) => [r.upstream, labels.get(groupKey(r)) as string]));
}

export function serviceIr(ref: Pick<BackendRef, 'namespace' | 'name' | 'port'>, name: string, ep: Endpoints, opts: { https: boolean; connectMs: number; readMs: number; sendMs: number; retries: number }): ServiceIR {
  const fqdn = `${ref.name}.${ref.namespace}.svc.cluster.local`;
  const host = ep.host ?? fqdn;
  return {
    name,
    id: upstreamName(ref),
    protocol: opts.https ? 'https' : 'http',
    host: fqdn,
    port: ep.port,
    // No endpoints: the balancer has no peers; the dialect answers 503 before proxying.
    targets: ep.endpoints ? (ep.targets ?? [{ host, port: ep.port, weight: 100 }]) : [],
    retries: opts.retries,
    connectTimeoutMs: opts.connectMs,
    readTimeoutMs: opts.readMs,
    writeTimeoutMs: opts.sendMs,
  };
}
