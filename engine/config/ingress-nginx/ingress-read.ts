/**
 * One networking.k8s.io/v1 Ingress → the typed shape the controller works on, with the API server's
 * own checks (a host is a DNS name, a Prefix/Exact path is clean, a backend names a service and one
 * port). What the API server would refuse is reported and the Ingress is skipped, as if `kubectl
 * apply` had failed; unknown fields are warned about (kubectl's strict field validation refuses them).
 */
import { nearest } from '../../core/nearest.ts';
import type { JsonPath } from '../yaml-source.ts';
import { type AdaptContext, type ResourceNode, isRecord, keyOf } from './context.ts';
import { type IngressAnnotations, parseAnnotations } from './annotations/parse.ts';
import type { PathType } from './table.ts';

export interface BackendRef {
  namespace: string;
  name: string;
  port: number | string;
  at: JsonPath;
}

export interface IngressPath {
  path: string;
  pathType: PathType;
  /** Absent for a `resource` backend, which ingress-nginx skips. */
  service?: BackendRef;
  at: JsonPath;
}

export interface IngressRule {
  /** '' when the rule has no host (the catch-all server `_`). */
  host: string;
  /** False when the rule has no `http` block. */
  http: boolean;
  paths: IngressPath[];
  at: JsonPath;
}

export interface ParsedIngress {
  node: ResourceNode;
  key: string;
  className?: string;
  classAnnotation?: string;
  defaultBackend?: BackendRef;
  rules: IngressRule[];
  /** Hosts listed under spec.tls, or null without a tls section. */
  tlsHosts: string[] | null;
  anns: IngressAnnotations;
  creationTimestamp?: string;
}

