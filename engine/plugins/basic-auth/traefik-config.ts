/**
 * Traefik `basicAuth` config (pkg/config/dynamic/middlewares.go `BasicAuth`): users, usersFile,
 * realm (default "traefik", auth.go `defaultRealm`), removeHeader, headerField. The Traefik adapter
 * hands the middleware's fields over with `flavour: traefik`.
 */
import type { ConfigReporter } from '../../pipeline/types.ts';
import { ConfigReader } from '../kit/config-reader.ts';
import { bcryptCompare } from './bcrypt-provider.ts';
import { hashKind, unsupportedWhy, type HashKind } from './htpasswd.ts';

export const TRAEFIK_BASIC_AUTH_FIELDS = ['users', 'usersFile', 'realm', 'removeHeader', 'headerField'];

export interface TraefikBasicAuthConfig {
  flavour: 'traefik';
  /** user → stored htpasswd secret; a later entry for the same user replaces the earlier one. */
  users: Map<string, { secret: string; kind: HashKind }>;
  realm: string;
  removeHeader: boolean;
  /** Request header that carries the authenticated user to the backend; unset = none. */
  headerField?: string;
}

/**
 * auth.go basicUserParser: strings.Split on ":" must give exactly two parts, so an entry without a
 * colon, or with a second one (in the hash, or a plain password "a:b"), is refused.
 */
export function parseBasicUser(entry: string): { user: string; secret: string } | undefined {
  const parts = entry.split(':');
  return parts.length === 2 ? { user: parts[0] as string, secret: parts[1] as string } : undefined;
}

export function parseTraefikBasicAuth(raw: Record<string, unknown>, report: ConfigReporter): TraefikBasicAuthConfig {
  const r = new ConfigReader(raw, report, TRAEFIK_BASIC_AUTH_FIELDS, [], 'basicAuth');
  const users = new Map<string, { secret: string; kind: HashKind }>();
  const list = r.strList('users', []);
  list.forEach((entry, i) => {
    const parsed = parseBasicUser(entry);
    if (!parsed) {
      r.error(['users', i], `error parsing BasicUser: ${entry}`, 'write user:hash with exactly one colon, e.g. the output of htpasswd -nB user');
      return;
    }
    const kind = hashKind(parsed.secret);
    if (kind === 'unsupported') {
      r.warn(['users', i], 'GL_W_NO_EFFECT', `users[${i}]: the secret of ${parsed.user} is ${unsupportedWhy(parsed.secret)}: Traefik builds the middleware, but ${parsed.user} can never log in`, 'hash it with htpasswd -nB (bcrypt), or -m (apr1)');
    }
    if (kind === 'bcrypt' && bcryptCompare() === undefined) {
      r.error(['users', i], `users[${i}]: ${parsed.user}'s bcrypt hash cannot be checked here: bcrypt comes with the Traefik adapter, which this realm has not loaded`, 'load the config through the Traefik format, or hash it with htpasswd -m (apr1)');
    }
    if (users.has(parsed.user)) {
      r.warn(['users', i], 'GL_W_NO_EFFECT', `users[${i}]: ${parsed.user} is listed again; getUsers keeps the last entry, so the earlier password no longer works`);
    }
    users.set(parsed.user, { secret: parsed.secret, kind });
  });
  if (r.has('usersFile')) {
    r.warn('usersFile', 'GL_W_NO_EFFECT', `usersFile "${r.str('usersFile', '')}" is not read: gatelab has no file system, so only the users listed under users can log in (Traefik reads the file first and appends users, which win on a duplicate; a missing file makes it refuse the middleware)`, 'copy the file\'s lines under users');
  }
  const headerField = r.str('headerField');
  return {
    flavour: 'traefik',
    users,
    // An empty realm is Go's zero value: the default.
    realm: r.str('realm', '') || 'traefik',
    removeHeader: r.bool('removeHeader', false),
    ...(headerField ? { headerField } : {}),
  };
}
