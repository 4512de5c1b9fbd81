/**
 * From a route's `services` entry to IR services. A `kind: Service` reference is a Kubernetes
 * Service and a port (one load balancer of servers); a `kind: TraefikService` reference is a
 * weighted round robin of other services (nested ones flattened into one set of weights) or a
 * mirroring service (its main service only: mirrors are not modelled). Which Kubernetes Services
 * exist comes from `kind: Service` documents; with none in the input, every referenced one exists.
 *
 * A reference Traefik cannot resolve (a missing Service, a port the Service does not have, another
 * namespace without allowCrossNamespace, ExternalName without allowExternalNameServices) is what
 * Traefik logs when it builds the router: that route is not served. Those come back as `problem`.
 * `name@file` with kind TraefikService is the file provider's service (cross-provider, as in Traefik);
 * `name@kubernetescrd` is this provider's own name.
 * Source: traefik/traefik pkg/provider/kubernetes/crd/kubernetes_http.go (nameAndService,
 * buildServicesLB, loadServers, getServicePort, parseServiceProtocol).
 */
import type { ServiceIR, TargetIR } from '../ir.ts';
import { uuidFrom } from '../native/adapt.ts';
import { isObj, type Node, type TraefikContext } from './context.ts';
import type { K8sObject } from './collect.ts';
import { kubernetesServiceName, objectKey, PROVIDER } from './names.ts';
import type { TraefikStatic } from './static.ts';
import type { TraefikServiceSettingsIR } from './table.ts';
import type { PodTimeline } from './discovery.ts';
import { readHealthCheck, warnWeightedHealthCheck } from './active-health.ts';
import { readPassiveHealthCheck } from './passive-health.ts';

export const SERVICE_REF_FIELDS = [
  'name', 'kind', 'namespace', 'sticky', 'port', 'scheme', 'strategy', 'passHostHeader', 'responseForwarding',
  'serversTransport', 'weight', 'nativeLB', 'nodePortLB', 'healthCheck', 'percent', 'passiveHealthCheck',
];
const NOT_MODELLED: Record<string, string> = {
  sticky: 'sticky sessions are not modelled; every request draws its backend afresh',
  responseForwarding: 'flushing is not modelled',
  serversTransport: 'TLS and timeouts to servers are not modelled',
  nodePortLB: 'NodePort load balancing is not modelled',
};

export interface WeightedService {
  service: ServiceIR;
  weight: number;
}

export type Resolved = { ok: true; backends: WeightedService[]; note?: string } | { ok: false; problem: string; path: Node };

export class ServiceRegistry {
  readonly services = new Map<string, ServiceIR>();
  readonly settings: Record<string, TraefikServiceSettingsIR> = {};
  private readonly k8s = new Map<string, K8sObject>();
  private readonly tservices = new Map<string, K8sObject>();
  /** The file provider's services by `name@file` (set by file-provider.ts when the input has any). */
  crossProvider?: (ref: string) => WeightedService[] | string;

  constructor(
    private readonly ctx: TraefikContext,
    private readonly st: TraefikStatic,
    k8sServices: readonly K8sObject[],
    traefikServices: readonly K8sObject[],
    private readonly pods: PodTimeline,
  ) {
    for (const s of k8sServices) this.k8s.set(`${s.namespace}/${s.name}`, s);
    for (const t of traefikServices) this.tservices.set(`${t.namespace}/${t.name}`, t);
  }

