/**
 * Kong routes → RouteIR, with Kong's defaults (protocols http+https, strip_path true, preserve_host
 * false, path_handling v0, regex_priority 0, https_redirect_status_code 426, request_buffering and
 * response_buffering true) and its validation.
 */
import type { PathMatchIR, RouteIR } from '../ir.ts';
import { compileKongRegex, kongPathPattern } from '../../routing/kong-regex.ts';
import { type AdaptContext, type EntityNode, fieldPath, isRecord } from './context.ts';
import type { Collected } from './collect.ts';
import { entityId } from './ids.ts';
import { migrateLegacyPath } from './legacy-paths.ts';
import { readRouteBuffering } from './route-buffering.ts';
import { type Indexed, addToIndex, newIndex, resolveRef } from './refs.ts';
import { describe, readBool, readInt, readString, readStringList } from './read.ts';
import type { ServiceInfo } from './services.ts';

export interface RouteInfo {
  ir: RouteIR;
  node: EntityNode;
  service: ServiceInfo | undefined;
  /** False when the route's service is disabled: Kong leaves the route out of its router. */
  routed: boolean;
}

const KONG_STREAM_PROTOCOLS = ['grpc', 'grpcs', 'tcp', 'tls', 'tls_passthrough', 'udp', 'ws', 'wss'];
const REDIRECT_CODES = [426, 301, 302, 307, 308];

export function buildRoutes(
  ctx: AdaptContext,
  collected: Collected,
  services: Indexed<ServiceInfo>,
  formatVersion: string | undefined,
): Indexed<RouteInfo> {
  const index = newIndex<RouteInfo>();
  const serviceByNode = new Map([...services.byId.values()].map((s) => [s.node, s]));
  for (const node of collected.routes) {
    const name = readString(ctx, node, 'name');
    const id = entityId(ctx, node, 'routes', name);
    const service = routeService(ctx, node, services, serviceByNode);
    if (service === null) continue;
    const ir: RouteIR = {
      name: name ?? id,
      id,
      service: service ? service.ir.name : null,
      protocols: readProtocols(ctx, node),
      methods: readMethods(ctx, node),
      hosts: readHosts(ctx, node),
      paths: readPaths(ctx, node, formatVersion),
      headers: readHeaders(ctx, node),
      stripPath: readBool(ctx, node, 'strip_path', true),
      preserveHost: readBool(ctx, node, 'preserve_host', false),
      pathHandling: readPathHandling(ctx, node),
      regexPriority: readInt(ctx, node, 'regex_priority', 0, { min: -(2 ** 31), max: 2 ** 31 - 1 }),
      httpsRedirectStatusCode: readRedirectCode(ctx, node),
      ...readRouteBuffering(ctx, node),
      loc: ctx.loc(node.doc, node.path),
    };
    checkStreamOnly(ctx, node);
    checkHasMatcher(ctx, node, ir);
    const routed = service ? service.enabled : true;
    if (service && !routed) {
      ctx.warn(node.doc, node.path, 'GL_W_NO_EFFECT', `${node.label} belongs to disabled ${service.node.label}; Kong leaves it out of the router`);
    }
    addToIndex(ctx, index, { ir, node, service, routed }, node, 'routes', { field: 'name', value: name }, id, (r) => r.node);
  }
  return index;
}

/** The route's service; undefined for a route without one, null when the reference is broken. */
function routeService(
  ctx: AdaptContext,
  node: EntityNode,
  services: Indexed<ServiceInfo>,
  serviceByNode: Map<EntityNode, ServiceInfo>,
): ServiceInfo | undefined | null {
  if (node.parent?.kind === 'service') {
    if (node.value['service'] !== undefined && node.value['service'] !== null) {
      ctx.error(node.doc, fieldPath(node, 'service'), 'GL_E_CONFIG_INVALID', `${node.label} is nested in a service and may not name another one`, 'remove service: here', true);
    }
    // A nested route whose service failed to load is dropped with it (that error is already reported).
    return serviceByNode.get(node.parent.node) ?? null;
  }
  if (node.value['service'] === undefined || node.value['service'] === null) return undefined;
  return resolveRef(ctx, node, 'service', services, 'services') ?? null;
}

