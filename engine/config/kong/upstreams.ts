/**
 * Upstreams and their targets: a service whose host names an upstream is balanced over that upstream's
 * targets with the upstream's algorithm and health checks; any other service has one target, its own
 * host and port.
 */
import type { TargetIR } from '../ir.ts';
import type { BalancerIR } from '../../upstream/policy.ts';
import { readBalancer } from './balancer.ts';
import { buildHealth, type KongHealth } from './healthchecks.ts';
import { type AdaptContext, type EntityNode, fieldPath } from './context.ts';
import type { Collected } from './collect.ts';
import { type Indexed, addToIndex, newIndex, resolveRef } from './refs.ts';
import { readInt, readString } from './read.ts';
import { entityId } from './ids.ts';

export interface UpstreamInfo {
  name: string;
  id: string;
  node: EntityNode;
  targets: TargetIR[];
  /** Undefined only when the algorithm fields were rejected (the error is already reported). */
  balancer?: BalancerIR;
  health: KongHealth;
}

/** Kong's default port for a target written without one (targets.lua via utils.normalize_ip). */
const DEFAULT_TARGET_PORT = 8000;

export function buildUpstreams(ctx: AdaptContext, collected: Collected): Indexed<UpstreamInfo> {
  const index = newIndex<UpstreamInfo>();
  for (const node of collected.upstreams) {
    const name = readString(ctx, node, 'name');
    if (name === undefined) {
      ctx.error(node.doc, node.path, 'GL_E_CONFIG_INVALID', `${node.label} needs a name (the host that services use to reach it)`);
      continue;
    }
    const id = entityId(ctx, node, 'upstreams', name);
    const balancer = readBalancer(ctx, node);
    const info: UpstreamInfo = { name, id, node, targets: [], health: buildHealth(ctx, node), ...(balancer ? { balancer } : {}) };
    addToIndex(ctx, index, info, node, 'upstreams', { field: 'name', value: name }, id, (u) => u.node);
  }
  const seen = new Map<string, EntityNode>();
  for (const node of collected.targets) {
    if (node.parent?.kind === 'upstream' && node.value['upstream'] !== undefined && node.value['upstream'] !== null) {
      ctx.error(node.doc, fieldPath(node, 'upstream'), 'GL_E_CONFIG_INVALID', `${node.label} is nested in an upstream and may not name another one`, 'remove upstream: here', true);
      continue;
    }
    const upstream =
      node.parent?.kind === 'upstream'
        ? [...index.byId.values()].find((u) => u.node === node.parent?.node)
        : node.value['upstream'] === undefined
          ? reportMissingUpstream(ctx, node)
          : resolveRef(ctx, node, 'upstream', index, 'upstreams');
    if (!upstream) continue;
    const raw = readString(ctx, node, 'target');
    if (raw === undefined) {
      ctx.error(node.doc, node.path, 'GL_E_CONFIG_INVALID', `${node.label} needs a target ("host:port")`);
      continue;
    }
    const parsed = parseHostPort(raw, DEFAULT_TARGET_PORT);
    if (!parsed) {
      ctx.error(node.doc, fieldPath(node, 'target'), 'GL_E_CONFIG_INVALID', `Invalid target; not a valid hostname or ip address: "${raw}"`);
      continue;
    }
    // Kong keys a target by target + upstream (its endpoint key is not globally unique).
    const key = `${parsed.host}:${parsed.port}@${upstream.id}`;
    if (seen.has(key)) {
      ctx.error(node.doc, fieldPath(node, 'target'), 'GL_E_CONFIG_REFERENCE', `target ${parsed.host}:${parsed.port} appears twice in upstream "${upstream.name}"`);
      continue;
    }
    seen.set(key, node);
    // The id is not part of the IR, but computing it keeps an explicit `id:` checked like everywhere else.
    entityId(ctx, node, 'targets', `${raw}:${upstream.id}`);
    upstream.targets.push({ host: parsed.host, port: parsed.port, weight: readInt(ctx, node, 'weight', 100, { min: 0, max: 1000 }) });
  }
  return index;
}

function reportMissingUpstream(ctx: AdaptContext, node: EntityNode): undefined {
  ctx.error(node.doc, node.path, 'GL_E_CONFIG_REFERENCE', `${node.label} names no upstream`, 'nest it under an upstream, or add upstream: <name>');
  return undefined;
}

/** "host", "host:port", "[v6]", "[v6]:port" or a bare IPv6 address; undefined when malformed. */
export function parseHostPort(s: string, defaultPort: number): { host: string; port: number } | undefined {
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::(\d{1,5}))?$/.exec(s);
  if (v6) return withPort(v6[1] ?? '', v6[2], defaultPort);
  if (/^[0-9a-fA-F]*:[0-9a-fA-F:.]*:[0-9a-fA-F:.]*$/.test(s)) return { host: s, port: defaultPort };
  const m = /^([A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(s);
  if (!m) return undefined;
  return withPort(m[1] ?? '', m[2], defaultPort);
}

function withPort(host: string, port: string | undefined, dflt: number): { host: string; port: number } | undefined {
  if (host === '') return undefined;
  const p = port === undefined ? dflt : Number(port);
  if (!Number.isInteger(p) || p < 0 || p > 65535) return undefined;
  return { host, port: p };
}