  /** Resolves one `services` entry (or a TraefikService child) in the namespace of its parent. */
  resolve(ref: Node, parentNs: string, seen: readonly string[] = []): Resolved {
    const ctx = this.ctx;
    ctx.unknownFields(ref, SERVICE_REF_FIELDS, 'a service reference');
    let name = ctx.string(ref, 'name');
    if (!name) return { ok: false, problem: 'a service reference needs a name', path: ref };
    const kind = ctx.string(ref, 'kind') ?? 'Service';
    const nsGiven = ctx.string(ref, 'namespace');
    const ns = nsGiven ?? parentNs;
    if (ns !== parentNs && !this.st.allowCrossNamespace) {
      return { ok: false, problem: `service ${ns}/${name} is not in the parent resource's namespace ${parentNs} and allowCrossNamespace is false`, path: ref };
    }
    const at = name.lastIndexOf('@');
    const provider = at >= 0 ? name.slice(at + 1) : undefined;
    if (provider !== undefined && provider !== PROVIDER) return this.otherProvider(ref, ns, name, kind, provider);
    // `x@kubernetescrd` is this provider's own x (Traefik trims the suffix).
    if (provider === PROVIDER) name = name.slice(0, at);
    if (kind === 'TraefikService') {
      // buildServersLB reads the checks only for a Kubernetes Service; a TraefikService has its own.
      for (const field of ['passiveHealthCheck', 'healthCheck']) {
        if (ref.value[field] !== undefined && ref.value[field] !== null) {
          ctx.warn(ref.doc, [...ref.path, field], 'GL_W_NO_EFFECT', `${field} applies to a reference of kind Service; Traefik ignores it on a TraefikService`, undefined, true);
        }
      }
      return this.traefikService(ref, ns, name, seen);
    }
    if (kind !== 'Service') return { ok: false, problem: `unsupported service kind ${kind} (Service or TraefikService)`, path: ref };
    for (const [field, why] of Object.entries(NOT_MODELLED)) {
      if (ref.value[field] !== undefined && ref.value[field] !== null) ctx.warn(ref.doc, [...ref.path, field], 'GL_W_NO_EFFECT', `${field}: ${why}`, undefined, true);
    }
    const strategy = ctx.string(ref, 'strategy');
    if (strategy && !['wrr', 'RoundRobin', 'p2c'].includes(strategy)) return { ok: false, problem: `load balancing strategy ${strategy} is not supported`, path: ref };
    if (strategy === 'p2c') ctx.warn(ref.doc, [...ref.path, 'strategy'], 'GL_W_NO_EFFECT', 'p2c (power of two choices) is not modelled; servers take turns as with wrr');
    if (strategy === 'RoundRobin') ctx.warn(ref.doc, [...ref.path, 'strategy'], 'GL_W_DEPRECATED', 'RoundRobin is deprecated; write wrr');
    return this.kubernetesService(ref, ns, name);
  }

  /**
   * `name@provider` of another provider. Traefik takes it as written only for kind TraefikService
   * (fullServiceName); as a Kubernetes Service it looks up a Service literally named `x@file`, which
   * cannot exist. The file provider's services are in the input when a dynamic-configuration
   * document is (file-provider.ts answers through `crossProvider`).
   */
  private otherProvider(ref: Node, ns: string, name: string, kind: string, provider: string): Resolved {
    if (kind !== 'TraefikService') {
      return { ok: false, problem: `kubernetes service not found: ${ns}/${name} (a Service name cannot hold "@"; a service of the ${provider} provider is referred to with kind: TraefikService)`, path: ref };
    }
    const nsGiven = this.ctx.string(ref, 'namespace');
    if (nsGiven) this.ctx.warn(ref.doc, [...ref.path, 'namespace'], 'GL_W_NO_EFFECT', `namespace "${nsGiven}" is ignored in cross-provider context: "${name}" already names its provider`, undefined, true);
    const base = name.slice(0, name.lastIndexOf('@'));
    if (provider === 'file' && this.crossProvider) {
      const r = this.crossProvider(name);
      return typeof r === 'string' ? { ok: false, problem: r, path: ref } : { ok: true, backends: r };
    }
    const fix = provider === 'file' ? `the input has no file-provider service named ${base} (add it under http.services of a dynamic-configuration document in the input)` : `it belongs to the ${provider} provider, and gatelab reads only Kubernetes CRDs and the file provider's dynamic configuration`;
    return { ok: false, problem: `the service "${name}" does not exist here: ${fix}`, path: ref };
  }

