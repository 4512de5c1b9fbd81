/**
 * Config of `jwt-remote`: one Envoy `jwt_authn` provider with a remote JWKS, in Envoy's own field names
 * (JwtProvider, RemoteJwks, JwtHeader; durations as Go/proto durations like `60s`). This is not Kong's
 * jwt plugin: keys come from an identity provider's JWKS URL, fetched through the host and cached.
 * Written in gatelab's native IR form (`plugin: jwt-remote`).
 */
import { parseDuration } from '../../core/duration.ts';
import type { ConfigReporter } from '../../pipeline/types.ts';
import { ConfigReader } from '../kit/config-reader.ts';

export interface JwtRemoteConfig {
  /** Required `iss` of tokens; unset = any issuer. */
  issuer?: string;
  /** Accepted `aud` values (any one); empty = audience not checked. */
  audiences: string[];
  remote_jwks: {
    /** The JWKS URL, fetched with GET through the host (a modeled backend in the simulation). */
    uri: string;
    /** How long the fetch may take (default 1 s). */
    timeout_ms: number;
    /** How long a fetched JWKS is reused before it is fetched again (Envoy's default 10 min). */
    cache_duration_ms: number;
  };
  /** Headers carrying the token after a prefix (default Authorization, "Bearer "). */
  from_headers: Array<{ name: string; value_prefix: string }>;
  /** Query arguments carrying the token (default access_token). */
  from_params: string[];
  /** Keep the token header on the upstream request (default false: it is removed after success). */
  forward: boolean;
  /** Header to put the base64url payload into for the upstream; unset = none. */
  forward_payload_header?: string;
  /** Claims copied into upstream headers after success. */
  claim_to_headers: Array<{ header_name: string; claim_name: string }>;
  /** Leeway for exp and nbf, seconds (default 60). */
  clock_skew_seconds: number;
  /** A token without exp is rejected (default false). */
  require_expiration: boolean;
  /** Requirement `allow_missing`: no token passes, an invalid one does not (default false). */
  allow_missing: boolean;
  /** Requirement `allow_missing_or_failed`: every request passes; only verified ones get claims (default false). */
  allow_missing_or_failed: boolean;
}

const FIELDS = [
  'issuer', 'audiences', 'remote_jwks', 'from_headers', 'from_params', 'forward', 'forward_payload_header',
  'claim_to_headers', 'clock_skew_seconds', 'require_expiration', 'allow_missing', 'allow_missing_or_failed',
];

function duration(r: ConfigReader, key: string, fallbackMs: number): number {
  const text = r.str(key);
  if (text === undefined) return fallbackMs;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) {
    r.error(key, `${key} must be a duration like 60s or 10m, not '${text}'`);
    return fallbackMs;
  }
  return ms;
}

export function parseJwtRemoteConfig(raw: unknown, report: ConfigReporter): JwtRemoteConfig {
  const r = new ConfigReader(raw, report, FIELDS, [], 'jwt-remote');
  const remote = r.sub('remote_jwks', ['http_uri', 'cache_duration']);
  const http = remote.sub('http_uri', ['uri', 'timeout', 'cluster']);
  const uri = http.str('uri', '');
  if (!/^https?:\/\/[^/]+/.test(uri)) http.error('uri', 'remote_jwks.http_uri.uri must be an absolute http(s) URL', 'e.g. http://idp.internal/.well-known/jwks.json');
  const out: JwtRemoteConfig = {
    audiences: r.strList('audiences', []),
    remote_jwks: { uri, timeout_ms: duration(http, 'timeout', 1000), cache_duration_ms: duration(remote, 'cache_duration', 600_000) },
    from_headers: [],
    from_params: r.strList('from_params', ['access_token']),
    forward: r.bool('forward', false),
    claim_to_headers: r.records('claim_to_headers', ['header_name', 'claim_name']).map((c) => ({ header_name: c.str('header_name', ''), claim_name: c.str('claim_name', '') })),
    clock_skew_seconds: r.num('clock_skew_seconds', 60, { min: 0, integer: true }),
    require_expiration: r.bool('require_expiration', false),
    allow_missing: r.bool('allow_missing', false),
    allow_missing_or_failed: r.bool('allow_missing_or_failed', false),
  };
  const headers = r.records('from_headers', ['name', 'value_prefix']);
  out.from_headers = r.has('from_headers')
    ? headers.map((h) => ({ name: h.str('name', ''), value_prefix: h.str('value_prefix', '') }))
    : [{ name: 'Authorization', value_prefix: 'Bearer ' }];
  const issuer = r.str('issuer');
  if (issuer !== undefined) out.issuer = issuer;
  const payloadHeader = r.str('forward_payload_header');
  if (payloadHeader !== undefined) out.forward_payload_header = payloadHeader;
  return out;
}
