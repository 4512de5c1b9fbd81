/**
 * Kong `cors` (PRIORITY 2000). A preflight (OPTIONS with Origin and Access-Control-Request-Method) is
 * answered by the gateway with 200 in access — before jwt (1450) or key-auth (1250) run, so preflights
 * need no credentials. Actual responses get Access-Control-Allow-Origin (the origin itself when it
 * matches a configured one, `*` when any origin is allowed), credentials and exposed headers.
 */
import { RE2JS } from 're2js';
import { HeaderMap } from '../../pipeline/headers.ts';
import { next, reply, type PluginDefinition, type PluginHooks, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import { parseCorsConfig, type CorsConfig } from './config.ts';

export const CORS_PRIORITY = 2000;

interface Normalized {
  domain: string;
  host: string;
}

/** Kong's normalize_origin: scheme://host[:port], the scheme's default port dropped. */
export function normalizeOrigin(origin: string): Normalized {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/:]+)(?::(\d+))?/.exec(origin);
  if (!m) return { domain: origin, host: origin };
  const scheme = (m[1] as string).toLowerCase();
  const host = (m[2] as string).toLowerCase();
  let port = m[3];
  if ((scheme === 'http' && port === '80') || (scheme === 'https' && port === '443')) port = undefined;
  return { domain: `${scheme}://${host}${port ? `:${port}` : ''}`, host };
}

type Matcher = { plain: string } | { regex: RE2JS; byHost: boolean };

function compileOrigins(origins: readonly string[]): Matcher[] {
  return origins.flatMap((entry): Matcher[] => {
    if (!/[^A-Za-z0-9.:/-]/.test(entry)) return [{ plain: normalizeOrigin(entry).domain }];
    // Kong anchors a regex origin at both ends (an explicit leading ^ is dropped, a $ added if missing).
    let pattern = entry.endsWith('$') ? entry : `${entry}$`;
    if (pattern.startsWith('^')) pattern = pattern.slice(1);
    try {
      return [{ regex: RE2JS.compile(`^(?:${pattern})`), byHost: !entry.includes(':') }];
    } catch {
      return [];
    }
  });
}

export function createCorsHooks(config: CorsConfig): PluginHooks {
  const anyOrigin = config.origins.length === 0 || (config.origins.length === 1 && config.origins[0] === '*');
  const matchers = compileOrigins(config.origins);

  /** Kong's configure_origin + configure_credentials; returns what it decided, for the reason. */
  const decorate = (h: HeaderMap, origin: string | undefined, preflight: boolean): string => {
    const vary = () => {
      if (preflight) h.set('Vary', 'Origin');
      else if (!h.getAll('vary').some((v) => /\borigin\b/i.test(v))) h.append('Vary', 'Origin');
    };
    let allowAll = false;
    let verdict: string;
    if (anyOrigin) {
      h.set('Access-Control-Allow-Origin', '*');
      allowAll = true;
      verdict = 'any origin: Access-Control-Allow-Origin *';
    } else {
      vary();
      const n = origin !== undefined ? normalizeOrigin(origin) : undefined;
      const hit = n && matchers.some((m) => ('plain' in m ? m.plain === n.domain : m.regex.matcher(m.byHost ? n.host : n.domain).find()));
      if (n && hit) {
        h.set('Access-Control-Allow-Origin', n.domain);
        verdict = `origin ${n.domain} allowed`;
      } else {
        h.delete('Access-Control-Allow-Origin');
        verdict = origin === undefined ? 'no Origin header' : `origin ${origin} is not in [${config.origins.join(', ')}]: no Access-Control-Allow-Origin, the browser will block it`;
      }
    }
    if (config.credentials) {
      if (!allowAll) h.set('Access-Control-Allow-Credentials', 'true');
      else if (origin !== undefined) {
        // `*` and credentials cannot go together: Kong echoes the origin instead.
        h.set('Access-Control-Allow-Origin', origin);
        h.set('Access-Control-Allow-Credentials', 'true');
        vary();
        verdict = `credentials allowed: origin ${origin} echoed instead of *`;
      }
    }
    return verdict;
  };

  return {
    access(ctx: RequestContext): Verdict {
      const rq = ctx.request.headers;
      const origin = rq.get('origin');
      if (ctx.request.method !== 'OPTIONS' || origin === undefined || !rq.has('access-control-request-method')) return next('not a preflight: CORS headers are added to the response');
      ctx.vars['cors'] = { skip: true };
      if (config.preflight_continue) return next('preflight passed on to the upstream (preflight_continue)');
      const map = new HeaderMap();
      const decided = decorate(map, origin, true);
      // Without configured headers Kong echoes what the browser asked for.
      const requested = rq.get('access-control-request-headers');
      if (config.headers.length > 0) map.set('Access-Control-Allow-Headers', config.headers.join(','));
      else if (requested !== undefined) map.set('Access-Control-Allow-Headers', requested);
      map.set('Access-Control-Allow-Methods', config.methods.join(','));
      if (config.max_age !== undefined) map.set('Access-Control-Max-Age', String(config.max_age));
      if (config.private_network && rq.get('access-control-request-private-network') === 'true') map.set('Access-Control-Allow-Private-Network', 'true');
      return reply(200, `preflight answered by the gateway, before any auth plugin runs: ${decided}`, { headers: map.list(), body: '', data: { preflight: true, origin } });
    },

    response(ctx: RequestContext): Verdict {
      const res = ctx.response;
      if (!res || (ctx.vars['cors'] as { skip?: boolean } | undefined)?.skip) return next('preflight: headers already set (or left to the upstream)');
      const origin = ctx.request.headers.get('origin');
      if (origin === undefined && !config.allow_origin_absent) return next('no Origin and allow_origin_absent is false: no CORS headers');
      const decided = decorate(res.headers, origin, false);
      if (config.exposed_headers.length > 0) res.headers.set('Access-Control-Expose-Headers', config.exposed_headers.join(','));
      return next(decided, { origin: origin ?? null });
    },
  };
}

export const corsPlugin: PluginDefinition<CorsConfig> = {
  id: 'cors',
  priority: CORS_PRIORITY,
  parse: parseCorsConfig,
  create: createCorsHooks,
};