  private kubernetesService(ref: Node, ns: string, name: string): Resolved {
    const ctx = this.ctx;
    const rawPort = ref.value['port'];
    if (rawPort !== undefined && typeof rawPort !== 'number' && typeof rawPort !== 'string') {
      ctx.error(ref.doc, [...ref.path, 'port'], 'GL_E_TYPE', 'port must be a number or a port name');
      return { ok: false, problem: 'bad port', path: ref };
    }
    if (rawPort === undefined || rawPort === 0 || rawPort === '') return { ok: false, problem: `ingressRoute service port not defined for ${ns}/${name}`, path: ref };
    const doc = this.k8s.get(`${ns}/${name}`);
    if (!doc && this.k8s.size > 0) return { ok: false, problem: `kubernetes service not found: ${ns}/${name}`, path: ref };
    const spec = doc?.spec?.value ?? {};
    const type = typeof spec['type'] === 'string' ? spec['type'] : 'ClusterIP';
    const ports = Array.isArray(spec['ports']) ? spec['ports'].filter(isObj) : [];
    const portDef = ports.find((p) => (typeof rawPort === 'number' ? p['port'] === rawPort : p['name'] === rawPort));
    let port: number;
    let portName: string;
    if (doc) {
      if (!portDef && !(type === 'ExternalName' && typeof rawPort === 'number')) return { ok: false, problem: `service port not found: ${ns}/${name} has no port ${rawPort}`, path: ref };
      port = typeof portDef?.['port'] === 'number' ? portDef['port'] : (rawPort as number);
      portName = typeof portDef?.['name'] === 'string' ? portDef['name'] : '';
    } else if (typeof rawPort === 'number') {
      port = rawPort;
      portName = '';
    } else {
      ctx.warn(ref.doc, [...ref.path, 'port'], 'GL_W_NO_EFFECT', `port "${rawPort}" names a port, but there is no kind: Service document for ${ns}/${name} to look it up in; gatelab assumes port 80`, 'add the Service to the config, or give the port number');
      port = 80;
      portName = rawPort;
    }
    const scheme = ctx.string(ref, 'scheme');
    if (scheme && !['http', 'https', 'h2c'].includes(scheme)) return { ok: false, problem: `invalid scheme ${scheme} for ${ns}/${name} (http, https or h2c)`, path: ref };
    const protocol: 'http' | 'https' = scheme === 'https' || (!scheme && (portName.startsWith('https') || port === 443)) ? 'https' : 'http';
    const hasActive = ref.value['healthCheck'] !== undefined && ref.value['healthCheck'] !== null;
    // loadServers: a health check needs a fixed address to probe, so Traefik refuses it on any other type.
    if (hasActive && doc && type !== 'ExternalName') return { ok: false, problem: `healthCheck allowed only for ExternalName services: ${ns}/${name} (it is ${type})`, path: ref };
    if (hasActive && !doc) {
      ctx.warn(ref.doc, [...ref.path, 'healthCheck'], 'GL_W_NO_EFFECT', `Traefik accepts healthCheck only for an ExternalName Service, and the input has no kind: Service document for ${ns}/${name}; gatelab assumes it is one and models the check`, 'add the Service to the config');
    }
    let targets: TargetIR[];
    if (type === 'ExternalName') {
      if (!this.st.allowExternalNameServices) return { ok: false, problem: `externalName services not allowed: ${ns}/${name} (set providers.kubernetesCRD.allowExternalNameServices)`, path: ref };
      targets = [{ host: String(spec['externalName'] ?? name), port, weight: 1 }];
    } else {
      const targetPort = typeof portDef?.['targetPort'] === 'number' ? portDef['targetPort'] : port;
      const selector = isObj(spec['selector']) ? (spec['selector'] as Record<string, string>) : undefined;
      // With declared pods and a selector, the servers are the selected pods (Endpoints); otherwise the
      // Service's own address stands for them.
      const fromPods = selector ? this.pods.staticServers(ns, selector, targetPort) : undefined;
      targets = fromPods ?? [{ host: `${name}.${ns}.svc`, port, weight: 1 }];
    }
    const irName = kubernetesServiceName(ns, name, rawPort as string | number);
    if (!this.services.has(irName)) {
      const selector = isObj(spec['selector']) ? (spec['selector'] as Record<string, string>) : undefined;
      this.pods.attach(irName, ns, selector, typeof portDef?.['targetPort'] === 'number' ? portDef['targetPort'] : port);
      this.services.set(irName, {
        name: irName,
        id: uuidFrom(`traefik-service:${irName}`),
        protocol,
        host: `${name}.${ns}.svc`,
        port,
        targets,
        retries: 0,
        connectTimeoutMs: 30_000,
        readTimeoutMs: 0,
        writeTimeoutMs: 0,
        loc: ctx.loc(ref.doc, ref.path),
      });
    }
    // Traefik keys the load balancer by this name alone, so when two references differ in their
    // settings the one it reads last applies to every router that uses the name.
    this.passive(ref, irName, `${ns}/${name}`);
    this.active(ref, irName, `${ns}/${name}`);
    const settings = { passHostHeader: ctx.bool(ref, 'passHostHeader') ?? true, kubernetes: `${ns}/${name}` };
    const before = this.settings[irName];
    if (before && before.passHostHeader !== settings.passHostHeader) {
      ctx.warn(ref.doc, ref.path, 'GL_W_NO_EFFECT', `another reference to ${irName} sets passHostHeader: ${before.passHostHeader}; Traefik keeps one service per name, and this later setting applies to both`);
    }
    this.settings[irName] = settings;
    return { ok: true, backends: [{ service: this.services.get(irName) as ServiceIR, weight: 1 }] };
  }

