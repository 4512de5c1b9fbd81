/**
 * Which backends exist and who may use them. A backendRef names a Service (group "", kind Service, the
 * defaults); another kind is invalid. A Service in another namespace needs a ReferenceGrant in that
 * namespace that lets HTTPRoutes of the route's namespace refer to it. When the input holds `kind:
 * Service` documents, only those Services (and their ports) exist; with none, every referenced one does.
 * A backend that fails any of this stays in the rule with its weight: its share of requests gets 500.
 */
import { GATEWAY_GROUP, type Collected } from './collect.ts';
import { isRecord, type AdaptContext, type K8sObject } from './context.ts';

export interface BackendKey {
  namespace: string;
  name: string;
  port: number;
  /** ExternalName Services send to this host instead of the cluster DNS name. */
  externalName?: string;
}

export interface ResolvedBackend {
  /** `namespace/name:port` as written, for reasons. */
  label: string;
  key: BackendKey | null;
  problem: string | null;
}

interface ServicePortModel {
  port: number;
  /** '' for an unnamed port (allowed when the Service has only one). */
  name: string;
  targetPort?: number | string;
}

interface ServiceModel {
  ports: ServicePortModel[];
  externalName?: string;
}

interface GrantModel {
  namespace: string;
  from: Array<{ group: string; kind: string; namespace: string }>;
  to: Array<{ group: string; kind: string; name?: string }>;
}

export class BackendResolver {
  private readonly services = new Map<string, ServiceModel>();
  private readonly grants: GrantModel[];
  readonly servicesDeclared: boolean;

  constructor(ctx: AdaptContext, collected: Collected) {
    for (const o of collected.services) this.services.set(`${o.namespace}/${o.name}`, readService(o));
    this.servicesDeclared = collected.services.length > 0;
    this.grants = collected.grants.map((g) => readGrant(ctx, g));
  }

  /** Resolves one backendRef of a route (or a mirror's backendRef) written at `at`. */
  resolve(ctx: AdaptContext, route: K8sObject, at: Array<string | number>, ref: Record<string, unknown>): ResolvedBackend {
    const group = typeof ref['group'] === 'string' ? ref['group'] : '';
    const kind = typeof ref['kind'] === 'string' ? ref['kind'] : 'Service';
    const name = typeof ref['name'] === 'string' ? ref['name'] : '';
    const namespace = typeof ref['namespace'] === 'string' ? ref['namespace'] : route.namespace;
    const port = typeof ref['port'] === 'number' ? ref['port'] : undefined;
    const label = `${namespace === route.namespace ? '' : `${namespace}/`}${name}${port !== undefined ? `:${port}` : ''}`;
    const fail = (problem: string, hint?: string): ResolvedBackend => {
      ctx.warn(route, at, 'GL_W_NO_EFFECT', `backendRef ${label} of ${route.label}: ${problem}; its share of requests gets 500`, hint);
      return { label, key: null, problem };
    };
    if (group !== '' || kind !== 'Service') {
      return fail(`kind ${group ? `${group}/` : ''}${kind} is not a backend this gateway knows (ResolvedRefs=False, InvalidKind)`, 'refer to a Service (group "", kind Service)');
    }
    // Already an error (the API server rejects a Service reference without port); no second message.
    if (port === undefined) return { label, key: null, problem: 'a Service reference needs a port' };
    if (namespace !== route.namespace && !this.permitted(route.namespace, namespace, name)) {
      return fail(
        `Service ${namespace}/${name} is in another namespace and no ReferenceGrant in ${namespace} allows HTTPRoutes from ${route.namespace} to use it (ResolvedRefs=False, RefNotPermitted)`,
        `add a ReferenceGrant in namespace ${namespace}: from {group: ${GATEWAY_GROUP}, kind: HTTPRoute, namespace: ${route.namespace}}, to {group: "", kind: Service, name: ${name}}`,
      );
    }
    const svc = this.services.get(`${namespace}/${name}`);
    if (this.servicesDeclared && !svc) {
      return fail(`no Service ${namespace}/${name} in the input (ResolvedRefs=False, BackendNotFound)`, 'check the name and namespace, or add the Service');
    }
    if (svc && svc.ports.length > 0 && !svc.ports.some((p) => p.port === port) && svc.externalName === undefined) {
      return fail(`Service ${namespace}/${name} has no port ${port} (its ports: ${svc.ports.map((p) => p.port).join(', ')})`);
    }
    return { label, key: { namespace, name, port, ...(svc?.externalName ? { externalName: svc.externalName } : {}) }, problem: null };
  }

  /** The declared Service port behind a resolved backend (its name matches EndpointSlice ports), if the input has it. */
  servicePort(key: BackendKey): { name: string; targetPort?: number | string } | undefined {
    const p = this.services.get(`${key.namespace}/${key.name}`)?.ports.find((x) => x.port === key.port);
    return p ? { name: p.name, ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}) } : undefined;
  }

  private permitted(fromNs: string, toNs: string, name: string): boolean {
    return this.grants.some(
      (g) =>
        g.namespace === toNs &&
        g.from.some((f) => f.group === GATEWAY_GROUP && f.kind === 'HTTPRoute' && f.namespace === fromNs) &&
        g.to.some((t) => t.group === '' && t.kind === 'Service' && (t.name === undefined || t.name === name)),
    );
  }
}

function readService(o: K8sObject): ServiceModel {
  const spec = isRecord(o.value['spec']) ? o.value['spec'] : {};
  const ports = (Array.isArray(spec['ports']) ? spec['ports'] : []).filter(isRecord).flatMap((p): ServicePortModel[] => {
    if (typeof p['port'] !== 'number') return [];
    const target = p['targetPort'];
    return [{ port: p['port'], name: typeof p['name'] === 'string' ? p['name'] : '', ...(typeof target === 'number' || typeof target === 'string' ? { targetPort: target } : {}) }];
  });
  const external = spec['type'] === 'ExternalName' && typeof spec['externalName'] === 'string' ? spec['externalName'] : undefined;
  return { ports, ...(external ? { externalName: external } : {}) };
}

function readGrant(ctx: AdaptContext, o: K8sObject): GrantModel {
  const spec = isRecord(o.value['spec']) ? o.value['spec'] : {};
  const from = (Array.isArray(spec['from']) ? spec['from'] : []).filter(isRecord).map((f) => ({
    group: String(f['group'] ?? ''),
    kind: String(f['kind'] ?? ''),
    namespace: String(f['namespace'] ?? ''),
  }));
  const to = (Array.isArray(spec['to']) ? spec['to'] : []).filter(isRecord).map((t) => ({
    group: String(t['group'] ?? ''),
    kind: String(t['kind'] ?? ''),
    ...(typeof t['name'] === 'string' ? { name: t['name'] } : {}),
  }));
  if (from.length === 0 || to.length === 0) ctx.error(o, ['spec'], 'GL_E_CONFIG_INVALID', `${o.label} needs spec.from and spec.to (at least one entry each)`);
  from.forEach((f, i) => {
    if (f.namespace === '') ctx.error(o, ['spec', 'from', i], 'GL_E_CONFIG_INVALID', 'a ReferenceGrant from entry needs a namespace');
  });
  return { namespace: o.namespace, from, to };
}
