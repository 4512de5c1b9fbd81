/**
 * Kong `key-auth` config (Kong 3.10 schema, semantics §6), with Kong's defaults. Field names stay
 * Kong's snake_case so a parsed config reads like the YAML a student wrote.
 */
import type { ConfigReporter } from '../../pipeline/types.ts';
import { ConfigReader } from '../kit/config-reader.ts';

export interface KeyAuthConfig {
  /** Names the key may travel under, tried in order; each as a header, then a query argument, then a body field (default ["apikey"]). */
  key_names: string[];
  /** Look for the key in request headers (default true). */
  key_in_header: boolean;
  /** Look for the key in the query string (default true). */
  key_in_query: boolean;
  /** Look for the key in a form-urlencoded, multipart or JSON body (default false). */
  key_in_body: boolean;
  /** Remove the key (header, query argument and body field of that name) before proxying, so the backend never sees or logs it (default false). */
  hide_credentials: boolean;
  /** Consumer id or username to continue as when authentication fails (a logical OR with other auth plugins); unset = answer the failure. */
  anonymous?: string;
  /** Authenticate OPTIONS requests too (default true); false lets CORS preflights through unauthenticated. */
  run_on_preflight: boolean;
  /** Realm in the WWW-Authenticate header of a 401 (`Key realm="<realm>"`); unset = plain `Key`. */
  realm?: string;
}

export const KEY_AUTH_DEFAULTS: KeyAuthConfig = {
  key_names: ['apikey'],
  key_in_header: true,
  key_in_query: true,
  key_in_body: false,
  hide_credentials: false,
  run_on_preflight: true,
};

const FIELDS = ['key_names', 'key_in_header', 'key_in_query', 'key_in_body', 'hide_credentials', 'anonymous', 'run_on_preflight', 'realm', 'identity_realms'];

/** Kong's typedefs.header_name. */
const HEADER_NAME = /^[A-Za-z0-9_-]+$/;

export function parseKeyAuthConfig(raw: unknown, report: ConfigReporter): KeyAuthConfig {
  const r = new ConfigReader(raw, report, FIELDS, [], 'key-auth');
  const out: KeyAuthConfig = {
    key_names: r.strList('key_names', KEY_AUTH_DEFAULTS.key_names),
    key_in_header: r.bool('key_in_header', true),
    key_in_query: r.bool('key_in_query', true),
    key_in_body: r.bool('key_in_body', false),
    hide_credentials: r.bool('hide_credentials', false),
    run_on_preflight: r.bool('run_on_preflight', true),
  };
  const anonymous = r.str('anonymous');
  if (anonymous !== undefined) out.anonymous = anonymous;
  const realm = r.str('realm');
  if (realm !== undefined) out.realm = realm;
  if (out.key_names.length === 0) r.error('key_names', 'key_names must list at least one name');
  out.key_names.forEach((name, i) => {
    if (!HEADER_NAME.test(name)) r.error(['key_names', i], `bad header name '${name}', allowed characters are A-Z, a-z, 0-9, '_', and '-'`);
  });
  if (r.has('identity_realms')) r.warn('identity_realms', 'GL_W_NO_EFFECT', 'identity_realms looks consumers up in Konnect; gatelab uses the consumers of this file');
  return out;
}
