/**
 * discovery.k8s.io/v1 EndpointSlices → the pod addresses behind a Service port, shared by the
 * Kubernetes adapters (gateway-api, ingress-nginx). Controllers that balance themselves (Envoy
 * Gateway, ingress-nginx's balancer.lua) read these slices and send to the pods directly, so a Service
 * with slices becomes one IR target per ready endpoint. Without slices the adapters keep the single
 * cluster-DNS target, and kube-proxy balances behind it (gatelab sees one host).
 *
 * Rules, from the EndpointSlice API (k8s.io/api/discovery/v1) and how controllers read it
 * (ingress-nginx internal/ingress/controller/endpointslices.go):
 * - a slice belongs to the Service named by its `kubernetes.io/service-name` label, in its namespace;
 * - only the first address of an endpoint counts ("no semantics are defined for additional addresses");
 * - `conditions.ready` unset means ready; a not-ready endpoint gets no traffic;
 * - the slice port is the one named like the Service port; an unnamed Service port takes the slice's
 *   only port (or one equal to a numeric targetPort).
 */
import ipaddr from 'ipaddr.js';
import { nearest } from '../../core/nearest.ts';
import type { TargetIR } from '../ir.ts';
import type { JsonPath, SourceMap } from '../yaml-source.ts';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const DISCOVERY_API = 'discovery.k8s.io/v1';

/** What both adapters' object types have in common. */
export interface SliceObject {
  doc: { value: unknown; map: SourceMap };
  path: JsonPath;
  value: Record<string, unknown>;
  namespace: string;
  name: string;
}

/**
 * How an adapter reports: `invalid` is what the API server refuses (the slice is then left out),
 * `unknownField` a key kubectl's strict validation refuses (reported at the key), `warn` the rest.
 */
export interface SliceReporter<T extends SliceObject> {
  invalid(obj: T, rel: JsonPath, message: string, hint?: string): void;
  unknownField(obj: T, rel: JsonPath, message: string, hint?: string): void;
  warn(obj: T, rel: JsonPath, message: string, hint?: string): void;
}

/** A Service port as the backend reference resolved it. */
export interface ServicePortRef {
  namespace: string;
  service: string;
  /** The Service port number (what routes name). */
  port: number;
  /** Its name when the Service document is in the input ('' for an unnamed port). */
  portName?: string;
  targetPort?: number | string;
}

export type SliceTargets<T extends SliceObject = SliceObject> =
  /** No slice names this Service: keep the cluster-DNS target. */
  | { kind: 'none' }
  /** Slices exist: these targets (possibly none, which answers 503), why, and the slices, for messages. */
  | { kind: 'endpoints'; targets: TargetIR[]; summary: string; slices: readonly T[] };

interface Endpoint {
  address: string;
  ready: boolean;
}

interface SlicePort {
  name: string;
  port: number | undefined;
  at: JsonPath;
}

interface Slice<T extends SliceObject> {
  obj: T;
  endpoints: Endpoint[];
  ports: SlicePort[];
}

