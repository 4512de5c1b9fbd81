/**
 * Kong `jwt` plugin config (Kong 3.10 schema, semantics §6), with Kong's defaults. Note the one the
 * lesson's exercise 1 turns on: `claims_to_verify` is empty by default, so an expired token passes.
 */
import type { ConfigReporter } from '../../pipeline/types.ts';
import { ConfigReader } from '../kit/config-reader.ts';

export type VerifiableClaim = 'exp' | 'nbf';

export interface JwtConfig {
  /** Query arguments that may carry the token (default ["jwt"]). */
  uri_param_names: string[];
  /** Cookies that may carry the token (default none). */
  cookie_names: string[];
  /** Headers that may carry `Bearer <token>` (default ["authorization"]). */
  header_names: string[];
  /** The claim naming the credential (its `key`); read from the payload, then the JOSE header (default "iss"). */
  key_claim_name: string;
  /** The credential's HS* secret is base64 and is decoded before use (default false). */
  secret_is_base64: boolean;
  /** Registered claims to check: `exp` and/or `nbf`. Default none — an expired token is accepted. */
  claims_to_verify: VerifiableClaim[];
  /** Seconds a token may still live (exp − now); 0 = no limit (default). Requires exp in claims_to_verify. */
  maximum_expiration: number;
  /** Consumer id or username to continue as when authentication fails; unset = answer the failure. */
  anonymous?: string;
  /** Authenticate OPTIONS requests too (default true). */
  run_on_preflight: boolean;
  /** Realm in the WWW-Authenticate header (`Bearer realm="<realm>"`); unset = plain `Bearer`. */
  realm?: string;
}

export const JWT_DEFAULTS: JwtConfig = {
  uri_param_names: ['jwt'],
  cookie_names: [],
  header_names: ['authorization'],
  key_claim_name: 'iss',
  secret_is_base64: false,
  claims_to_verify: [],
  maximum_expiration: 0,
  run_on_preflight: true,
};

const FIELDS = [
  'uri_param_names', 'cookie_names', 'header_names', 'key_claim_name', 'secret_is_base64', 'claims_to_verify',
  'maximum_expiration', 'anonymous', 'run_on_preflight', 'realm',
];

export function parseJwtConfig(raw: unknown, report: ConfigReporter): JwtConfig {
  const r = new ConfigReader(raw, report, FIELDS, [], 'jwt');
  const out: JwtConfig = {
    uri_param_names: r.strList('uri_param_names', JWT_DEFAULTS.uri_param_names),
    cookie_names: r.strList('cookie_names', JWT_DEFAULTS.cookie_names),
    header_names: r.strList('header_names', JWT_DEFAULTS.header_names),
    key_claim_name: r.str('key_claim_name', 'iss'),
    secret_is_base64: r.bool('secret_is_base64', false),
    claims_to_verify: [],
    maximum_expiration: r.num('maximum_expiration', 0, { min: 0, max: 31_536_000 }),
    run_on_preflight: r.bool('run_on_preflight', true),
  };
  r.strList('claims_to_verify', []).forEach((claim, i) => {
    if (claim !== 'exp' && claim !== 'nbf') r.error(['claims_to_verify', i], `claims_to_verify[${i}] must be one of exp, nbf, not '${claim}'`);
    else if (out.claims_to_verify.includes(claim)) r.warn(['claims_to_verify', i], 'GL_W_NO_EFFECT', `${claim} is listed twice`);
    else out.claims_to_verify.push(claim);
  });
  if (out.maximum_expiration > 0 && !out.claims_to_verify.includes('exp')) {
    r.error('maximum_expiration', "maximum_expiration needs 'exp' in claims_to_verify", 'add exp to claims_to_verify');
  }
  const anonymous = r.str('anonymous');
  if (anonymous !== undefined) out.anonymous = anonymous;
  const realm = r.str('realm');
  if (realm !== undefined) out.realm = realm;
  return out;
}