const FIELDS: Record<string, readonly string[]> = {
  top: ['apiVersion', 'kind', 'metadata', 'spec', 'status'],
  metadata: ['name', 'namespace', 'annotations', 'labels', 'uid', 'creationTimestamp', 'resourceVersion', 'generation', 'generateName', 'managedFields', 'ownerReferences', 'finalizers', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink'],
  spec: ['ingressClassName', 'defaultBackend', 'tls', 'rules'],
  rule: ['host', 'http'],
  http: ['paths'],
  path: ['path', 'pathType', 'backend'],
  backend: ['service', 'resource'],
  service: ['name', 'port'],
  port: ['number', 'name'],
  tls: ['hosts', 'secretName'],
};

const HOST = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const PATH_TYPES: readonly PathType[] = ['Exact', 'Prefix', 'ImplementationSpecific'];

class Rejected extends Error {}

export function readIngress(ctx: AdaptContext, node: ResourceNode): ParsedIngress | undefined {
  const fields = (value: unknown, at: JsonPath, kind: keyof typeof FIELDS): Record<string, unknown> => {
    if (value === undefined || value === null) return {};
    if (!isRecord(value)) throw reject(ctx, node, at, `${at.length ? String(at[at.length - 1]) : 'the object'} must be a mapping`);
    for (const key of Object.keys(value)) {
      if ((FIELDS[kind] as readonly string[]).includes(key)) continue;
      const near = nearest(key, FIELDS[kind] as readonly string[]);
      ctx.warn(node, [...at, key], 'GL_W_UNKNOWN_FIELD', `unknown field "${key}" in the Ingress ${kind}; kubectl's strict field validation refuses it, and the API server would drop it otherwise`, near ? `did you mean '${near}'?` : undefined, true);
    }
    return value;
  };
  try {
    fields(node.value, [], 'top');
    const meta = fields(node.value['metadata'], ['metadata'], 'metadata');
    const spec = fields(node.value['spec'], ['spec'], 'spec');
    const anns = parseAnnotations(ctx, node);
    if ('rejected' in anns) return undefined;
    const annotations = isRecord(meta['annotations']) ? meta['annotations'] : {};
    const out: ParsedIngress = { node, key: keyOf(node), rules: [], tlsHosts: null, anns };
    if (typeof meta['creationTimestamp'] === 'string') out.creationTimestamp = meta['creationTimestamp'];
    if (typeof spec['ingressClassName'] === 'string') out.className = spec['ingressClassName'];
    if (typeof annotations['kubernetes.io/ingress.class'] === 'string') out.classAnnotation = annotations['kubernetes.io/ingress.class'];
    if (spec['defaultBackend'] !== undefined) {
      const ref = readBackend(ctx, node, spec['defaultBackend'], ['spec', 'defaultBackend'], fields);
      if (ref) out.defaultBackend = ref;
    }
    const rules = spec['rules'];
    if (rules !== undefined && !Array.isArray(rules)) throw reject(ctx, node, ['spec', 'rules'], 'spec.rules must be a list');
    (Array.isArray(rules) ? rules : []).forEach((raw, i) => out.rules.push(readRule(ctx, node, raw, ['spec', 'rules', i], fields)));
    if (out.rules.length === 0 && !out.defaultBackend) {
      throw reject(ctx, node, ['spec'], 'an Ingress needs spec.rules or spec.defaultBackend');
    }
    if (spec['tls'] !== undefined) out.tlsHosts = readTls(ctx, node, spec['tls'], fields);
    return out;
  } catch (e) {
    if (e instanceof Rejected) return undefined;
    throw e;
  }
}

type FieldsFn = (value: unknown, at: JsonPath, kind: keyof typeof FIELDS) => Record<string, unknown>;

function reject(ctx: AdaptContext, node: ResourceNode, at: JsonPath, why: string, hint?: string): Rejected {
  ctx.warn(node, at, 'GL_W_NO_EFFECT', `the API server rejects Ingress ${keyOf(node)}: ${why}; it is skipped`, hint);
  return new Rejected(why);
}

function readRule(ctx: AdaptContext, node: ResourceNode, raw: unknown, at: JsonPath, fields: FieldsFn): IngressRule {
  const rule = fields(raw, at, 'rule');
  const host = rule['host'] === undefined ? '' : rule['host'];
  if (typeof host !== 'string') throw reject(ctx, node, [...at, 'host'], 'host must be a string');
  if (host !== '' && (!HOST.test(host) || /^[\d.]+$/.test(host))) {
    throw reject(ctx, node, [...at, 'host'], `host "${host}" is not a lower-case DNS name (an optional leading "*." wildcard, no port, no IP address)`);
  }
  const out: IngressRule = { host, http: rule['http'] !== undefined && rule['http'] !== null, paths: [], at };
  const http = fields(rule['http'], [...at, 'http'], 'http');
  const paths = http['paths'];
  if (out.http && !Array.isArray(paths)) throw reject(ctx, node, [...at, 'http', 'paths'], 'http.paths must be a non-empty list');
  (Array.isArray(paths) ? paths : []).forEach((p, i) => {
    const path = readPath(ctx, node, p, [...at, 'http', 'paths', i], fields);
    if (path) out.paths.push(path);
  });
  return out;
}

function readPath(ctx: AdaptContext, node: ResourceNode, raw: unknown, at: JsonPath, fields: FieldsFn): IngressPath | undefined {
  const p = fields(raw, at, 'path');
  let pathType = p['pathType'] as PathType | undefined;
  if (pathType === undefined) {
    ctx.warn(node, at, 'GL_W_LESSON_DIFFERS', 'this path has no pathType; networking.k8s.io/v1 requires one (the API server refuses the Ingress), and ingress-nginx would treat a missing one as Prefix', 'write pathType: Prefix (segment-wise) or Exact');
    pathType = 'ImplementationSpecific';
  } else if (!PATH_TYPES.includes(pathType)) {
    throw reject(ctx, node, [...at, 'pathType'], `pathType must be Exact, Prefix or ImplementationSpecific, not "${String(pathType)}"`);
  }
  const path = p['path'] === undefined ? '' : p['path'];
  if (typeof path !== 'string') throw reject(ctx, node, [...at, 'path'], 'path must be a string');
  if (path !== '' && !path.startsWith('/')) throw reject(ctx, node, [...at, 'path'], `path "${path}" must be an absolute path (start with /)`);
  if (pathType !== 'ImplementationSpecific') {
    if (path === '') throw reject(ctx, node, [...at, 'path'], `a ${pathType} path must be set`);
    const bad = ['//', '/./', '/../', '%2f', '%2F'].find((s) => path.includes(s)) ?? (/\/\.\.?$/.test(path) ? path.slice(path.lastIndexOf('/')) : undefined);
    if (bad) throw reject(ctx, node, [...at, 'path'], `a ${pathType} path may not contain "${bad}"`);
    if (!/^\/[A-Za-z0-9._\-/]*$/.test(path)) {
      ctx.warn(node, [...at, 'path'], 'GL_W_LESSON_DIFFERS', `path "${path}" has characters other than letters, digits, . _ - and /; with ingress-nginx's default strict-validate-path-type (true since 1.12) the admission webhook refuses a ${pathType} path like this. gatelab routes it as the controller would if it were admitted`, 'use pathType: ImplementationSpecific for regex paths');
    }
  }
  const backend = fields(p['backend'], [...at, 'backend'], 'backend');
  if (p['backend'] === undefined) throw reject(ctx, node, at, 'every path needs a backend');
  const out: IngressPath = { path, pathType, at };
  if (backend['resource'] !== undefined) {
    if (backend['service'] !== undefined) throw reject(ctx, node, [...at, 'backend'], 'a backend has either service or resource, not both');
    ctx.warn(node, [...at, 'backend', 'resource'], 'GL_W_NO_EFFECT', 'ingress-nginx skips paths with a resource backend; requests for it reach the default backend');
    return out;
  }
  const ref = readBackend(ctx, node, p['backend'], [...at, 'backend'], fields);
  if (ref) out.service = ref;
  return out;
}

function readBackend(ctx: AdaptContext, node: ResourceNode, raw: unknown, at: JsonPath, fields: FieldsFn): BackendRef | undefined {
  const backend = fields(raw, at, 'backend');
  if (backend['resource'] !== undefined && backend['service'] === undefined) {
    ctx.warn(node, [...at, 'resource'], 'GL_W_NO_EFFECT', 'ingress-nginx uses only service backends; a resource backend is skipped');
    return undefined;
  }
  if (backend['service'] === undefined) throw reject(ctx, node, at, 'a backend needs service (name and port)', 'backend: { service: { name: web, port: { number: 80 } } }');
  const svc = fields(backend['service'], [...at, 'service'], 'service');
  const name = svc['name'];
  if (typeof name !== 'string' || name === '') throw reject(ctx, node, [...at, 'service', 'name'], 'service.name is required');
  const port = fields(svc['port'], [...at, 'service', 'port'], 'port');
  const number = port['number'];
  const portName = port['name'];
  if ((number === undefined) === (portName === undefined)) {
    throw reject(ctx, node, [...at, 'service', 'port'], 'service.port needs exactly one of number or name');
  }
  if (number !== undefined && (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > 65535)) {
    throw reject(ctx, node, [...at, 'service', 'port', 'number'], `port.number must be an integer 1–65535, not ${JSON.stringify(number)}`);
  }
  if (portName !== undefined && (typeof portName !== 'string' || portName === '')) throw reject(ctx, node, [...at, 'service', 'port', 'name'], 'port.name must be a non-empty string');
  return { namespace: node.namespace, name, port: (number as number | undefined) ?? (portName as string), at };
}

function readTls(ctx: AdaptContext, node: ResourceNode, raw: unknown, fields: FieldsFn): string[] {
  if (!Array.isArray(raw)) throw reject(ctx, node, ['spec', 'tls'], 'spec.tls must be a list');
  const hosts: string[] = [];
  raw.forEach((entry, i) => {
    const tls = fields(entry, ['spec', 'tls', i], 'tls');
    if (Array.isArray(tls['hosts'])) for (const h of tls['hosts']) if (typeof h === 'string') hosts.push(h);
  });
  return hosts;
}
