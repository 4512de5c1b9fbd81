/**
 * auth-url → one forward-auth instance in the nginx flavour per Ingress, scoped to the route id every
 * location of that Ingress carries (the controller renders one auth location per path, all with the
 * Ingress's settings). Built after the rate-limit instances, so with `pluginOrder: declared` limit_req
 * (nginx's preaccess phase) runs before auth_request (the access phase), as in nginx.
 */
import type { Diagnostic } from '../../core/errors.ts';
import { findPlugin } from '../../plugins/index.ts';
import type { ConfigReporter } from '../../pipeline/types.ts';
import type { PluginInstanceIR } from '../ir.ts';
import type { AdaptContext } from './context.ts';
import type { ParsedIngress } from './ingress-read.ts';
import { ANNOTATION_PREFIX } from './annotations/catalog.ts';
import { ingressRouteId } from './plugins.ts';

export function buildExternalAuthPlugins(ctx: AdaptContext, ingresses: readonly ParsedIngress[]): PluginInstanceIR[] {
  const def = findPlugin('forward-auth');
  const out: PluginInstanceIR[] = [];
  for (const ing of ingresses) {
    const auth = ing.anns.externalAuth;
    if (!auth || ing.anns.canary.enabled) continue;
    const at = ['metadata', 'annotations', `${ANNOTATION_PREFIX}auth-url`];
    if (!def) {
      ctx.warn(ing.node, at, 'GL_W_NO_EFFECT', 'the forward-auth plugin is not available; auth-url is ignored');
      continue;
    }
    if (ing.anns.rateLimit?.allowlist.length) {
      // The ingress-nginx dialect sends an allow-listed client down a plugin-free twin of the route.
      ctx.warn(ing.node, at, 'GL_W_NO_EFFECT', 'with limit-allowlist, gatelab skips this auth-url for the allow-listed clients (they take a route without plugins); nginx would still call the auth service for them', 'known gap in gatelab, see docs/dialects/ingress-nginx.md');
    }
    const raw = {
      flavour: 'nginx',
      address: auth.url,
      authResponseHeaders: auth.responseHeaders,
      ...(auth.method !== undefined ? { method: auth.method } : {}),
      ...(auth.signin !== undefined ? { signinUrl: auth.signin } : {}),
      ...(auth.signinRedirectParam !== undefined ? { signinRedirectParam: auth.signinRedirectParam } : {}),
      ...(auth.requestRedirect !== undefined ? { requestRedirect: auth.requestRedirect } : {}),
      alwaysSetCookie: auth.alwaysSetCookie,
    };
    const problems: Diagnostic[] = [];
    const report = (severity: Diagnostic['severity']) => (_path: Array<string | number>, code: Diagnostic['code'], message: string, hint?: string) => {
      problems.push({ severity, code, message: `auth-url: ${message}`, ...(hint ? { hint } : {}), loc: ctx.loc(ing.node, at) });
    };
    const reporter: ConfigReporter = { error: report('error'), warn: report('warning') };
    const config: unknown = def.parse(raw, reporter);
    // The annotations were checked as the controller checks them; a plugin error here is gatelab's mapping failing.
    for (const p of problems) ctx.diagnostics.push({ ...p, severity: 'warning', code: p.severity === 'error' ? 'GL_W_NO_EFFECT' : p.code });
    if (problems.some((p) => p.severity === 'error')) continue;
    out.push({
      instanceId: `${ing.key}#auth-url`,
      plugin: def.id,
      vendorName: 'auth-url',
      config,
      scope: { route: ingressRouteId(ing.key) },
      enabled: true,
      loc: ctx.loc(ing.node, at),
    });
  }
  return out;
}
