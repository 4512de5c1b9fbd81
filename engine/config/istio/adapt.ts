/**
 * Istio DestinationRules (networking.istio.io v1, v1beta1, v1alpha3) → TrafficPolicyIR, with Istio's
 * validation as errors and what Istio would do differently from what a reader expects as warnings
 * (no namespace, a deprecated field, a field gatelab parses but does not model). Behaviour — breakers
 * and ejection — comes in the resilience issue; here the rule is only read, checked and translated.
 */
import type { Diagnostic } from '../../core/errors.ts';
import { nearest } from '../../core/nearest.ts';
import type { JsonPath, SourceMap } from '../yaml-source.ts';
import { FIELDS, SettingsReader, defaultConnectionPool, mergeSettings, type Reporter } from './settings.ts';
import type { TrafficPolicyIR } from './types.ts';

export interface IstioObject {
  doc: { value: unknown; map: SourceMap };
  /** Path of the object inside its document (inside a List's items). */
  path: JsonPath;
  value: Record<string, unknown>;
}

const API_VERSIONS = ['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3'];
const TOP = ['apiVersion', 'kind', 'metadata', 'spec', 'status'];
const SPEC = ['host', 'trafficPolicy', 'subsets', 'exportTo', 'workloadSelector'];
const SUBSET = ['name', 'labels', 'trafficPolicy'];
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const HOST = /^(\*|(\*\.)?[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*)$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function adaptDestinationRules(objects: readonly IstioObject[]): { policies: TrafficPolicyIR[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const policies: TrafficPolicyIR[] = [];
  for (const obj of objects) {
    const push = (severity: Diagnostic['severity'], code: Diagnostic['code']) => (p: JsonPath, message: string, hint?: string, key = false): void => {
      diagnostics.push({ severity, code, message, ...(hint ? { hint } : {}), loc: obj.doc.map.locate([...obj.path, ...p], { key }) });
    };
    const errorsBefore = diagnostics.filter((d) => d.severity === 'error').length;
    const reporter: Reporter = { warn: push('warning', 'GL_W_NO_EFFECT'), error: push('error', 'GL_E_CONFIG_INVALID') };
    const unknown = push('warning', 'GL_W_UNKNOWN_FIELD');
    const checkFields = (value: unknown, p: JsonPath, kind: string): Obj => {
      if (value === undefined || value === null) return {};
      if (!isObj(value)) {
        reporter.error(p, `${kind} must be a mapping`);
        return {};
      }
      const known = FIELDS[kind] ?? (kind === 'spec' ? SPEC : kind === 'subset' ? SUBSET : TOP);
      for (const k of Object.keys(value)) {
        if (known.includes(k)) continue;
        const near = nearest(k, known);
        unknown([...p, k], `unknown field "${k}" in ${kind}; the API server refuses it under strict field validation (kubectl's default), or drops it`, near ? `did you mean '${near}'?` : undefined, true);
      }
      return value;
    };
    const policy = readRule(obj, reporter, checkFields);
    if (policy && diagnostics.filter((d) => d.severity === 'error').length === errorsBefore) policies.push(policy);
  }
  return { policies, diagnostics: byPlace(diagnostics) };
}

/** Diagnostics in reading order (file, line, column), discovery order on ties. */
function byPlace(list: Diagnostic[]): Diagnostic[] {
  const key = (d: Diagnostic): [string, number, number] => [d.loc?.file ?? '', d.loc?.line ?? 0, d.loc?.col ?? 0];
  return list
    .map((d, i) => ({ d, i }))
    .sort((a, b) => {
      const [fa, la, ca] = key(a.d);
      const [fb, lb, cb] = key(b.d);
      return (fa < fb ? -1 : fa > fb ? 1 : 0) || la - lb || ca - cb || a.i - b.i;
    })
    .map(({ d }) => d);
}

function readRule(obj: IstioObject, r: Reporter, checkFields: (value: unknown, p: JsonPath, kind: string) => Obj): TrafficPolicyIR | undefined {
  const apiVersion = String(obj.value['apiVersion'] ?? '');
  if (!API_VERSIONS.includes(apiVersion)) {
    r.warn(['apiVersion'], `DestinationRule apiVersion ${apiVersion} is not served by Istio; it is skipped`, 'write apiVersion: networking.istio.io/v1');
    return undefined;
  }
  if (apiVersion.endsWith('v1alpha3')) r.warn(['apiVersion'], 'networking.istio.io/v1alpha3 is still served but superseded', 'write apiVersion: networking.istio.io/v1');
  checkFields(obj.value, [], 'top');
  const meta = isObj(obj.value['metadata']) ? obj.value['metadata'] : {};
  const name = typeof meta['name'] === 'string' ? meta['name'] : '';
  if (!name) {
    r.error(['metadata'], 'a DestinationRule needs metadata.name');
    return undefined;
  }
  let namespace = typeof meta['namespace'] === 'string' ? meta['namespace'] : '';
  const spec = checkFields(obj.value['spec'], ['spec'], 'spec');
  const host = spec['host'];
  if (typeof host !== 'string' || host === '') {
    r.error(['spec', 'host'], 'spec.host is required: the service this rule applies to', 'e.g. host: catalog-service');
    return undefined;
  }
  if (!HOST.test(host)) r.error(['spec', 'host'], `host "${host}" is not a valid host name or wildcard`);
  if (!namespace) {
    namespace = 'default';
    const short = !host.includes('.') && host !== '*';
    r.warn(['metadata'], `DestinationRule ${name} has no metadata.namespace: it lands in whatever namespace kubectl applies it to ("default" here)${short ? `, and the short host "${host}" means ${host}.<that namespace>.svc.cluster.local — the rule silently misses the service if that is the wrong namespace` : ''}`, 'add metadata.namespace (and write host as a full name such as catalog-service.production.svc.cluster.local)');
  }
  const fqdn = host.includes('.') || host.startsWith('*') ? host : `${host}.${namespace}.svc.cluster.local`;
  const settings = new SettingsReader(r, checkFields);
  const top = settings.read(spec['trafficPolicy'], ['spec', 'trafficPolicy'], 'trafficPolicy');
  const policy = mergeSettings({ connectionPool: defaultConnectionPool() }, top.sections);
  const out: TrafficPolicyIR = {
    name: `${namespace}/${name}`,
    namespace,
    host,
    fqdn,
    exportTo: readExportTo(spec['exportTo'], r),
    policy,
    portLevel: [],
    subsets: [],
    loc: obj.doc.map.locate(obj.path),
    hostLoc: obj.doc.map.locate([...obj.path, 'spec', 'host']),
  };
  const ports = top.raw['portLevelSettings'];
  if (ports !== undefined && !Array.isArray(ports)) r.error(['spec', 'trafficPolicy', 'portLevelSettings'], 'portLevelSettings must be a list');
  (Array.isArray(ports) ? ports : []).forEach((raw, i) => {
    const p: JsonPath = ['spec', 'trafficPolicy', 'portLevelSettings', i];
    const read = settings.read(raw, p, 'portTrafficPolicy');
    const number = isObj(read.raw['port']) ? read.raw['port']['number'] : undefined;
    if (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > 65535) {
      r.error([...p, 'port'], 'port-level settings need port.number (1–65535)');
      return;
    }
    if (out.portLevel.some((x) => x.port === number)) r.error([...p, 'port'], `port ${number} has port-level settings twice`);
    out.portLevel.push({ port: number, policy: mergeSettings(policy, read.sections) });
  });
  readSubsets(spec['subsets'], policy, settings, r, checkFields, out);
  if (spec['workloadSelector'] !== undefined) r.warn(['spec', 'workloadSelector'], 'workloadSelector is parsed but not modelled by gatelab', undefined, true);
  return out;
}

function readSubsets(
  raw: unknown,
  policy: TrafficPolicyIR['policy'],
  settings: SettingsReader,
  r: Reporter,
  checkFields: (value: unknown, p: JsonPath, kind: string) => Obj,
  out: TrafficPolicyIR,
): void {
  if (raw === undefined) return;
  if (!Array.isArray(raw)) {
    r.error(['spec', 'subsets'], 'subsets must be a list');
    return;
  }
  raw.forEach((entry, i) => {
    const p: JsonPath = ['spec', 'subsets', i];
    const subset = checkFields(entry, p, 'subset');
    const name = subset['name'];
    if (typeof name !== 'string' || !DNS_LABEL.test(name)) {
      r.error([...p, 'name'], 'every subset needs a name that is a DNS label (lower-case letters, digits, -)');
      return;
    }
    if (out.subsets.some((s) => s.name === name)) r.error([...p, 'name'], `subset "${name}" is defined twice`);
    const labels: Record<string, string> = {};
    if (isObj(subset['labels'])) for (const [k, v] of Object.entries(subset['labels'])) labels[k] = String(v);
    const own = subset['trafficPolicy'] === undefined ? {} : settings.read(subset['trafficPolicy'], [...p, 'trafficPolicy'], 'trafficPolicy').sections;
    out.subsets.push({ name, labels, policy: mergeSettings(policy, own) });
  });
}

function readExportTo(raw: unknown, r: Reporter): string[] {
  if (raw === undefined) return ['*'];
  if (!Array.isArray(raw) || raw.some((x) => typeof x !== 'string')) {
    r.error(['spec', 'exportTo'], 'exportTo must be a list of namespaces, "." or "*"');
    return ['*'];
  }
  return raw as string[];
}