function readProtocols(ctx: AdaptContext, node: EntityNode): Array<'http' | 'https'> {
  const list = readStringList(ctx, node, 'protocols');
  if (list === undefined) return ['http', 'https'];
  if (list.length === 0) {
    ctx.error(node.doc, fieldPath(node, 'protocols'), 'GL_E_CONFIG_INVALID', `protocols of ${node.label} must not be empty`, 'remove it to accept http and https');
    return ['http', 'https'];
  }
  const out: Array<'http' | 'https'> = [];
  list.forEach((p, i) => {
    if (p === 'http' || p === 'https') {
      if (!out.includes(p)) out.push(p);
    } else {
      ctx.error(
        node.doc,
        fieldPath(node, 'protocols', i),
        'GL_E_CONFIG_INVALID',
        KONG_STREAM_PROTOCOLS.includes(p)
          ? `${node.label} accepts ${p}; gatelab models HTTP and HTTPS routes only`
          : `"${p}" is not a Kong route protocol`,
      );
    }
  });
  return out.length > 0 ? out : ['http', 'https'];
}

function readMethods(ctx: AdaptContext, node: EntityNode): string[] {
  const list = readStringList(ctx, node, 'methods') ?? [];
  list.forEach((m, i) => {
    // Kong's schema wants upper-case method names and compares them exactly.
    if (!/^[A-Z]+$/.test(m)) {
      ctx.error(node.doc, fieldPath(node, 'methods', i), 'GL_E_CONFIG_INVALID', `invalid method "${m}" in ${node.label}: Kong expects upper-case letters only`, `write ${m.toUpperCase()}`);
    }
  });
  return list;
}

function readHosts(ctx: AdaptContext, node: EntityNode): string[] {
  const list = readStringList(ctx, node, 'hosts') ?? [];
  list.forEach((h, i) => {
    const problem = hostProblem(h);
    if (problem) ctx.error(node.doc, fieldPath(node, 'hosts', i), 'GL_E_CONFIG_INVALID', `invalid host "${h}" in ${node.label}: ${problem}`);
  });
  return list.map((h) => h.toLowerCase());
}

/** Kong's wildcard_host rule: one `*`, as the whole leftmost or rightmost label; an optional :port. */
function hostProblem(h: string): string | undefined {
  const m = /^([^:]+)(?::(\d{1,5}))?$/.exec(h);
  if (!m) return 'expected a hostname with an optional :port';
  const name = m[1] ?? '';
  const stars = name.split('*').length - 1;
  if (stars > 1) return 'only one wildcard is allowed';
  if (stars === 1 && !name.startsWith('*.') && !name.endsWith('.*')) return 'the wildcard must be the leftmost or rightmost label (*.example.com, example.*)';
  if (!/^[A-Za-z0-9.*_-]+$/.test(name)) return 'not a valid hostname';
  if (m[2] !== undefined && Number(m[2]) > 65535) return 'port out of range';
  return undefined;
}

function readPaths(ctx: AdaptContext, node: EntityNode, formatVersion: string | undefined): PathMatchIR[] {
  const list = readStringList(ctx, node, 'paths') ?? [];
  const out: PathMatchIR[] = [];
  list.forEach((raw, i) => {
    const where = fieldPath(node, 'paths', i);
    const p = migrateLegacyPath(ctx, node, where, raw, formatVersion);
    if (p.startsWith('~')) {
      if (!p.startsWith('~/')) {
        ctx.error(node.doc, where, 'GL_E_CONFIG_INVALID', `regex path "${p}" of ${node.label} must start with "~/"`);
        return;
      }
      const compiled = compileKongRegex(kongPathPattern(p));
      if (!compiled.ok) {
        ctx.error(node.doc, where, 'GL_E_REGEX', `invalid regex path "${p}" in ${node.label}: ${compiled.error}`, "Kong's router compiles route regexes with Rust's regex crate (linear time, like RE2): no look-around, backreferences or possessive quantifiers");
        return;
      }
      out.push({ kind: 'regex', value: p.slice(1) });
    } else if (!p.startsWith('/')) {
      ctx.error(node.doc, where, 'GL_E_CONFIG_INVALID', `path "${p}" of ${node.label} must start with "/" (a prefix) or "~/" (a regex)`);
    } else {
      out.push({ kind: 'prefix', value: p });
    }
  });
  return out;
}

