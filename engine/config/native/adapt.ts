/**
 * The native IR form: a gateway written directly in gatelab's own terms, for ideas no vendor dialect
 * expresses and for exercises that accept "any gateway". Routing follows Kong's rules.
 *
 *   services: [{ name, url | host/port/protocol/path, targets: [{ target: "host:port", weight }],
 *                retries, connectTimeout, readTimeout, writeTimeout (Go durations or ms),
 *                upstream: { balancer, passiveHealth, activeHealth, outlierDetection, connectionPool,
 *                            retry, timeouts, origin } }]   — UpstreamPolicyIR, see upstream-policy.ts
 *   routes:   [{ name, service, hosts, paths: ["/prefix", "=/exact", "~/regex"], methods,
 *                headers: { name: [values] }, stripPath, preserveHost }]
 *   plugins:  [{ plugin: <gatelab plugin id>, route?, service?, config }]
 *   realIp:   { trustedCidrs: [..], header: X-Forwarded-For, recursive: false }
 *
 * Routes have no `backends:` (RouteIR.backends): the Kong router this form uses sends a route to its
 * one service and never reads backends; weights go on the service's targets instead.
 */
import type { Diagnostic, ErrorCode } from '../../core/errors.ts';
import { didYouMean } from '../../core/nearest.ts';
import { hashString } from '../../core/rng.ts';
import { findPlugin, PLUGINS } from '../../plugins/index.ts';
import type { GatewayIR, PathMatchIR, PluginInstanceIR, RouteIR, ServiceIR } from '../ir.ts';
import { KONG_NOT_FOUND } from '../kong/adapt.ts';
import type { JsonPath, SourceMap } from '../yaml-source.ts';
import { duplicatePluginWarnings } from './duplicate-plugins.ts';
import { type NativeCtx, Section } from './read.ts';
import { readUpstreamPolicy } from './upstream-policy.ts';

type Obj = Record<string, unknown>;

const TOP = ['services', 'routes', 'plugins', 'realIp'];
const SERVICE = ['name', 'url', 'protocol', 'host', 'port', 'path', 'targets', 'retries', 'connectTimeout', 'readTimeout', 'writeTimeout', 'upstream'];
const ROUTE = ['name', 'service', 'hosts', 'paths', 'methods', 'headers', 'stripPath', 'preserveHost'];
const PLUGIN = ['plugin', 'route', 'service', 'config', 'enabled'];
const REAL_IP = ['trustedCidrs', 'header', 'recursive'];

export function adaptNativeIr(doc: { value: unknown; map: SourceMap }): { ir?: GatewayIR; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const err = (path: JsonPath, code: ErrorCode, message: string, hint?: string, key = false): void => {
    diagnostics.push({ severity: 'error', code, message, ...(hint ? { hint } : {}), loc: doc.map.locate(path, { key }) });
  };
  const c: NativeCtx = {
    err,
    warn: (path, code, message, hint, key = false) =>
      diagnostics.push({ severity: 'warning', code, message, ...(hint ? { hint } : {}), loc: doc.map.locate(path, { key }) }),
  };
  const fields = (value: unknown, path: JsonPath, known: string[]): Obj => {
    if (!isObj(value)) {
      err(path, 'GL_E_TYPE', 'expected a mapping');
      return {};
    }
    for (const k of Object.keys(value)) {
      if (!known.includes(k)) err([...path, k], 'GL_E_UNKNOWN_FIELD', `unknown field '${k}'`, didYouMean(k, known), true);
    }
    return value;
  };
  const root = fields(doc.value, [], TOP);
  const services: ServiceIR[] = list(root.services).map((raw, i) => service(fields(raw, ['services', i], SERVICE), ['services', i], c));
  const names = new Set(services.map((s) => s.name));
  const routes: RouteIR[] = list(root.routes).map((raw, i) => {
    const r = fields(raw, ['routes', i], ROUTE);
    const name = str(r.name) ?? `route-${i}`;
    const svc = str(r.service) ?? null;
    if (svc !== null && !names.has(svc)) err(['routes', i, 'service'], 'GL_E_CONFIG_REFERENCE', `no service named '${svc}'`, didYouMean(svc, names));
    return {
      name,
      id: uuidFrom(`route:${name}`),
      service: svc,
      protocols: ['http', 'https'],
      methods: list(r.methods).map(String),
      hosts: list(r.hosts).map(String),
      paths: list(r.paths).map((p) => pathMatch(String(p))),
      headers: Object.fromEntries(Object.entries(isObj(r.headers) ? r.headers : {}).map(([k, v]) => [k.toLowerCase(), list(v).map(String)])),
      stripPath: r.stripPath !== false,
      preserveHost: r.preserveHost === true,
      pathHandling: 'v0',
      regexPriority: 0,
      httpsRedirectStatusCode: 426,
      loc: doc.map.locate(['routes', i]),
    };
  });
  const plugins: PluginInstanceIR[] = list(root.plugins).flatMap((raw, i) => {
    const p = fields(raw, ['plugins', i], PLUGIN);
    const id = str(p.plugin) ?? '';
    const def = findPlugin(id);
    if (!def) {
      err(['plugins', i, 'plugin'], 'GL_E_CONFIG_UNKNOWN_PLUGIN', `unknown plugin '${id}'`, didYouMean(id, PLUGINS.map((d) => d.id)));
      return [];
    }
    const config = def.parse(p.config ?? {}, {
      error: (path, code, message, hint) => err(['plugins', i, 'config', ...path], code, message, hint),
      warn: (path, code, message, hint) =>
        diagnostics.push({ severity: 'warning', code, message, ...(hint ? { hint } : {}), loc: doc.map.locate(['plugins', i, 'config', ...path]) }),
    });
    return [
      {
        instanceId: uuidFrom(`plugin:${i}:${id}`),
        plugin: id,
        vendorName: id,
        config,
        scope: { ...(str(p.route) ? { route: str(p.route) } : {}), ...(str(p.service) ? { service: str(p.service) } : {}) },
        enabled: p.enabled !== false,
        loc: doc.map.locate(['plugins', i]),
      },
    ];
  });
  const realIpRaw = root.realIp === undefined ? undefined : fields(root.realIp, ['realIp'], REAL_IP);
  const ir: GatewayIR = {
    dialect: 'ir',
    // Kong's router miss, as the Kong adapter records it; the answer's format is chosen per request.
    router: { kind: 'kong', notFound: { ...KONG_NOT_FOUND } },
    listeners: [
      { name: 'http', port: 80, protocol: 'http' },
      { name: 'https', port: 443, protocol: 'https' },
    ],
    services,
    routes,
    plugins,
    consumers: [],
    ...(realIpRaw
      ? {
          realIp: {
            trustedCidrs: list(realIpRaw.trustedCidrs).map(String),
            header: str(realIpRaw.header) ?? 'X-Forwarded-For',
            recursive: realIpRaw.recursive === true,
          },
        }
      : {}),
  };
  // A second instance of a plugin on one scope would be dropped by the pipeline without a word.
  diagnostics.push(...duplicatePluginWarnings(ir));
  return diagnostics.some((d) => d.severity === 'error') ? { diagnostics } : { ir, diagnostics };
}

