/**
 * Traefik `basicAuth` (pkg/middlewares/auth/basic_auth.go `ServeHTTP`, `checkPassword`). The
 * credentials are Go's `req.BasicAuth()` (net/http parseBasicAuth): only `Authorization`, the scheme
 * "Basic " in any case with exactly one space, strict padded base64, the user before the first
 * colon. The user's stored htpasswd secret decides (goauth.CheckSecret, htpasswd.ts). Any failure is
 * goauth's RequireAuth: 401, `Content-Type: text/plain`, `WWW-Authenticate: Basic realm="<realm>"`,
 * body "401 Unauthorized\n". On success headerField carries the user and removeHeader drops
 * Authorization before the next handler.
 */
import { next, reply, type PluginHooks, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import { SecretCache, unsupportedWhy } from './htpasswd.ts';
import type { TraefikBasicAuthConfig } from './traefik-config.ts';

const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Go's parseBasicAuth: undefined where it says ok=false, with the reason for the trace. */
export function goBasicAuth(value: string | undefined): { user: string; password: string } | { why: string } {
  if (value === undefined) return { why: 'no Authorization header' };
  if (value.length < 6 || value.slice(0, 6).toLowerCase() !== 'basic ') return { why: 'Authorization is not "Basic <base64>"' };
  const b64 = value.slice(6);
  if (!STD_BASE64.test(b64)) return { why: 'Authorization is not valid padded base64 after "Basic "' };
  const bin = atob(b64);
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  const text = new TextDecoder().decode(bytes);
  const colon = text.indexOf(':');
  if (colon < 0) return { why: 'the decoded credentials have no colon' };
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

const KIND_WORDS: Record<string, string> = { bcrypt: 'bcrypt', apr1: 'apr1 MD5', 'md5-crypt': 'MD5-crypt', sha1: '{SHA}' };

export function createTraefikBasicAuthHooks(config: TraefikBasicAuthConfig): PluginHooks {
  const cache = new SecretCache();
  const challenge = `Basic realm="${config.realm}"`;

  const fail = (why: string, user?: string): Verdict =>
    reply(401, `${why} → 401 realm ${config.realm}`, {
      headers: [['Content-Type', 'text/plain'], ['WWW-Authenticate', challenge]],
      body: '401 Unauthorized\n',
      data: { failure: why, ...(user !== undefined ? { user } : {}) },
    });

  return {
    access(ctx: RequestContext): Verdict {
      const headers = ctx.upstream.headers;
      const given = goBasicAuth(headers.get('authorization'));
      if ('why' in given) return fail(given.why);
      const { user, password } = given;
      const stored = config.users.get(user);
      if (!stored) return fail(`user ${user}: not in users`, user);
      const kind = stored.kind === 'unsupported' ? unsupportedWhy(stored.secret) : `${KIND_WORDS[stored.kind] ?? stored.kind} hash`;
      if (!cache.check(password, stored.secret)) return fail(`user ${user}: ${kind} does not match the password`, user);
      const notes: string[] = [];
      if (config.headerField) {
        headers.set(config.headerField, user);
        notes.push(`${config.headerField}: ${user}`);
      }
      if (config.removeHeader) {
        headers.delete('authorization');
        notes.push('Authorization removed (removeHeader)');
      } else notes.push('Authorization passed on to the backend');
      return next(`user ${user}: ${kind} matches → allowed, ${notes.join(', ')}`, { user, hash: stored.kind });
    },
  };
}
