/**
 * `jwt-remote`: JWT validation as Envoy's `jwt_authn` filter does it with a `remote_jwks` provider —
 * not Kong's jwt plugin. The order is Envoy's: extract, parse, time constraints (with clock skew),
 * issuer, audiences, then the keys: from the per-replica cache while it is fresh, else fetched from the
 * JWKS URL through the host (an `http` effect: real I/O on the proxy, modeled latency in the sim),
 * then the signature (an `async` effect through jose). Rejections are 401 (403 for a wrong audience)
 * with Envoy's status string as the body. The war story's "cache JWT validation for 60 s" is
 * `cache_duration: 60s` here: inside it, no request pays for a JWKS round trip.
 */
import type { JWK } from 'jose';
import { next, reply, wait, type DecisionData, type Effect, type EffectResult, type PluginDefinition, type PluginHooks, type PluginHost, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import { queryValues } from '../kit/query.ts';
import { gatelabTokenRule } from '../jwt/token.ts';
import { verifySignature } from '../jwt/verify.ts';
import { parseJwtRemoteConfig, type JwtRemoteConfig } from './config.ts';
import { audiencesOf, ENVOY_STATUS, parseEnvoyJwt, timeStatus, type EnvoyJwt, type EnvoyStatus } from './envoy-jwt.ts';
import { candidateKeys, JwksCache, parseJwks, type ParsedJwks } from './jwks.ts';
import { BoundedMemo } from '../kit/bounded-memo.ts';
import type { HeaderMap } from '../../pipeline/headers.ts';

/** Between the Kong auth plugins and forward-auth; the native form orders by priority. */
export const JWT_REMOTE_PRIORITY = 1450;

interface Found {
  token: string;
  header?: string;
  from: string;
}

/**
 * What a token string alone decides, in the order access checks it: gatelab's size rule, Envoy's
 * parse, gatelab's `crit` rule. Independent of time and config, so it is remembered per token.
 */
interface ReadToken {
  /** gatelab's own rejection, when one applies. */
  rule?: string;
  jwt: EnvoyJwt | EnvoyStatus;
  /** The last key set this token was matched against, and what that gave (see verifyWith). */
  verify?: { keys: readonly JWK[]; candidates: JWK[]; effect: Extract<Effect, { type: 'async' }>; reason: string };
  /** Whether its `aud` names one of the instance's audiences (the memo is per instance, so is this). */
  audienceOk?: boolean;
  /**
   * The last successes' sentences and facts (newest first, at most `SUCCESS_MEMO_SIZE`), reused while
   * what they say is the same (see succeed). More than one: a replica's requests alternate between
   * "JWKS fetched" (the ones that waited for the fetch) and "JWKS from cache", and with one entry every
   * switch built both sentences again (half the war story's successes were fresh copies of an old text).
   */
  success?: Success[];
}

interface Success {
  from: string;
  header: string | undefined;
  kid: string | undefined;
  cacheNote: string;
  claims: string;
  reason: string;
  data: DecisionData;
}

/** Successes remembered per token: the cache notes a token meets at once are few (fetched, and one per "s left"). */
const SUCCESS_MEMO_SIZE = 4;
/** "JWKS from cache, N s left" sentences remembered per instance, by N. */
const CACHE_NOTE_MEMO_SIZE = 64;

function readToken(token: string): ReadToken {
  const big = gatelabTokenRule(token);
  if (big) return { rule: big, jwt: 'JwtBadFormat' };
  const jwt = parseEnvoyJwt(token);
  if (typeof jwt === 'string') return { jwt };
  const crit = gatelabTokenRule(token, jwt.header);
  return crit ? { rule: crit, jwt } : { jwt };
}

/** Distinct tokens remembered per plugin instance; a miss only costs the parse again. */
const TOKEN_MEMO_SIZE = 1024;
/** Distinct JWKS bodies remembered per instance (a provider rotates keys rarely). */
const JWKS_MEMO_SIZE = 8;

/** The last value seen in each `from_headers` entry and the token it gave (undefined: none). */
type LastHeaderTokens = Array<{ value: string | undefined; found: Found | undefined }>;

function extract(config: JwtRemoteConfig, ctx: RequestContext, last: LastHeaderTokens): Found | undefined {
  for (let i = 0; i < config.from_headers.length; i++) {
    const h = config.from_headers[i] as JwtRemoteConfig['from_headers'][number];
    const value = ctx.upstream.headers.get(h.name);
    if (value === undefined) continue;
    // One client sends the same header on every request: reuse its token (a string of a few hundred
    // characters sliced, trimmed and hashed into the token memo otherwise). Found is never changed.
    const seen = last[i];
    if (seen !== undefined && seen.value === value) {
      if (seen.found !== undefined) return seen.found;
      continue;
    }
    const token = value.startsWith(h.value_prefix) ? value.slice(h.value_prefix.length).trim() : '';
    const found: Found | undefined = token !== '' ? { token, header: h.name, from: `header ${h.name}` } : undefined;
    last[i] = { value, found };
    if (found !== undefined) return found;
  }
  for (const name of config.from_params) {
    const v = queryValues(ctx.upstream.path, name)[0];
    if (v) return { token: v, from: `query ${name}` };
  }
  return undefined;
}

function base64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function createJwtRemoteHooks(config: JwtRemoteConfig): PluginHooks {
  const cache = new JwksCache(config.remote_jwks.cache_duration_ms);
  const tokens = new BoundedMemo<ReadToken>(TOKEN_MEMO_SIZE);
  // The same body parses to the same keys array, so a token's candidates (below) stay valid across fetches.
  const jwksBodies = new BoundedMemo<ParsedJwks>(JWKS_MEMO_SIZE);
  // The fetch is the same every time: one effect per instance (hosts only read it; tracing copies it).
  const jwksFetch: Extract<Effect, { type: 'http' }> = {
    type: 'http',
    purpose: 'jwks',
    method: 'GET',
    url: config.remote_jwks.uri,
    headers: [],
    timeoutMs: config.remote_jwks.timeout_ms,
  };
  const lastHeaderTokens: LastHeaderTokens = [];
  // The same for every fetch of this config: one string, so `succeed` finds its last sentence by identity.
  const fetchedNote = `JWKS fetched, cached for ${config.remote_jwks.cache_duration_ms / 1000} s`;
  const fetchReasons = new Map<string, string>();
  const fetchReason = (replica: string): string => {
    let reason = fetchReasons.get(replica);
    if (reason === undefined) fetchReasons.set(replica, (reason = `JWKS not cached on ${replica}: fetching ${config.remote_jwks.uri}`));
    return reason;
  };

  // "JWKS from cache, N s left" by N: the same string for every request in that second, so `succeed`
  // finds its sentence by identity. N runs from the cache duration down to 0; past the bound (a long
  // cache_duration) the map is emptied, which only costs building a note again.
  const cacheNotes = new Map<number, string>();
  const cacheNote = (secondsLeft: number): string => {
    let note = cacheNotes.get(secondsLeft);
    if (note === undefined) {
      if (cacheNotes.size >= CACHE_NOTE_MEMO_SIZE) cacheNotes.clear();
      cacheNotes.set(secondsLeft, (note = `JWKS from cache, ${secondsLeft} s left`));
    }
    return note;
  };

  const fail = (ctx: RequestContext, status: EnvoyStatus, why: string, data: DecisionData = {}): Verdict => {
    if (config.allow_missing_or_failed) return next(`${why}; allow_missing_or_failed lets the request through without claims`, { status: ENVOY_STATUS[status] });
    const code = status === 'JwtAudienceNotAllowed' ? 403 : 401;
    const realm = `${ctx.request.scheme}://${ctx.request.host}${ctx.request.path}${ctx.request.query ? `?${ctx.request.query}` : ''}`;
    const challenge = status === 'JwtMissed' ? `Bearer realm="${realm}"` : `Bearer realm="${realm}", error="invalid_token"`;
    return reply(code, `${why} — ${code} "${ENVOY_STATUS[status]}"`, {
      headers: [
        ['www-authenticate', challenge],
        ['content-type', 'text/plain'],
      ],
      body: ENVOY_STATUS[status],
      data: { ...data, status: ENVOY_STATUS[status] },
    });
  };

  const succeed = (ctx: RequestContext, read: ReadToken, jwt: EnvoyJwt, found: Found, kid: string | undefined, cacheNote: string): Verdict => {
    const h = ctx.upstream.headers;
    if (!config.forward && found.header) h.delete(found.header);
    if (config.forward_payload_header) h.set(config.forward_payload_header, base64url(JSON.stringify(jwt.claims)));
    const claims = config.claim_to_headers.length > 0 ? copyClaims(h, jwt, config.claim_to_headers) : '';
    // Every request with this token says the same while these inputs are the same: reuse the sentence
    // and the facts (the data is never changed after it is returned).
    const seen = (read.success ??= []);
    for (let i = 0; i < seen.length; i++) {
      const last = seen[i] as Success;
      if (last.from === found.from && last.header === found.header && last.kid === kid && last.cacheNote === cacheNote && last.claims === claims) return next(last.reason, last.data);
    }
    const forwarded = config.forward || !found.header ? '' : `; ${found.header} removed (forward: false)`;
    const reason = `${jwt.alg} token from ${found.from} verified with JWKS key ${kid ?? '(no kid)'} (${cacheNote})${forwarded}${claims}`;
    const data: DecisionData = {
      alg: jwt.alg,
      kid: kid ?? null,
      iss: typeof jwt.claims['iss'] === 'string' ? jwt.claims['iss'] : null,
      cache: cacheNote,
    };
    // Newest first; the oldest goes past the bound (a miss only builds the sentence again).
    if (seen.length >= SUCCESS_MEMO_SIZE) seen.pop();
    seen.unshift({ from: found.from, header: found.header, kid, cacheNote, claims, reason, data });
    return next(reason, data);
  };

  /** The candidate keys and the signature effect for (token, key set): the same answer while both are. */
  const verification = (read: ReadToken, jwt: EnvoyJwt, keys: JWK[]): NonNullable<ReadToken['verify']> => {
    if (read.verify?.keys === keys) return read.verify;
    const candidates = candidateKeys(jwt, keys);
    const effect: Extract<Effect, { type: 'async' }> = {
      type: 'async',
      purpose: `jwt-remote: verify ${jwt.alg} signature against ${candidates.length} JWKS key(s)`,
      memoKey: `jwt-remote|${jwt.alg}|${JSON.stringify(candidates)}|${jwt.token}`,
      run: async () => {
        for (const jwk of candidates) {
          if ((await verifySignature(jwt.token, jwt.alg, { kind: 'jwk', jwk })).valid) return { valid: true, kid: jwk.kid };
        }
        return { valid: false };
      },
    };
    return (read.verify = { keys, candidates, effect, reason: `verifying the ${jwt.alg} signature (WebCrypto)` });
  };

  const verifyWith = (ctx: RequestContext, read: ReadToken, jwt: EnvoyJwt, found: Found, keys: JWK[], cacheNote: string): Verdict => {
    const { candidates, effect, reason } = verification(read, jwt, keys);
    if (candidates.length === 0) {
      return fail(ctx, 'JwksKidAlgMismatch', `no key in the JWKS fits kid ${jwt.kid ?? '(none)'} and alg ${jwt.alg} (${cacheNote})`, { alg: jwt.alg });
    }
    return wait(effect, reason, (result: EffectResult) => {
      const v = result.ok ? (result.value as { valid?: boolean; kid?: string } | undefined) : undefined;
      if (!v?.valid) return fail(ctx, 'JwtVerificationFail', `the signature matches none of the ${candidates.length} candidate key(s)`, { alg: jwt.alg });
      return succeed(ctx, read, jwt, found, v.kid, cacheNote);
    });
  };

  return {
    access(ctx: RequestContext, host: PluginHost): Verdict {
      const found = extract(config, ctx, lastHeaderTokens);
      if (!found) {
        if (config.allow_missing || config.allow_missing_or_failed) return next('no token, and the requirement allows a missing one');
        return fail(ctx, 'JwtMissed', `no token in ${[...config.from_headers.map((h) => h.name), ...config.from_params.map((p) => `?${p}`)].join(', ')}`);
      }
      const read = tokens.get(found.token, readToken);
      if (read.rule !== undefined) return gatelabRejects(ctx, read.rule);
      const jwt = read.jwt;
      if (typeof jwt === 'string') return fail(ctx, jwt, `token from ${found.from} does not parse`);
      const nowMs = host.now();
      const nowS = Math.floor(nowMs / 1000);
      const time = timeStatus(jwt, nowS, config.clock_skew_seconds, config.require_expiration);
      if (time) {
        const exp = jwt.claims['exp'];
        const nbf = jwt.claims['nbf'];
        const detail = time === 'JwtNotYetValid' ? `nbf ${String(nbf)} is after now ${nowS} + ${config.clock_skew_seconds} s skew` : exp === undefined ? 'no exp and require_expiration is set' : `exp ${String(exp)} + ${config.clock_skew_seconds} s skew is before now ${nowS}`;
        return fail(ctx, time, detail, { claim: time === 'JwtNotYetValid' ? 'nbf' : 'exp', now: nowS });
      }
      const iss = jwt.claims['iss'];
      if (config.issuer !== undefined && iss !== config.issuer) return fail(ctx, 'JwtUnknownIssuer', `iss ${JSON.stringify(iss ?? null)} is not the provider's issuer ${config.issuer}`);
      if (config.audiences.length > 0) {
        // Decided once per token (claims and audiences never change); the sentence only on a refusal.
        read.audienceOk ??= audiencesOf(jwt.claims).some((a) => config.audiences.includes(a));
        if (!read.audienceOk) return fail(ctx, 'JwtAudienceNotAllowed', `aud [${audiencesOf(jwt.claims).join(', ')}] has none of [${config.audiences.join(', ')}]`);
      }
      const cached = cache.fresh(host.replica, nowMs);
      if (cached) return verifyWith(ctx, read, jwt, found, cached.keys, cacheNote(Math.round((cached.expiresAtMs - nowMs) / 1000)));
      const uri = config.remote_jwks.uri;
      return wait(jwksFetch, fetchReason(host.replica), (result: EffectResult) => {
        if (!result.ok) return fail(ctx, 'JwksFetchFail', `fetching ${uri} failed: ${result.error}`);
        if (result.status !== 200) return fail(ctx, 'JwksFetchFail', `${uri} answered ${result.status ?? '?'}`);
        const jwks = result.body === undefined ? parseJwks(undefined) : jwksBodies.get(result.body, parseJwks);
        if (!jwks.ok) return fail(ctx, 'JwksFetchFail', `${uri}: ${jwks.why}`);
        cache.store(host.replica, jwks.keys, host.now());
        return verifyWith(ctx, read, jwt, found, jwks.keys, fetchedNote);
      });
    },

    snapshot(host: PluginHost): Record<string, unknown> {
      return cache.snapshot(host.replica, host.now());
    },
  };
}

/** Sets each configured claim's header; the reason's clause naming the claims copied ('' for none). */
function copyClaims(h: HeaderMap, jwt: EnvoyJwt, rules: JwtRemoteConfig['claim_to_headers']): string {
  const copied: string[] = [];
  for (const c of rules) {
    const v = jwt.claims[c.claim_name];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      h.set(c.header_name, String(v));
      copied.push(`${c.claim_name}→${c.header_name}`);
    }
  }
  return copied.length > 0 ? `; claims copied ${copied.join(', ')}` : '';
}

