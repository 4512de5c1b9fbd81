/**
 * Kong services → ServiceIR: `url` or protocol/host/port/path, Kong's defaults (retries 5, timeouts
 * 60000 ms), the targets the balancer will choose from, and the upstream policy (service-policy.ts).
 */
import type { ServiceIR } from '../ir.ts';
import { type AdaptContext, type EntityNode, fieldPath } from './context.ts';
import type { Collected } from './collect.ts';
import { entityId } from './ids.ts';
import { type Indexed, addToIndex, newIndex } from './refs.ts';
import { readBool, readInt, readString } from './read.ts';
import type { UpstreamInfo } from './upstreams.ts';
import { kongServicePolicy } from './service-policy.ts';

export interface ServiceInfo {
  ir: ServiceIR;
  node: EntityNode;
  /** Kong 3.x leaves a disabled service's routes out of the router. */
  enabled: boolean;
}

const TIMEOUT_RANGE = { min: 1, max: 2 ** 31 - 2 };
const PORT_RANGE = { min: 0, max: 65535 };

export function buildServices(ctx: AdaptContext, collected: Collected, upstreams: Indexed<UpstreamInfo>): Indexed<ServiceInfo> {
  const index = newIndex<ServiceInfo>();
  for (const node of collected.services) {
    const name = readString(ctx, node, 'name');
    const id = entityId(ctx, node, 'services', name);
    const endpoint = readEndpoint(ctx, node);
    if (!endpoint) {
      if (name !== undefined) index.failed.add(name);
      continue;
    }
    const upstream = upstreams.byKey.get(endpoint.host);
    const ir: ServiceIR = {
      // The IR names every service; an unnamed Kong service goes by its id, as Kong's own logs do.
      name: name ?? id,
      id,
      protocol: endpoint.protocol,
      host: endpoint.host,
      port: endpoint.port,
      targets: upstream ? upstream.targets.map((t) => ({ ...t })) : [{ host: endpoint.host, port: endpoint.port, weight: 100 }],
      retries: readInt(ctx, node, 'retries', 5, { min: 0, max: 32767 }),
      connectTimeoutMs: readInt(ctx, node, 'connect_timeout', 60000, TIMEOUT_RANGE),
      readTimeoutMs: readInt(ctx, node, 'read_timeout', 60000, TIMEOUT_RANGE),
      writeTimeoutMs: readInt(ctx, node, 'write_timeout', 60000, TIMEOUT_RANGE),
      loc: ctx.loc(node.doc, node.path),
    };
    if (endpoint.path !== undefined) ir.path = endpoint.path;
    // Kong finds the balancer by the upstream (balancers.lua get_balancer: balancers_by_id[upstream.id]),
    // so every service whose host names this upstream shares its balancer and its health checker.
    if (upstream) ir.upstreamKey = upstream.name;
    ir.policy = kongServicePolicy(ir, upstream);
    if (upstream && upstream.targets.length === 0) {
      ctx.warn(node.doc, fieldPath(node, endpoint.hostField), 'GL_W_NO_EFFECT', `upstream "${upstream.name}" of ${node.label} has no targets; Kong answers 503 for every request`);
    }
    const enabled = readBool(ctx, node, 'enabled', true);
    addToIndex(ctx, index, { ir, node, enabled }, node, 'services', { field: 'name', value: name }, id, (s) => s.node);
  }
  return index;
}

interface Endpoint {
  protocol: 'http' | 'https';
  host: string;
  port: number;
  path?: string;
  /** Where the host was written, for messages about it. */
  hostField: string;
}