const ADDRESS_TYPES = ['IPv4', 'IPv6', 'FQDN'];
const FIELDS: Record<string, readonly string[]> = {
  top: ['apiVersion', 'kind', 'metadata', 'addressType', 'endpoints', 'ports'],
  endpoint: ['addresses', 'conditions', 'hostname', 'targetRef', 'nodeName', 'zone', 'hints', 'deprecatedTopology'],
  conditions: ['ready', 'serving', 'terminating'],
  port: ['name', 'port', 'protocol', 'appProtocol'],
};
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export class EndpointSlices<T extends SliceObject> {
  private readonly byService = new Map<string, Array<Slice<T>>>();
  private readonly warned = new Set<string>();

  constructor(
    objects: readonly T[],
    private readonly report: SliceReporter<T>,
  ) {
    for (const obj of objects) {
      const slice = readSlice(obj, report);
      if (!slice) continue;
      const key = `${obj.namespace}/${slice.service}`;
      this.byService.set(key, [...(this.byService.get(key) ?? []), slice.slice]);
    }
  }

  /** True when at least one slice names the Service. */
  has(namespace: string, service: string): boolean {
    return this.byService.has(`${namespace}/${service}`);
  }

  /** The ready endpoints of one Service port, one target each (weight 1), in slice and endpoint order. */
  targets(ref: ServicePortRef): SliceTargets<T> {
    const slices = this.byService.get(`${ref.namespace}/${ref.service}`);
    if (!slices) return { kind: 'none' };
    const targets: TargetIR[] = [];
    const seen = new Set<string>();
    let notReady = 0;
    for (const s of slices) {
      const port = matchPort(s.ports, ref);
      if (!port) {
        this.warnOnce(s.obj, ref, `EndpointSlice ${s.obj.namespace}/${s.obj.name} has no port for Service ${ref.namespace}/${ref.service} port ${ref.port}${ref.portName ? ` (named "${ref.portName}")` : ''}, so its endpoints get no traffic there`, s.ports.length ? `slice ports: ${s.ports.map((p) => `${p.name || '(unnamed)'}=${p.port ?? 'any'}`).join(', ')}` : undefined);
        continue;
      }
      const number = port.port ?? (typeof ref.targetPort === 'number' ? ref.targetPort : ref.port);
      for (const e of s.endpoints) {
        if (!e.ready) {
          notReady++;
          continue;
        }
        const key = `${e.address}:${number}`;
        if (seen.has(key)) continue;
        seen.add(key);
        targets.push({ host: e.address, port: number, weight: 1 });
      }
    }
    const summary = `${targets.length} ready endpoint${targets.length === 1 ? '' : 's'} in EndpointSlices${notReady > 0 ? ` (${notReady} not ready, so they get no traffic)` : ''}`;
    return { kind: 'endpoints', targets, summary, slices: slices.map((s) => s.obj) };
  }

  private warnOnce(obj: T, ref: ServicePortRef, message: string, hint?: string): void {
    const key = `${obj.namespace}/${obj.name}|${ref.port}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.report.warn(obj, ['ports'], message, hint);
  }
}

/** The slice port serving `ref` (ingress-nginx getEndpointsFromSlices: by name, the only port, or the target port). */
function matchPort(ports: readonly SlicePort[], ref: ServicePortRef): SlicePort | undefined {
  if (ref.portName) {
    const named = ports.find((p) => p.name === ref.portName);
    if (named) return named;
  } else {
    if (ports.length === 1) return ports[0];
    const unnamed = ports.find((p) => p.name === '');
    if (unnamed) return unnamed;
  }
  return typeof ref.targetPort === 'number' ? ports.find((p) => p.port === ref.targetPort) : undefined;
}

function readSlice<T extends SliceObject>(obj: T, r: SliceReporter<T>): { service: string; slice: Slice<T> } | undefined {
  const v = obj.value;
  unknownFields(obj, r, v, [], 'top');
  const meta = isObj(v['metadata']) ? v['metadata'] : {};
  const labels = isObj(meta['labels']) ? meta['labels'] : {};
  const addressType = v['addressType'];
  if (typeof addressType !== 'string' || !ADDRESS_TYPES.includes(addressType)) {
    r.invalid(obj, addressType === undefined ? [] : ['addressType'], `EndpointSlice ${obj.namespace}/${obj.name}: addressType must be one of ${ADDRESS_TYPES.join(', ')}${addressType === undefined ? ' (it is required)' : `, not ${JSON.stringify(addressType)}`}`, 'addressType: IPv4');
    return undefined;
  }
  const endpoints = readEndpoints(obj, r, v['endpoints'], addressType);
  const ports = readPorts(obj, r, v['ports']);
  if (!endpoints || !ports) return undefined;
  const service = labels[SERVICE_NAME_LABEL];
  if (typeof service !== 'string' || service === '') {
    r.warn(obj, meta['labels'] === undefined ? ['metadata'] : ['metadata', 'labels'], `EndpointSlice ${obj.namespace}/${obj.name} has no ${SERVICE_NAME_LABEL} label, so it belongs to no Service and no gateway reads it`, `add labels: {${SERVICE_NAME_LABEL}: <service name>}`);
    return undefined;
  }
  return { service, slice: { obj, endpoints, ports } };
}

function readEndpoints<T extends SliceObject>(obj: T, r: SliceReporter<T>, raw: unknown, addressType: string): Endpoint[] | undefined {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    r.invalid(obj, ['endpoints'], 'endpoints must be a list');
    return undefined;
  }
  const out: Endpoint[] = [];
  for (const [i, e] of raw.entries()) {
    const at: JsonPath = ['endpoints', i];
    if (!isObj(e)) {
      r.invalid(obj, at, 'an endpoint must be a mapping with addresses');
      return undefined;
    }
    unknownFields(obj, r, e, at, 'endpoint');
    const addresses = e['addresses'];
    if (!Array.isArray(addresses) || addresses.length === 0 || addresses.length > 100) {
      r.invalid(obj, addresses === undefined ? at : [...at, 'addresses'], 'an endpoint needs addresses: a list of 1 to 100 addresses', 'addresses: ["10.0.0.12"]');
      return undefined;
    }
    for (const [j, a] of addresses.entries()) {
      if (typeof a !== 'string' || !validAddress(a, addressType)) {
        r.invalid(obj, [...at, 'addresses', j], `${JSON.stringify(a)} is not a valid ${addressType} address`);
        return undefined;
      }
    }
    if (addresses.length > 1) r.warn(obj, [...at, 'addresses', 1], 'only the first address of an endpoint is used; gateways and kube-proxy ignore the rest');
    const conditions = e['conditions'];
    if (conditions !== undefined && !isObj(conditions)) {
      r.invalid(obj, [...at, 'conditions'], 'conditions must be a mapping (ready, serving, terminating)');
      return undefined;
    }
    const cond = isObj(conditions) ? conditions : {};
    unknownFields(obj, r, cond, [...at, 'conditions'], 'conditions');
    for (const k of FIELDS['conditions'] as readonly string[]) {
      if (cond[k] !== undefined && cond[k] !== null && typeof cond[k] !== 'boolean') {
        r.invalid(obj, [...at, 'conditions', k], `conditions.${k} must be true or false, not ${JSON.stringify(cond[k])}`);
        return undefined;
      }
    }
    // Unset (nil) ready means "unknown", which consumers must read as ready.
    out.push({ address: addresses[0] as string, ready: cond['ready'] !== false });
  }
  return out;
}

function readPorts<T extends SliceObject>(obj: T, r: SliceReporter<T>, raw: unknown): SlicePort[] | undefined {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw) || raw.length > 100) {
    r.invalid(obj, ['ports'], 'ports must be a list of at most 100 ports');
    return undefined;
  }
  const out: SlicePort[] = [];
  for (const [i, p] of raw.entries()) {
    const at: JsonPath = ['ports', i];
    if (!isObj(p)) {
      r.invalid(obj, at, 'a port must be a mapping (name, port, protocol)');
      return undefined;
    }
    unknownFields(obj, r, p, at, 'port');
    const name = p['name'] ?? '';
    if (typeof name !== 'string' || (name !== '' && !DNS_LABEL.test(name))) {
      r.invalid(obj, [...at, 'name'], `port name ${JSON.stringify(name)} is not a DNS label (lower-case letters, digits, -)`);
      return undefined;
    }
    if (out.some((q) => q.name === name)) {
      r.invalid(obj, [...at, 'name'], `port name "${name}" appears twice in this slice`);
      return undefined;
    }
    const port = p['port'];
    if (port !== undefined && port !== null && (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)) {
      r.invalid(obj, [...at, 'port'], `port must be a number from 1 to 65535, not ${JSON.stringify(port)}`);
      return undefined;
    }
    const protocol = p['protocol'] ?? 'TCP';
    if (!['TCP', 'UDP', 'SCTP'].includes(String(protocol))) {
      r.invalid(obj, [...at, 'protocol'], `protocol must be TCP, UDP or SCTP, not ${JSON.stringify(protocol)}`);
      return undefined;
    }
    // HTTP rides on TCP: a UDP or SCTP port of the slice never serves a route.
    if (protocol === 'TCP') out.push({ name, port: typeof port === 'number' ? port : undefined, at });
  }
  return out;
}

function validAddress(a: string, addressType: string): boolean {
  if (addressType === 'IPv4') return ipaddr.IPv4.isValidFourPartDecimal(a);
  if (addressType === 'IPv6') return a.includes(':') && ipaddr.IPv6.isValid(a);
  return a.length <= 253 && DNS_SUBDOMAIN.test(a);
}

/** kubectl's strict field validation refuses unknown fields; the API server drops them otherwise. */
function unknownFields<T extends SliceObject>(obj: T, r: SliceReporter<T>, value: Obj, at: JsonPath, kind: string): void {
  const known = FIELDS[kind] as readonly string[];
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const near = nearest(key, known);
    const where = kind === 'top' ? 'the EndpointSlice' : `an EndpointSlice ${kind === 'conditions' ? 'endpoint\'s conditions' : kind}`;
    r.unknownField(obj, [...at, key], `unknown field "${key}" in ${where}: kubectl's strict field validation refuses it, and the API server would drop it otherwise`, near ? `did you mean '${near}'?` : `known fields here: ${known.join(', ')}`);
  }
}
