/**
 * Reading a compact JWT the way Kong's jwt_parser does (semantics §6), plus gatelab's own two rules
 * where Kong has none. Kong splits at the first two dots, base64url-decodes header and claims as JSON
 * and the signature as bytes; any failure is "Bad token; <why>". `alg` must be one Kong can verify —
 * so `none`, in any spelling, is "invalid alg".
 */

/** Algorithms Kong 3.10's jwt plugin verifies; the token's `alg` must be one of these exactly. */
export const KONG_JWT_ALGORITHMS = [
  'HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'EdDSA',
] as const;

/** gatelab's limit (Kong has no rule; nginx's header buffers are 8 KB). */
export const MAX_TOKEN_BYTES = 8192;

export interface DecodedJwt {
  token: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  alg: string;
}

export type DecodeResult = { ok: true; jwt: DecodedJwt } | { ok: false; error: string };

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Kong's base64_decode: pad, map the url-safe alphabet, decode; undefined when not base64. */
export function kongBase64Decode(input: string): Uint8Array | undefined {
  const padded = input.length % 4 === 0 ? input : input + '='.repeat(4 - (input.length % 4));
  const std = padded.replace(/-/g, '+').replace(/_/g, '/');
  if (!B64.test(std) || std.length % 4 !== 0) return undefined;
  try {
    const bin = atob(std);
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

function jsonObject(part: string | undefined): Record<string, unknown> | null | undefined {
  if (part === undefined) return undefined;
  const bytes = kongBase64Decode(part);
  if (!bytes) return undefined;
  try {
    const v: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    if (v === null) return null;
    return typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Kong's tokenize(token, ".", 3): the third part keeps any further dots. */
function split3(token: string): [string, string | undefined, string | undefined] {
  const a = token.indexOf('.');
  if (a < 0) return [token, undefined, undefined];
  const b = token.indexOf('.', a + 1);
  if (b < 0) return [token.slice(0, a), token.slice(a + 1), undefined];
  return [token.slice(0, a), token.slice(a + 1, b), token.slice(b + 1)];
}

export function decodeKongJwt(token: string): DecodeResult {
  const [h, c, s] = split3(token);
  const header = jsonObject(h);
  const claims = jsonObject(c);
  // Kong decodes all three inside one pcall: a missing part or undecodable JSON is "invalid JSON".
  if (header === undefined || header === null || claims === undefined || s === undefined) return { ok: false, error: 'invalid JSON' };
  const alg = header['alg'];
  if (typeof alg !== 'string' || !(KONG_JWT_ALGORITHMS as readonly string[]).includes(alg)) return { ok: false, error: 'invalid alg' };
  if (claims === null) return { ok: false, error: 'invalid claims' };
  if (!kongBase64Decode(s)) return { ok: false, error: 'invalid signature' };
  return { ok: true, jwt: { token, header, claims, alg } };
}

/**
 * gatelab's own rules, checked where Kong has none: a token larger than 8 KB, and a `crit` header
 * (RFC 7515 §4.1.11: a recipient must reject critical extensions it does not understand; Kong's
 * parser never looks at `crit`, and gatelab understands none). Returns the reason, or undefined.
 */
export function gatelabTokenRule(token: string, header?: Record<string, unknown>): string | undefined {
  const bytes = new TextEncoder().encode(token).length;
  if (bytes > MAX_TOKEN_BYTES) return `the token is ${bytes} bytes, over gatelab's 8 KB limit`;
  const crit = header?.['crit'];
  if (crit !== undefined) {
    const names = Array.isArray(crit) ? crit.map(String).join(', ') : JSON.stringify(crit);
    return `the token header marks '${names}' as critical, an extension gatelab does not understand (RFC 7515 §4.1.11)`;
  }
  return undefined;
}