function service(s: Obj, path: JsonPath, c: NativeCtx): ServiceIR {
  const err = c.err;
  const name = str(s.name) ?? `service-${String(path[1])}`;
  let protocol: 'http' | 'https' = s.protocol === 'https' ? 'https' : 'http';
  let host = str(s.host) ?? name;
  let port = typeof s.port === 'number' ? s.port : protocol === 'https' ? 443 : 80;
  let svcPath = str(s.path);
  if (typeof s.url === 'string') {
    try {
      const u = new URL(s.url);
      protocol = u.protocol === 'https:' ? 'https' : 'http';
      host = u.hostname;
      port = u.port ? Number(u.port) : protocol === 'https' ? 443 : 80;
      svcPath = u.pathname && u.pathname !== '/' ? u.pathname : (svcPath ?? undefined);
    } catch {
      err([...path, 'url'], 'GL_E_CONFIG_INVALID', `'${s.url}' is not a URL`, 'write it as http://host:port/path');
    }
  }
  const targets = list(s.targets).map((t) => {
    const o = isObj(t) ? t : { target: t };
    const [h, p] = String(o.target ?? '').split(':');
    return { host: h ?? host, port: p ? Number(p) : port, weight: typeof o.weight === 'number' ? o.weight : 100 };
  });
  // Kong's service defaults (semantics §6), since this form routes by Kong's rules.
  const knobs = new Section(c, path, s);
  const connectTimeoutMs = knobs.duration('connectTimeout', 60_000);
  const policy = s.upstream === undefined || s.upstream === null ? undefined : readUpstreamPolicy(c, [...path, 'upstream'], s.upstream, { name, connectTimeoutMs });
  return {
    name,
    id: uuidFrom(`service:${name}`),
    protocol,
    host,
    port,
    ...(svcPath ? { path: svcPath } : {}),
    targets: targets.length > 0 ? targets : [{ host, port, weight: 100 }],
    retries: typeof s.retries === 'number' ? s.retries : 5,
    connectTimeoutMs,
    readTimeoutMs: knobs.duration('readTimeout', 60_000),
    writeTimeoutMs: knobs.duration('writeTimeout', 60_000),
    ...(policy ? { policy } : {}),
  };
}

function pathMatch(p: string): PathMatchIR {
  if (p.startsWith('~')) return { kind: 'regex', value: p.slice(1) };
  if (p.startsWith('=')) return { kind: 'exact', value: p.slice(1) };
  return { kind: 'prefix', value: p };
}

/** A UUID-shaped id derived from a name, so ids (and counter keys built on them) are stable. */
export function uuidFrom(name: string): string {
  const hex = [0, 1, 2, 3].map((i) => hashString(`${i}:${name}`).toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
