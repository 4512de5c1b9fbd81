/**
 * Kong's real-IP settings live in kong.conf (trusted_ips, real_ip_header, real_ip_recursive), not in the
 * declarative file. A scenario sets them in a `_gatelab` block; the lesson writes them as a "real-ip"
 * plugin, which Kong does not have, so gatelab reads that entry as those settings and says so.
 */
import type { RealIpIR } from '../ir.ts';
import { parseCidrList } from '../../net/cidr.ts';
import { type AdaptContext, type EntityNode, type KongDoc, fieldPath, isRecord } from './context.ts';
import { suggestion } from './nearest.ts';
import { describe } from './read.ts';
import type { JsonPath } from '../yaml-source.ts';

export const KONG_REAL_IP_DEFAULTS: RealIpIR = { trustedCidrs: [], header: 'X-Real-IP', recursive: false };

const GATELAB_FIELDS = ['trusted_ips', 'real_ip_header', 'real_ip_recursive'];
const PLUGIN_FIELDS = ['trusted_ips', 'header', 'recursive'];

/** The `_gatelab` block of one document: kong.conf's settings, spelt as in kong.conf. */
export function readGatelabBlock(ctx: AdaptContext, doc: KongDoc, value: unknown): Partial<RealIpIR> | undefined {
  const path: JsonPath = ['_gatelab'];
  if (!isRecord(value)) {
    ctx.error(doc, path, 'GL_E_TYPE', `_gatelab must be a mapping of kong.conf settings, not ${describe(value)}`, 'e.g. _gatelab: { trusted_ips: [10.0.0.0/8], real_ip_header: X-Forwarded-For }');
    return undefined;
  }
  const out: Partial<RealIpIR> = {};
  for (const [key, v] of Object.entries(value)) {
    const where = [...path, key];
    if (!GATELAB_FIELDS.includes(key)) {
      ctx.error(doc, where, 'GL_E_UNKNOWN_FIELD', `unknown kong.conf setting "${key}" in _gatelab`, suggestion(key, GATELAB_FIELDS, 'settings'), true);
      continue;
    }
    if (key === 'trusted_ips') {
      // kong.conf writes a comma-separated list; YAML readers write a list. Both mean the same.
      const list = typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter((s) => s !== '') : v;
      const cidrs = readCidrs(ctx, doc, where, list);
      if (cidrs) out.trustedCidrs = cidrs;
    } else if (key === 'real_ip_header') {
      if (typeof v === 'string' && v !== '') out.header = v;
      else ctx.error(doc, where, 'GL_E_TYPE', `real_ip_header must be a header name, not ${describe(v)}`);
    } else {
      const b = v === 'on' ? true : v === 'off' ? false : v;
      if (typeof b === 'boolean') out.recursive = b;
      else ctx.error(doc, where, 'GL_E_TYPE', `real_ip_recursive must be on or off, not ${describe(v)}`);
    }
  }
  return out;
}

/** The lesson's `real-ip` plugin entry, read as kong.conf settings, with the warning that says so. */
export function readRealIpPlugin(ctx: AdaptContext, node: EntityNode): Partial<RealIpIR> | undefined {
  const scoped = node.parent !== undefined || ['route', 'service', 'consumer'].some((k) => node.value[k] !== undefined);
  ctx.warn(
    node.doc,
    fieldPath(node, 'name'),
    'GL_W_LESSON_DIFFERS',
    "Kong has no real-ip plugin and would refuse this file; its settings are kong.conf's trusted_ips, real_ip_header and " +
      'real_ip_recursive — gatelab applies them as those settings (real_ip_recursive is off by default: only the rightmost ' +
      'address of the header is used)' +
      (scoped ? '; kong.conf settings apply to every route, not just where this entry is attached' : ''),
    'in a scenario, write them as _gatelab: { trusted_ips: [...], real_ip_header: X-Forwarded-For, real_ip_recursive: on }',
  );
  if (node.value['enabled'] === false) {
    ctx.warn(node.doc, fieldPath(node, 'enabled'), 'GL_W_NO_EFFECT', 'this real-ip entry is disabled, so the settings are not applied', undefined, true);
    return undefined;
  }
  const config = node.value['config'];
  if (config === undefined || config === null) return {};
  const cpath = fieldPath(node, 'config');
  if (!isRecord(config)) {
    ctx.error(node.doc, cpath, 'GL_E_TYPE', `config of ${node.label} must be a mapping, not ${describe(config)}`);
    return undefined;
  }
  const out: Partial<RealIpIR> = {};
  for (const [key, v] of Object.entries(config)) {
    const where = [...cpath, key];
    if (!PLUGIN_FIELDS.includes(key)) {
      ctx.warn(node.doc, where, 'GL_W_UNKNOWN_FIELD', `"${key}" has no kong.conf equivalent and is ignored`, suggestion(key, PLUGIN_FIELDS, 'fields'), true);
    } else if (key === 'trusted_ips') {
      const cidrs = readCidrs(ctx, node.doc, where, v);
      if (cidrs) out.trustedCidrs = cidrs;
    } else if (key === 'header') {
      if (typeof v === 'string' && v !== '') out.header = v;
      else ctx.error(node.doc, where, 'GL_E_TYPE', `header must be a header name, not ${describe(v)}`);
    } else if (typeof v === 'boolean') out.recursive = v;
    else ctx.error(node.doc, where, 'GL_E_TYPE', `recursive must be true or false, not ${describe(v)}`);
  }
  return out;
}

/** Addresses and CIDR blocks as nginx's set_real_ip_from takes them (Kong's trusted_ips). */
function readCidrs(ctx: AdaptContext, doc: KongDoc, path: JsonPath, v: unknown): string[] | undefined {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
    ctx.error(doc, path, 'GL_E_TYPE', `trusted_ips must be a list of addresses or CIDR blocks, not ${describe(v)}`);
    return undefined;
  }
  const list = v as string[];
  const parsed = parseCidrList(list);
  for (const e of parsed.errors) {
    ctx.error(doc, [...path, e.index], 'GL_E_CONFIG_INVALID', `invalid trusted_ips entry "${e.entry}": ${e.message}`);
  }
  for (const w of parsed.warnings) {
    ctx.warn(doc, [...path, w.index], 'GL_W_NO_EFFECT', `trusted_ips entry "${w.entry}": ${w.message}`);
  }
  return parsed.errors.length > 0 ? undefined : list.map((s) => s.trim());
}
