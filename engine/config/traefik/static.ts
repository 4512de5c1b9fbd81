/**
 * Traefik's install (static) configuration, which a Kubernetes manifest does not carry: entryPoints,
 * forwarded-header trust, path sanitising, the CRD provider's switches, the default rule syntax and
 * the provider throttle. gatelab reads them from a `_gatelab` document (its own block, like the Kong
 * dialect's) and otherwise uses Traefik's defaults plus the two entryPoints the Helm chart creates:
 * `web` on :80 and `websecure` on :443.
 *
 *   _gatelab:
 *     entryPoints:
 *       web: { address: ":80", asDefault: true, forwardedHeaders: { trustedIPs: [10.0.0.0/8], insecure: false },
 *              http: { sanitizePath: true } }
 *       websecure: { address: ":443", http: { tls: {} } }
 *     providers:
 *       providersThrottleDuration: 2s
 *       kubernetesCRD: { allowCrossNamespace: false, allowExternalNameServices: false, allowEmptyServices: false }
 *     core: { defaultRuleSyntax: v3 }
 *     hostname: traefik
 *     discovery: { watchLatency: 1s, pods: [...] }     # see discovery.ts
 */
import { parseDuration } from '../../core/duration.ts';
import { parseCidrList } from '../../net/cidr.ts';
import type { TraefikEntryPointIR } from './table.ts';
import { isObj, type Node, type TraefikContext } from './context.ts';

export interface TraefikStatic {
  entryPoints: TraefikEntryPointIR[];
  sanitizePath: boolean;
  hostname: string;
  allowCrossNamespace: boolean;
  allowExternalNameServices: boolean;
  allowEmptyServices: boolean;
  defaultRuleSyntax: 'v3' | 'v2';
  /** providers.providersThrottleDuration (Traefik's default 2s). */
  throttleMs: number;
  /** The `discovery` block, read by discovery.ts. */
  discovery?: Node;
}

export const DEFAULT_ENTRYPOINTS: TraefikEntryPointIR[] = [
  { name: 'web', port: 80, protocol: 'http', asDefault: false, trustedIPs: [], insecure: false },
  { name: 'websecure', port: 443, protocol: 'https', asDefault: false, trustedIPs: [], insecure: false },
];

export const TRAEFIK_STATIC_DEFAULTS: TraefikStatic = {
  entryPoints: DEFAULT_ENTRYPOINTS,
  sanitizePath: true,
  hostname: 'traefik',
  allowCrossNamespace: false,
  allowExternalNameServices: false,
  allowEmptyServices: false,
  defaultRuleSyntax: 'v3',
  throttleMs: 2000,
};

const TOP = ['entryPoints', 'providers', 'core', 'hostname', 'discovery'];
const EP = ['address', 'asDefault', 'forwardedHeaders', 'http'];
const PROVIDERS = ['providersThrottleDuration', 'kubernetesCRD'];
const CRD = ['allowCrossNamespace', 'allowExternalNameServices', 'allowEmptyServices', 'throttleDuration'];

