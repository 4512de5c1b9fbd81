/**
 * The remote JWKS: parsing a fetched key set, choosing the keys a token may be checked with (Envoy's
 * verify.cc: a key is a candidate when its `kid` matches if both have one, its `alg` matches if it
 * states one, and its type fits the token's algorithm — which is why an HS256 token can never be
 * checked against an RSA key set), and a per-replica cache kept for cache_duration.
 */
import type { JWK } from 'jose';
import type { EnvoyJwt } from './envoy-jwt.ts';

export type ParsedJwks = { ok: true; keys: JWK[] } | { ok: false; why: string };

export function parseJwks(body: string | undefined): ParsedJwks {
  let v: unknown;
  try {
    v = JSON.parse(body ?? '');
  } catch {
    return { ok: false, why: 'the JWKS is not JSON' };
  }
  const keys = (v as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) return { ok: false, why: 'the JWKS has no [keys] array' };
  const usable = keys.filter((k): k is JWK => typeof k === 'object' && k !== null && typeof (k as JWK).kty === 'string');
  if (usable.length === 0) return { ok: false, why: "the JWKS doesn't have any valid public key" };
  return { ok: true, keys: usable };
}

/** The key type each algorithm family needs. */
function ktyFor(alg: string): string {
  if (alg.startsWith('RS') || alg.startsWith('PS')) return 'RSA';
  if (alg.startsWith('ES')) return 'EC';
  if (alg.startsWith('HS')) return 'oct';
  return 'OKP';
}

export function candidateKeys(jwt: EnvoyJwt, keys: readonly JWK[]): JWK[] {
  return keys.filter((k) => {
    if (jwt.kid !== undefined && k.kid !== undefined && k.kid !== jwt.kid) return false;
    if (k.alg !== undefined && k.alg !== jwt.alg) return false;
    return k.kty === ktyFor(jwt.alg);
  });
}

export interface CachedJwks {
  keys: JWK[];
  fetchedAtMs: number;
  expiresAtMs: number;
}

/** One cache per replica (Envoy keeps one per worker thread; gatelab's replica is one worker). */
export class JwksCache {
  private readonly byReplica = new Map<string, CachedJwks>();

  constructor(private readonly durationMs: number) {}

  fresh(replica: string, nowMs: number): CachedJwks | undefined {
    const c = this.byReplica.get(replica);
    return c && nowMs < c.expiresAtMs ? c : undefined;
  }

  store(replica: string, keys: JWK[], nowMs: number): CachedJwks {
    const c = { keys, fetchedAtMs: nowMs, expiresAtMs: nowMs + this.durationMs };
    this.byReplica.set(replica, c);
    return c;
  }

  snapshot(replica: string, nowMs: number): Record<string, unknown> {
    const c = this.byReplica.get(replica);
    if (!c) return { cached: false };
    return { cached: nowMs < c.expiresAtMs, keys: c.keys.length, fetchedAtMs: c.fetchedAtMs, expiresInMs: Math.max(0, c.expiresAtMs - nowMs) };
  }
}
