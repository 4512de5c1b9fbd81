/**
 * The Kong declarative 3.x adapter: YAML documents in, GatewayIR plus diagnostics out. It reads what a
 * Kong 3.10 DB-less node reads, rejects what Kong rejects (as errors with file:line:column and a fix),
 * and says in a warning where the simulation departs from Kong or from the lesson.
 */
import type { Diagnostic } from '../../core/errors.ts';
import { findVendorPlugin, knownVendorPluginNames } from '../../plugins/index.ts';
import type { GatewayIR, RealIpIR } from '../ir.ts';
import type { SourceMap } from '../yaml-source.ts';
import { collect } from './collect.ts';
import { buildConsumers } from './consumers.ts';
import { AdaptContext, type KongDoc, type KongPluginLookup } from './context.ts';
import { buildPlugins } from './plugins.ts';
import { KONG_REAL_IP_DEFAULTS, readGatelabBlock } from './real-ip.ts';
import { buildRoutes } from './routes.ts';
import { buildServices } from './services.ts';
import { buildUpstreams } from './upstreams.ts';
import { checkFormatVersion } from './version.ts';
import { sortByPlace } from '../../core/errors.ts';

export interface KongAdaptOptions {
  /** Where plugin definitions come from; the registry in engine/plugins by default. */
  plugins?: KongPluginLookup;
}

export interface KongAdaptResult {
  /** Present only when there are no errors. */
  ir?: GatewayIR;
  diagnostics: Diagnostic[];
}

/**
 * The router's miss as the IR records it: status and message, as compact JSON. Kong sends it through
 * kong.response.error (kong/runloop/handler.lua), so the bytes a client gets are chosen per request from
 * its Accept header, with its request id (engine/pipeline/dialects/kong.ts); this is not that body.
 */
export const KONG_NOT_FOUND = { status: 404, body: '{"message":"no Route matched with those values"}' };

/** Kong's default proxy listeners (kong.conf proxy_listen). Requests to 80/443 are accepted too. */
export const KONG_LISTENERS: GatewayIR['listeners'] = [
  { name: 'proxy', port: 8000, protocol: 'http' },
  { name: 'proxy-ssl', port: 8443, protocol: 'https' },
];

export const registryPluginLookup: KongPluginLookup = {
  find: (name) => findVendorPlugin('kong', name),
  mapped: () => knownVendorPluginNames('kong'),
};

export function adaptKong(docs: ReadonlyArray<{ value: unknown; map: SourceMap }>, opts: KongAdaptOptions = {}): KongAdaptResult {
  const ctx = new AdaptContext(opts.plugins ?? registryPluginLookup);
  const kdocs: KongDoc[] = docs.map((d, index) => ({ value: d.value, map: d.map, index }));
  if (kdocs.length === 0) {
    return { diagnostics: [{ severity: 'error', code: 'GL_E_CONFIG_FORMAT', message: 'no Kong declarative config was given' }] };
  }
  const collected = collect(ctx, kdocs);
  const version = checkFormatVersion(ctx, kdocs, collected.versions);
  const upstreams = buildUpstreams(ctx, collected);
  const services = buildServices(ctx, collected, upstreams);
  const routes = buildRoutes(ctx, collected, services, version);
  const consumers = buildConsumers(ctx, collected);
  const plugins = buildPlugins(ctx, collected, { services, routes, consumers });
  const realIp = settleRealIp(ctx, plugins.realIp, collected.gatelab);

  const ir: GatewayIR = {
    dialect: 'kong',
    router: { kind: 'kong', notFound: { ...KONG_NOT_FOUND } },
    listeners: KONG_LISTENERS.map((l) => ({ ...l })),
    services: [...services.byId.values()].map((s) => s.ir),
    routes: [...routes.byId.values()].filter((r) => r.routed).map((r) => r.ir),
    plugins: plugins.plugins,
    consumers: [...consumers.byId.values()].map((c) => c.ir),
    ...(realIp ? { realIp } : {}),
  };
  const diagnostics = sortByPlace(ctx.diagnostics);
  return diagnostics.some((d) => d.severity === 'error') ? { diagnostics } : { ir, diagnostics };
}

/** kong.conf's real-IP settings: the lesson's real-ip entries first, a `_gatelab` block over them. */
function settleRealIp(
  ctx: AdaptContext,
  fromPlugins: ReadonlyArray<Partial<RealIpIR>>,
  blocks: ReadonlyArray<{ doc: KongDoc; value: unknown }>,
): RealIpIR | undefined {
  const parts: Array<Partial<RealIpIR>> = [...fromPlugins];
  for (const block of blocks) {
    const settings = readGatelabBlock(ctx, block.doc, block.value);
    if (!settings) continue;
    if (fromPlugins.length > 0) {
      ctx.warn(block.doc, ['_gatelab'], 'GL_W_NO_EFFECT', 'the _gatelab block overrides the settings of the real-ip entry', undefined, true);
    }
    parts.push(settings);
  }
  if (parts.length === 0) return undefined;
  return Object.assign({ ...KONG_REAL_IP_DEFAULTS, trustedCidrs: [] }, ...parts) as RealIpIR;
}