function readHeaders(ctx: AdaptContext, node: EntityNode): Record<string, string[]> {
  const v = node.value['headers'];
  const out: Record<string, string[]> = {};
  if (v === undefined || v === null) return out;
  if (!isRecord(v)) {
    ctx.error(node.doc, fieldPath(node, 'headers'), 'GL_E_TYPE', `headers of ${node.label} must map header names to lists of values, not ${describe(v)}`);
    return out;
  }
  for (const [name, values] of Object.entries(v)) {
    const where = fieldPath(node, 'headers', name);
    if (/^host$/i.test(name)) {
      ctx.error(node.doc, where, 'GL_E_CONFIG_INVALID', `headers of ${node.label} cannot contain 'host' header, which must be specified in the 'hosts' attribute`, undefined, true);
      continue;
    }
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
      ctx.error(node.doc, where, 'GL_E_CONFIG_INVALID', `"${name}" is not a valid header name`, undefined, true);
      continue;
    }
    if (!Array.isArray(values) || values.length === 0 || !values.every((x) => typeof x === 'string')) {
      const hint = typeof values === 'string' ? `write it as a list: ${name}: ["${values}"]` : undefined;
      ctx.error(node.doc, where, 'GL_E_TYPE', `header ${name} of ${node.label} must list the accepted values`, hint);
      continue;
    }
    for (const [i, value] of values.entries()) {
      if (typeof value === 'string' && value.startsWith('~*')) {
        const compiled = compileKongRegex(value.slice(2).toLowerCase());
        if (!compiled.ok) ctx.error(node.doc, [...where, i], 'GL_E_REGEX', `invalid header regex "${value}": ${compiled.error}`, "Kong's router compiles header regexes with Rust's regex crate (linear time, like RE2): no look-around or backreferences");
      }
    }
    out[name.toLowerCase()] = values as string[];
  }
  return out;
}

function readPathHandling(ctx: AdaptContext, node: EntityNode): 'v0' | 'v1' {
  const v = readString(ctx, node, 'path_handling');
  if (v === undefined || v === 'v0') return 'v0';
  if (v === 'v1') {
    ctx.warn(
      node.doc,
      fieldPath(node, 'path_handling'),
      'GL_W_DEPRECATED',
      `path_handling v1 of ${node.label} is deprecated and ignored by Kong's default router flavour traditional_compatible, which always uses v0; gatelab uses v0 too`,
      'remove path_handling, or check the upstream paths under the v0 rules',
    );
    return 'v0';
  }
  ctx.error(node.doc, fieldPath(node, 'path_handling'), 'GL_E_CONFIG_INVALID', `path_handling of ${node.label} must be v0 or v1, not "${v}"`);
  return 'v0';
}

function readRedirectCode(ctx: AdaptContext, node: EntityNode): number {
  const code = readInt(ctx, node, 'https_redirect_status_code', 426, { min: 100, max: 599 });
  if (REDIRECT_CODES.includes(code)) return code;
  ctx.error(node.doc, fieldPath(node, 'https_redirect_status_code'), 'GL_E_CONFIG_INVALID', `https_redirect_status_code of ${node.label} must be one of ${REDIRECT_CODES.join(', ')}`);
  return 426;
}

function checkStreamOnly(ctx: AdaptContext, node: EntityNode): void {
  for (const f of ['sources', 'destinations']) {
    const v = node.value[f];
    if (Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null) {
      ctx.error(node.doc, fieldPath(node, f), 'GL_E_CONFIG_INVALID', `${f} can only be set on stream routes (tcp, tls, udp), not on HTTP ${node.label}`, undefined, true);
    }
  }
}

/** Kong: an HTTP route must say what it matches, or it would swallow every request. */
function checkHasMatcher(ctx: AdaptContext, node: EntityNode, ir: RouteIR): void {
  const snis = node.value['snis'];
  const hasSnis = Array.isArray(snis) && snis.length > 0;
  if (ir.methods.length > 0 || ir.hosts.length > 0 || ir.paths.length > 0 || Object.keys(ir.headers).length > 0) return;
  if (hasSnis && !ir.protocols.includes('http')) return;
  const list = ir.protocols.includes('http') ? "'methods', 'hosts', 'headers', 'paths'" : "'methods', 'hosts', 'headers', 'paths', 'snis'";
  ctx.error(node.doc, node.path, 'GL_E_CONFIG_INVALID', `${node.label} must set one of ${list} when 'protocols' is '${ir.protocols.join("', '")}'`, 'add paths: [/some/prefix]');
}
