/**
 * Envoy's JWT parsing and the status strings it answers with (envoyproxy/envoy
 * source/common/jwt/status.cc, jwt.cc). The body of a rejection is exactly the status string.
 */
import { kongBase64Decode } from '../jwt/token.ts';

export const ENVOY_STATUS = {
  JwtMissed: 'Jwt is missing',
  JwtNotYetValid: 'Jwt not yet valid',
  JwtExpired: 'Jwt is expired',
  JwtBadFormat: 'Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections',
  JwtHeaderParseErrorBadBase64: 'Jwt header is an invalid Base64url encoded',
  JwtHeaderParseErrorBadJson: 'Jwt header is an invalid JSON',
  JwtHeaderBadAlg: 'Jwt header [alg] field is required and must be a string',
  JwtHeaderNotImplementedAlg: 'Jwt header [alg] is not supported',
  JwtHeaderBadKid: 'Jwt header [kid] field is not a string',
  JwtPayloadParseErrorBadBase64: 'Jwt payload is an invalid Base64url encoded',
  JwtPayloadParseErrorBadJson: 'Jwt payload is an invalid JSON',
  JwtPayloadParseErrorExpNotInteger: 'Jwt payload [exp] field is not an integer',
  JwtPayloadParseErrorNbfNotInteger: 'Jwt payload [nbf] field is not an integer',
  JwtSignatureParseErrorBadBase64: 'Jwt signature is an invalid Base64url encoded',
  JwtUnknownIssuer: 'Jwt issuer is not configured',
  JwtAudienceNotAllowed: 'Audiences in Jwt are not allowed',
  JwtVerificationFail: 'Jwt verification fails',
  JwksFetchFail: 'Jwks remote fetch is failed',
  JwksKidAlgMismatch: "Jwks doesn't have key to match kid or alg from Jwt",
  JwksNoValidKeys: "Jwks doesn't have any valid public key",
} as const;

export type EnvoyStatus = keyof typeof ENVOY_STATUS;

/** Envoy's supported algorithms; anything else (`none` in any spelling) is "not supported". */
export const ENVOY_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA'];

export interface EnvoyJwt {
  token: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  alg: string;
  kid?: string;
}

const URL_SAFE = /^[A-Za-z0-9_-]*$/;

function part(text: string, bad64: EnvoyStatus, badJson: EnvoyStatus): Record<string, unknown> | EnvoyStatus {
  const bytes = URL_SAFE.test(text) ? kongBase64Decode(text) : undefined;
  if (!bytes) return bad64;
  try {
    const v: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : badJson;
  } catch {
    return badJson;
  }
}

export function parseEnvoyJwt(token: string): EnvoyJwt | EnvoyStatus {
  const parts = token.split('.');
  if (parts.length !== 3) return 'JwtBadFormat';
  const [h, p, s] = parts as [string, string, string];
  const header = part(h, 'JwtHeaderParseErrorBadBase64', 'JwtHeaderParseErrorBadJson');
  if (typeof header === 'string') return header;
  const alg = header['alg'];
  if (typeof alg !== 'string') return 'JwtHeaderBadAlg';
  if (!ENVOY_ALGORITHMS.includes(alg)) return 'JwtHeaderNotImplementedAlg';
  const kid = header['kid'];
  if (kid !== undefined && typeof kid !== 'string') return 'JwtHeaderBadKid';
  const claims = part(p, 'JwtPayloadParseErrorBadBase64', 'JwtPayloadParseErrorBadJson');
  if (typeof claims === 'string') return claims;
  if (claims['exp'] !== undefined && !Number.isInteger(claims['exp'])) return 'JwtPayloadParseErrorExpNotInteger';
  if (claims['nbf'] !== undefined && !Number.isInteger(claims['nbf'])) return 'JwtPayloadParseErrorNbfNotInteger';
  if (!URL_SAFE.test(s) || !kongBase64Decode(s)) return 'JwtSignatureParseErrorBadBase64';
  return { token, header, claims, alg, ...(typeof kid === 'string' ? { kid } : {}) };
}

/** Envoy's verifyTimeConstraint: not yet valid when now + skew < nbf; expired when now > exp + skew. */
export function timeStatus(jwt: EnvoyJwt, nowS: number, skewS: number, requireExpiration: boolean): EnvoyStatus | undefined {
  const nbf = jwt.claims['nbf'];
  const exp = jwt.claims['exp'];
  if (typeof nbf === 'number' && nowS + skewS < nbf) return 'JwtNotYetValid';
  if (typeof exp === 'number' && nowS > exp + skewS) return 'JwtExpired';
  if (exp === undefined && requireExpiration) return 'JwtExpired';
  return undefined;
}

/** `aud` as a list (a string is one audience). */
export function audiencesOf(claims: Record<string, unknown>): string[] {
  const aud = claims['aud'];
  if (typeof aud === 'string') return [aud];
  return Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
}