/** gatelab's own rejection where Envoy has no rule: 401, the body naming the reason. */
function gatelabRejects(ctx: RequestContext, why: string): Verdict {
  return reply(401, `gatelab's own rule (Envoy has none): ${why} — 401`, {
    headers: [
      ['www-authenticate', `Bearer realm="${ctx.request.scheme}://${ctx.request.host}${ctx.request.path}", error="invalid_token"`],
      ['content-type', 'text/plain'],
    ],
    body: `Token rejected by gatelab: ${why}`,
    data: { gatelabRule: true },
  });
}

export const jwtRemotePlugin: PluginDefinition<JwtRemoteConfig> = {
  id: 'jwt-remote',
  priority: JWT_REMOTE_PRIORITY,
  parse: parseJwtRemoteConfig,
  create: createJwtRemoteHooks,
  // The signature check with the key already parsed (Envoy keeps parsed JWKS keys); a JWKS fetch's own
  // CPU (HTTP call, JSON parse, key import) is charged by the host on the fetch (runtimes/sim/capacity/costs.ts).
  cost: () => ({ cpuUs: 95, source: 'RS256 verify through jose with the key imported: 95 µs CPU, measured with `npx tsx scripts/measure-costs.ts` (node 20, Xeon 2.5 GHz)' }),
};