export function readStatic(ctx: TraefikContext, blocks: readonly Node[]): TraefikStatic {
  const out: TraefikStatic = { ...TRAEFIK_STATIC_DEFAULTS, entryPoints: DEFAULT_ENTRYPOINTS.map((e) => ({ ...e, trustedIPs: [] })) };
  for (const block of blocks) {
    ctx.unknownFields(block, TOP, 'the _gatelab block');
    const eps = ctx.child(block, 'entryPoints', 'entryPoints');
    if (eps) out.entryPoints = readEntryPoints(ctx, eps, out);
    const providers = ctx.child(block, 'providers', 'providers');
    if (providers) {
      ctx.unknownFields(providers, PROVIDERS, 'providers');
      const throttle = ctx.string(providers, 'providersThrottleDuration');
      if (throttle !== undefined) {
        const ms = parseDuration(throttle);
        if (ms === undefined) ctx.error(block.doc, [...providers.path, 'providersThrottleDuration'], 'GL_E_DURATION', `'${throttle}' is not a duration`, 'e.g. 2s');
        else out.throttleMs = ms;
      }
      const crd = ctx.child(providers, 'kubernetesCRD', 'providers.kubernetesCRD');
      if (crd) {
        ctx.unknownFields(crd, CRD, 'providers.kubernetesCRD');
        out.allowCrossNamespace = ctx.bool(crd, 'allowCrossNamespace') ?? out.allowCrossNamespace;
        out.allowExternalNameServices = ctx.bool(crd, 'allowExternalNameServices') ?? out.allowExternalNameServices;
        out.allowEmptyServices = ctx.bool(crd, 'allowEmptyServices') ?? out.allowEmptyServices;
      }
    }
    const core = ctx.child(block, 'core', 'core');
    if (core) {
      ctx.unknownFields(core, ['defaultRuleSyntax'], 'core');
      const syntax = ctx.string(core, 'defaultRuleSyntax');
      if (syntax === 'v2' || syntax === 'v3') {
        out.defaultRuleSyntax = syntax;
        if (syntax === 'v2') ctx.warn(core.doc, [...core.path, 'defaultRuleSyntax'], 'GL_W_DEPRECATED', 'defaultRuleSyntax: v2 is a migration aid; every router without its own syntax runs the v2 matchers');
      } else if (syntax !== undefined) ctx.error(core.doc, [...core.path, 'defaultRuleSyntax'], 'GL_E_CONFIG_INVALID', `defaultRuleSyntax must be v2 or v3, not "${syntax}"`);
    }
    out.hostname = ctx.string(block, 'hostname') ?? out.hostname;
    if (isObj(block.value['discovery'])) out.discovery = ctx.child(block, 'discovery', 'discovery');
  }
  return out;
}

function readEntryPoints(ctx: TraefikContext, eps: Node, st: TraefikStatic): TraefikEntryPointIR[] {
  const list: TraefikEntryPointIR[] = [];
  for (const name of Object.keys(eps.value)) {
    const ep = ctx.child(eps, name, `entryPoint ${name}`);
    if (!ep) continue;
    ctx.unknownFields(ep, EP, `entryPoint ${name}`);
    const address = ctx.string(ep, 'address') ?? '';
    const m = /:(\d+)(\/tcp)?$/.exec(address);
    if (!m) {
      ctx.error(ep.doc, [...ep.path, 'address'], 'GL_E_CONFIG_INVALID', `entryPoint ${name} needs an address such as ":8080"`);
      continue;
    }
    const http = ctx.child(ep, 'http', `entryPoint ${name} http`);
    if (http) {
      ctx.unknownFields(http, ['tls', 'sanitizePath', 'middlewares', 'redirections', 'encodedCharacters'], `entryPoint ${name} http`);
      const sanitize = ctx.bool(http, 'sanitizePath');
      if (sanitize !== undefined) st.sanitizePath = sanitize;
      for (const k of ['middlewares', 'redirections', 'encodedCharacters']) {
        if (http.value[k] !== undefined) ctx.warn(http.doc, [...http.path, k], 'GL_W_NO_EFFECT', `gatelab does not model entryPoint http.${k} yet`, undefined, true);
      }
    }
    const fh = ctx.child(ep, 'forwardedHeaders', `entryPoint ${name} forwardedHeaders`);
    let trustedIPs: string[] = [];
    let insecure = false;
    if (fh) {
      ctx.unknownFields(fh, ['trustedIPs', 'insecure', 'connection'], `entryPoint ${name} forwardedHeaders`);
      trustedIPs = ctx.stringList(fh, 'trustedIPs') ?? [];
      insecure = ctx.bool(fh, 'insecure') ?? false;
      for (const e of parseCidrList(trustedIPs, { flavor: 'go' }).errors) {
        ctx.error(fh.doc, [...fh.path, 'trustedIPs', e.index], 'GL_E_CONFIG_INVALID', `trustedIPs[${e.index}]: ${e.message}`);
      }
    }
    const tls = http?.value['tls'] !== undefined || Number(m[1]) === 443;
    list.push({ name, port: Number(m[1]), protocol: tls ? 'https' : 'http', asDefault: ctx.bool(ep, 'asDefault') ?? false, trustedIPs, insecure });
  }
  return list;
}
