/**
 * Kong `key-auth` (PRIORITY 1250, access phase; semantics §6). Finds the key, looks it up among the
 * consumers' key-auth credentials (constant-time comparisons), attaches the consumer, and optionally
 * hides the key from the backend. Failures are Kong's 401s with `WWW-Authenticate: Key`.
 */
import { next, type PluginDefinition, type PluginEnv, type PluginHooks, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import { authenticate, consumerName, fallBackToAnonymous, findCredential, kongAuthFailure } from '../kit/kong-auth.ts';
import { parseKeyAuthConfig, type KeyAuthConfig } from './config.ts';
import { hideKey, locateKey, maskKey } from './locate.ts';

export const KEY_AUTH_PRIORITY = 1250;

export function createKeyAuthHooks(config: KeyAuthConfig, env: PluginEnv): PluginHooks {
  const consumers = env.consumers ?? [];
  const challenge = config.realm !== undefined ? `Key realm="${config.realm}"` : 'Key';

  const fail = (ctx: RequestContext, message: string, why: string): Verdict => {
    if (config.anonymous !== undefined) return fallBackToAnonymous(ctx, consumers, config.anonymous, 'key-auth', why);
    return kongAuthFailure(ctx, 401, message, challenge, `${why} — 401 "${message}"`, { failure: why });
  };

  return {
    access(ctx: RequestContext): Verdict {
      if (!config.run_on_preflight && ctx.request.method === 'OPTIONS') {
        return next('OPTIONS request and run_on_preflight is false: key-auth does not run');
      }
      if (config.anonymous !== undefined && ctx.credentialId !== undefined) {
        return next('already authenticated by an earlier auth plugin; with anonymous set, key-auth is one side of a logical OR and does not run');
      }
      const located = locateKey(config, ctx);
      if (located.kind === 'duplicate') {
        return fail(ctx, 'Duplicate API key found', `${located.name} appears more than once in the ${located.source}`);
      }
      // Kong hides the key as soon as it finds it, before it even checks it.
      const removed = located.kind === 'found' && config.hide_credentials ? hideKey(config, ctx, located.name) : [];
      if (located.kind === 'none' || located.key === '') {
        const where = [config.key_in_header && 'headers', config.key_in_query && 'query string', config.key_in_body && 'body'].filter(Boolean).join(', ');
        return fail(ctx, 'No API key found in request', `no ${config.key_names.join(' or ')} in the ${where}`);
      }
      const hit = findCredential(consumers, 'key-auth', 'key', located.key);
      if (!hit) {
        return fail(ctx, 'Unauthorized', `key ${maskKey(located.key)} from ${located.source} ${located.name} matches no consumer's key-auth credential`);
      }
      authenticate(ctx, hit.consumer, { id: hit.credential.id, identifier: hit.credential.id });
      const hidden = config.hide_credentials
        ? `; hide_credentials removed ${removed.join(', ')} before proxying`
        : `; hide_credentials is off, so the backend receives the key in ${located.source} ${located.name}`;
      return next(`key ${maskKey(located.key)} from ${located.source} ${located.name} is consumer ${consumerName(hit.consumer)}'s credential${hidden}`, {
        consumer: consumerName(hit.consumer),
        credential: hit.credential.id,
        source: located.source,
        name: located.name,
        hidden: config.hide_credentials,
        removed: removed.join(', '),
      });
    },
  };
}

export const keyAuthPlugin: PluginDefinition<KeyAuthConfig> = {
  id: 'key-auth',
  priority: KEY_AUTH_PRIORITY,
  parse: parseKeyAuthConfig,
  create: createKeyAuthHooks,
  cost: () => ({ cpuUs: 4.9, source: 'gatelab key-auth access hook: 5.8 µs CPU minus 0.9 µs building the request context, measured with `npx tsx scripts/measure-costs.ts` (node 20, Xeon 2.5 GHz)' }),
};
