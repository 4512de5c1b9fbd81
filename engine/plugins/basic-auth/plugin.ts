/**
 * Kong `basic-auth` (PRIORITY 1100, access phase). Credentials come from `Proxy-Authorization`, then
 * `Authorization` (`Basic base64(user:password)`); the user names a basic-auth credential and the
 * password is compared in constant time. Kong answers every failure with 401 "Unauthorized" and
 * `WWW-Authenticate: Basic realm="service"`. Traefik's basicAuth is the `flavour: traefik` config,
 * run by traefik.ts.
 */
import { next, type PluginDefinition, type PluginEnv, type PluginHooks, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import { authenticate, constantTimeEqual, consumerName, currentHeaders, fallBackToAnonymous, findCredential, kongAuthFailure } from '../kit/kong-auth.ts';
import { kongBase64Decode } from '../jwt/token.ts';
import { parseBasicAuthConfig, type BasicAuthConfig, type KongBasicAuthConfig } from './config.ts';
import { createTraefikBasicAuthHooks } from './traefik.ts';

export const BASIC_AUTH_PRIORITY = 1100;

const BASIC = /\s*[Bb]asic\s*(.+)/;

/** Kong's retrieve_credentials: the user is everything before the first colon, the password the rest. */
export function readBasic(value: string | undefined): { username: string; password: string } | undefined {
  const m = value !== undefined ? BASIC.exec(value) : null;
  if (!m?.[1]) return undefined;
  const bytes = kongBase64Decode(m[1].trim());
  if (!bytes) return undefined;
  const decoded = new TextDecoder().decode(bytes);
  const parts = /^([^:]+):(.*)$/s.exec(decoded);
  return parts ? { username: parts[1] as string, password: parts[2] as string } : undefined;
}

export function createBasicAuthHooks(config: BasicAuthConfig, env: PluginEnv): PluginHooks {
  return config.flavour === 'traefik' ? createTraefikBasicAuthHooks(config) : createKongHooks(config, env);
}

function createKongHooks(config: KongBasicAuthConfig, env: PluginEnv): PluginHooks {
  const consumers = env.consumers ?? [];
  const challenge = `Basic realm="${config.realm}"`;

  const fail = (ctx: RequestContext, why: string): Verdict => {
    if (config.anonymous !== undefined) return fallBackToAnonymous(ctx, consumers, config.anonymous, 'basic-auth', why);
    return kongAuthFailure(ctx, 401, 'Unauthorized', challenge, `${why} — 401 "Unauthorized"`, { failure: why });
  };

  return {
    access(ctx: RequestContext): Verdict {
      if (config.anonymous !== undefined && ctx.credentialId !== undefined) {
        return next('already authenticated by an earlier auth plugin; with anonymous set, basic-auth is one side of a logical OR and does not run');
      }
      const headers = currentHeaders(ctx);
      if (!headers.has('authorization') && !headers.has('proxy-authorization')) return fail(ctx, 'no Authorization or Proxy-Authorization header');
      const tried: string[] = [];
      for (const name of ['Proxy-Authorization', 'Authorization']) {
        const given = readBasic(headers.get(name));
        if (config.hide_credentials) headers.delete(name);
        if (!given) continue;
        tried.push(`${name} (user ${given.username})`);
        const hit = findCredential(consumers, 'basic-auth', 'username', given.username);
        if (!hit) continue;
        const stored = hit.credential.fields['password'];
        if (typeof stored !== 'string' || !constantTimeEqual(stored, given.password)) return fail(ctx, `wrong password for basic-auth user ${given.username}`);
        authenticate(ctx, hit.consumer, { id: hit.credential.id, identifier: given.username });
        const hidden = config.hide_credentials ? '; Authorization removed before proxying (hide_credentials)' : '; the backend receives the Authorization header';
        return next(`${name} user ${given.username} → consumer ${consumerName(hit.consumer)}${hidden}`, { consumer: consumerName(hit.consumer), user: given.username, header: name });
      }
      return fail(ctx, tried.length === 0 ? 'no readable Basic credentials' : `no basic-auth credential for ${tried.join(', ')}`);
    },
  };
}

export const basicAuthPlugin: PluginDefinition<BasicAuthConfig> = {
  id: 'basic-auth',
  priority: BASIC_AUTH_PRIORITY,
  parse: parseBasicAuthConfig,
  create: createBasicAuthHooks,
};