function readEndpoint(ctx: AdaptContext, node: EntityNode): Endpoint | undefined {
  const url = readString(ctx, node, 'url');
  if (url !== undefined) return readUrl(ctx, node, url);
  const protocol = readProtocol(ctx, node, readString(ctx, node, 'protocol') ?? 'http', 'protocol');
  const host = readString(ctx, node, 'host');
  if (host === undefined) {
    ctx.error(node.doc, node.path, 'GL_E_CONFIG_INVALID', `${node.label} needs a host (or a url)`, 'add url: http://host:port/path');
    return undefined;
  }
  if (!/^[A-Za-z0-9._-]+$|^[0-9a-fA-F:]+$/.test(host)) {
    ctx.error(node.doc, fieldPath(node, 'host'), 'GL_E_CONFIG_INVALID', `host of ${node.label} is not a valid hostname or IP address: "${host}"`);
    return undefined;
  }
  const port = readInt(ctx, node, 'port', 80, PORT_RANGE);
  const path = readPath(ctx, node, readString(ctx, node, 'path'), 'path');
  if (!protocol) return undefined;
  return { protocol, host, port, ...(path !== undefined ? { path } : {}), hostField: 'host' };
}

/**
 * Kong's `url` shorthand: scheme, host, port (80/443 by scheme) and path. It overwrites protocol, host,
 * port and path even when they are also written, path included (a url without a path clears it).
 */
function readUrl(ctx: AdaptContext, node: EntityNode, url: string): Endpoint | undefined {
  for (const f of ['protocol', 'host', 'port', 'path']) {
    if (node.value[f] !== undefined) {
      ctx.warn(node.doc, fieldPath(node, f), 'GL_W_NO_EFFECT', `${f} of ${node.label} is overwritten by its url, as Kong does`, 'keep either url or protocol/host/port/path', true);
    }
  }
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(\[[0-9a-fA-F:.]+\]|[^/:?#[\]]+)(?::(\d{1,5}))?([^?#]*)(\?[^#]*)?(#.*)?$/.exec(url);
  if (!m) {
    ctx.error(node.doc, fieldPath(node, 'url'), 'GL_E_CONFIG_INVALID', `url of ${node.label} is not an absolute URL: "${url}"`, 'write it as http://host:port/path');
    return undefined;
  }
  const protocol = readProtocol(ctx, node, (m[1] ?? '').toLowerCase(), 'url');
  if (!protocol) return undefined;
  const host = (m[2] ?? '').replace(/^\[|\]$/g, '');
  const port = m[3] !== undefined ? Number(m[3]) : protocol === 'https' ? 443 : 80;
  if (port > 65535) {
    ctx.error(node.doc, fieldPath(node, 'url'), 'GL_E_CONFIG_INVALID', `the port in the url of ${node.label} is out of range: ${port}`);
    return undefined;
  }
  if (m[5] !== undefined || m[6] !== undefined) {
    ctx.warn(node.doc, fieldPath(node, 'url'), 'GL_W_NO_EFFECT', `the query or fragment in the url of ${node.label} is dropped; a Kong service has no query`);
  }
  const path = readPath(ctx, node, m[4] === '' ? undefined : m[4], 'url');
  return { protocol, host, port, ...(path !== undefined ? { path } : {}), hostField: 'url' };
}

function readProtocol(ctx: AdaptContext, node: EntityNode, p: string, field: string): 'http' | 'https' | undefined {
  if (p === 'http' || p === 'https') return p;
  const kong = ['grpc', 'grpcs', 'tcp', 'tls', 'tls_passthrough', 'udp', 'ws', 'wss'].includes(p);
  ctx.error(
    node.doc,
    fieldPath(node, field),
    'GL_E_CONFIG_INVALID',
    kong
      ? `${node.label} uses protocol ${p}; gatelab models HTTP and HTTPS services only`
      : `protocol of ${node.label} must be one of http, https (Kong also knows grpc, grpcs, tcp, tls, udp), not "${p}"`,
  );
  return undefined;
}

/** Kong's service path: starts with "/", no empty segments. */
function readPath(ctx: AdaptContext, node: EntityNode, path: string | undefined, field: string): string | undefined {
  if (path === undefined) return undefined;
  if (!path.startsWith('/') || path.includes('//')) {
    ctx.error(
      node.doc,
      fieldPath(node, field),
      'GL_E_CONFIG_INVALID',
      `the path of ${node.label} must start with "/" and have no empty segments: "${path}"`,
    );
    return undefined;
  }
  return path;
}