  /** passiveHealthCheck of a Service reference: on the shared IR service, the last reference winning. */
  private passive(ref: Node, irName: string, what: string): void {
    const service = this.services.get(irName);
    if (!service) return;
    const passive = readPassiveHealthCheck(this.ctx, ref, `service ${what}`, true);
    const before = service.policy?.passiveHealth;
    if (before !== undefined && JSON.stringify(before) !== JSON.stringify(passive)) {
      this.ctx.warn(ref.doc, ref.path, 'GL_W_NO_EFFECT', `another reference to ${irName} sets a different passiveHealthCheck; Traefik keeps one service per name, and this later setting applies to both`);
    }
    if (passive) service.policy = { ...service.policy, passiveHealth: passive };
    else if (service.policy?.passiveHealth) {
      const { passiveHealth: _dropped, ...rest } = service.policy;
      service.policy = rest;
    }
  }

  /** healthCheck of a Service reference: like passiveHealthCheck, the last reference wins. */
  private active(ref: Node, irName: string, what: string): void {
    const service = this.services.get(irName);
    if (!service) return;
    const active = readHealthCheck(this.ctx, ref, `service ${what}`, true);
    const before = service.policy?.activeHealth;
    if (before !== undefined && JSON.stringify(before) !== JSON.stringify(active)) {
      this.ctx.warn(ref.doc, ref.path, 'GL_W_NO_EFFECT', `another reference to ${irName} sets a different healthCheck; Traefik keeps one service per name, and this later setting applies to both`);
    }
    if (active) service.policy = { ...service.policy, activeHealth: active };
    else if (service.policy?.activeHealth) {
      const { activeHealth: _dropped, ...rest } = service.policy;
      service.policy = rest;
    }
  }

  private traefikService(ref: Node, ns: string, name: string, seen: readonly string[]): Resolved {
    const key = `${ns}/${name}`;
    const obj = this.tservices.get(key);
    if (!obj) return { ok: false, problem: `the service "${objectKey(ns, name)}" does not exist (no TraefikService ${key})`, path: ref };
    if (seen.includes(key)) return { ok: false, problem: `TraefikService ${key} refers to itself through ${seen.join(' → ')}`, path: ref };
    const spec = obj.spec;
    if (!spec) return { ok: false, problem: `TraefikService ${key} has no spec`, path: obj.node };
    this.ctx.unknownFields(spec, ['weighted', 'mirroring', 'highestRandomWeight', 'failover'], `spec of TraefikService ${key}`);
    const weighted = this.ctx.child(spec, 'weighted', `weighted of TraefikService ${key}`);
    if (weighted) {
      this.ctx.unknownFields(weighted, ['services', 'sticky', 'healthCheck'], `weighted of TraefikService ${key}`);
      if (weighted.value['sticky'] !== undefined) this.ctx.warn(weighted.doc, [...weighted.path, 'sticky'], 'GL_W_NO_EFFECT', 'sticky sessions are not modelled', undefined, true);
      warnWeightedHealthCheck(this.ctx, weighted, `TraefikService ${key}`);
      const children = this.ctx.list(weighted, 'services', (i) => `weighted.services[${i}] of TraefikService ${key}`);
      return this.weighted(children, ns, [...seen, key]);
    }
    const mirroring = this.ctx.child(spec, 'mirroring', `mirroring of TraefikService ${key}`);
    if (mirroring) {
      this.ctx.warn(mirroring.doc, mirroring.path, 'GL_W_NO_EFFECT', `TraefikService ${key} mirrors traffic; gatelab sends every request to the main service ${String(mirroring.value['name'] ?? '')} and does not model the mirrors`, undefined, true);
      const main: Node = { ...mirroring, value: Object.fromEntries(Object.entries(mirroring.value).filter(([k]) => !['mirrors', 'maxBodySize', 'mirrorBody'].includes(k))) };
      return this.resolve(main, ns, [...seen, key]);
    }
    for (const k of ['highestRandomWeight', 'failover']) {
      if (spec.value[k] !== undefined) return { ok: false, problem: `TraefikService ${key} uses ${k}, which gatelab does not model`, path: spec };
    }
    return { ok: false, problem: `unspecified service type for TraefikService ${key} (weighted or mirroring)`, path: spec };
  }

  /** A weighted round robin over references; weights default to 1, a weight of 0 drops the child. */
  weighted(children: readonly Node[], ns: string, seen: readonly string[] = []): Resolved {
    const parts: Array<{ backends: WeightedService[]; weight: number }> = [];
    for (const child of children) {
      const w = child.value['weight'];
      let weight = 1;
      if (w !== undefined && w !== null) {
        if (typeof w !== 'number' || !Number.isInteger(w) || w < 0) {
          this.ctx.error(child.doc, [...child.path, 'weight'], 'GL_E_CONFIG_INVALID', `weight must be an integer ≥ 0, not ${String(w)}`);
        } else weight = w;
      }
      const r = this.resolve(child, ns, seen);
      if (!r.ok) return r;
      if (weight === 0) {
        this.ctx.warn(child.doc, [...child.path, 'weight'], 'GL_W_NO_EFFECT', 'weight 0: Traefik leaves this service out of the weighted round robin', undefined, true);
        continue;
      }
      parts.push({ backends: r.backends, weight });
    }
    // Nested weights flatten into shares: a child's share of its parent times the parent's weight.
    const backends: WeightedService[] = [];
    for (const p of parts) {
      const total = p.backends.reduce((s, b) => s + b.weight, 0);
      for (const b of p.backends) {
        const w = p.backends.length === 1 ? p.weight : (p.weight * b.weight) / total;
        const same = backends.find((x) => x.service.name === b.service.name);
        if (same) same.weight += w;
        else backends.push({ service: b.service, weight: w });
      }
    }
    return { ok: true, backends };
  }
}
