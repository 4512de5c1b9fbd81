/**
 * Kong `jwt` (PRIORITY 1450, access phase; semantics §6), step for step as Kong's handler runs it:
 * find the token, decode it, find the credential named by the key claim, insist the token's `alg` is
 * exactly the credential's (which is what defeats alg `none` and HS256-with-an-RSA-public-key), verify
 * the signature (an `async` effect through jose), then the claims listed in claims_to_verify against
 * the host clock, then maximum_expiration. Two checks are gatelab's own, where Kong has no rule: a
 * token over 8 KB and a `crit` header. Every failure is a 401 with `WWW-Authenticate: Bearer` (Kong 3.x
 * kong/plugins/jwt/handler.lua: `Bearer realm="<realm>"` with a realm, then ` error="invalid_token"` once
 * a token was found — a space, no comma).
 */
import type { ConsumerIR, CredentialIR } from '../../config/ir.ts';
import { next, wait, type DecisionData, type EffectResult, type PluginDefinition, type PluginEnv, type PluginHooks, type PluginHost, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import { authenticate, consumerName, fallBackToAnonymous, kongJsonReply } from '../kit/kong-auth.ts';
import { checkMaximumExpiration, describeInstant, verifyRegisteredClaims } from './claims.ts';
import { parseJwtConfig, type JwtConfig } from './config.ts';
import { retrieveTokens } from './sources.ts';
import { decodeKongJwt, gatelabTokenRule, kongBase64Decode, type DecodedJwt, type DecodeResult } from './token.ts';
import { BoundedMemo } from '../kit/bounded-memo.ts';
import { kongLuaErrorReply } from '../kit/kong-error-handler.ts';
import { asSignatureCheck, signatureEffect, type VerifyKey } from './verify.ts';

export const JWT_PRIORITY = 1450;

interface Credential {
  consumer: ConsumerIR;
  credential: CredentialIR;
  key: string;
  algorithm: string;
}

/** jwt_secrets indexed by key (Kong's select_by_key: one credential per key, config-wide). */
function indexCredentials(consumers: readonly ConsumerIR[]): Map<string, Credential> {
  const out = new Map<string, Credential>();
  for (const consumer of consumers) {
    for (const credential of consumer.credentials) {
      const key = credential.fields['key'];
      if (credential.kind !== 'jwt' || typeof key !== 'string' || out.has(key)) continue;
      const algorithm = typeof credential.fields['algorithm'] === 'string' ? credential.fields['algorithm'] : 'HS256';
      out.set(key, { consumer, credential, key, algorithm });
    }
  }
  return out;
}

/**
 * What a token string alone decides, in the order access checks it: gatelab's size rule, Kong's
 * decode, gatelab's `crit` rule. Independent of time, config and consumer, so it is remembered.
 */
interface ReadToken {
  /** gatelab's own rejection, when one applies. */
  rule?: string;
  decoded: DecodeResult;
}

const NOT_DECODED: DecodeResult = { ok: false, error: 'not decoded' };

function readToken(token: string): ReadToken {
  const tooBig = gatelabTokenRule(token);
  if (tooBig) return { rule: tooBig, decoded: NOT_DECODED };
  const decoded = decodeKongJwt(token);
  if (!decoded.ok) return { decoded };
  const crit = gatelabTokenRule(token, decoded.jwt.header);
  return crit ? { rule: crit, decoded } : { decoded };
}

/** Distinct tokens remembered per plugin instance; a miss only costs the decode again. */
const TOKEN_MEMO_SIZE = 1024;

/** The credential's key material as Kong picks it: the secret for HS*, else rsa_public_key. */
function keyOf(config: JwtConfig, cred: Credential): VerifyKey | undefined {
  if (cred.algorithm.startsWith('HS')) {
    const secret = cred.credential.fields['secret'];
    if (typeof secret !== 'string') return undefined;
    if (!config.secret_is_base64) return { kind: 'secret', bytes: new TextEncoder().encode(secret) };
    const bytes = kongBase64Decode(secret);
    return bytes ? { kind: 'secret', bytes } : undefined;
  }
  const pem = cred.credential.fields['rsa_public_key'];
  return typeof pem === 'string' ? { kind: 'pem', pem } : undefined;
}

export function createJwtHooks(config: JwtConfig, env: PluginEnv): PluginHooks {
  const consumers = env.consumers ?? [];
  const credentials = indexCredentials(consumers);
  // Kong 3.x's handler.lua: `www_authenticate_base .. ' error="invalid_token"'` — a space and no comma,
  // with or without a realm (RFC 6750 would put a comma after the realm; Kong does not).
  const base = config.realm !== undefined ? `Bearer realm="${config.realm}"` : 'Bearer';
  const withError = `${base} error="invalid_token"`;
  const claim = config.key_claim_name;
  const tokenMemo = new BoundedMemo<ReadToken>(TOKEN_MEMO_SIZE);

  /** Every failure goes through here: the anonymous fallback, or Kong's 401. */
  const fail = (ctx: RequestContext, why: string, body: { message: string } | Record<string, string>, tokenFound: boolean, data: DecisionData = {}): Verdict => {
    if (config.anonymous !== undefined) return fallBackToAnonymous(ctx, consumers, config.anonymous, 'jwt', why);
    const challenge = tokenFound ? withError : base;
    // Kong's jwt answers with kong.response.exit and a table, not kong.response.error: always JSON,
    // whatever the Accept header asks, and no request_id (semantics §6).
    if ('message' in body && typeof body.message === 'string') {
      return kongJsonReply(401, { message: body.message }, [['WWW-Authenticate', challenge]], `${why} — 401 "${body.message}"`, { ...data, message: body.message });
    }
    return kongJsonReply(401, body, [['WWW-Authenticate', challenge]], `${why} — 401 ${JSON.stringify(body)}`, { ...data, ...body });
  };

  /** After the signature: claims, maximum_expiration, then the consumer. */
  const afterSignature = (ctx: RequestContext, host: PluginHost, jwt: DecodedJwt, cred: Credential, from: string): Verdict => {
    const nowS = Math.floor(host.now() / 1000);
    const claimErrors = verifyRegisteredClaims(jwt.claims, config.claims_to_verify, nowS);
    if (claimErrors) {
      const detail = Object.entries(claimErrors)
        .map(([name, problem]) => {
          const v = jwt.claims[name];
          return typeof v === 'number' ? `${name} ${v} (${describeInstant(v, nowS)}): ${problem}` : `${name} ${v === undefined ? 'missing' : JSON.stringify(v)}: ${problem}`;
        })
        .join('; ');
      return fail(ctx, `signature valid, but claims_to_verify [${config.claims_to_verify.join(', ')}] failed: ${detail}`, claimErrors, true, {
        claim: Object.keys(claimErrors).join(','),
        now: nowS,
      });
    }
    const tooLong = checkMaximumExpiration(jwt.claims, config.maximum_expiration, nowS);
    if (tooLong) {
      return fail(ctx, `exp ${String(jwt.claims['exp'] ?? 'missing')} is more than maximum_expiration ${config.maximum_expiration} s away`, tooLong, true, { claim: 'exp', now: nowS });
    }
    authenticate(ctx, cred.consumer, { id: cred.credential.id, identifier: cred.key });
    const checked = config.claims_to_verify.length > 0 ? `claims ${config.claims_to_verify.join(', ')} hold` : 'no claims checked (claims_to_verify is empty: an expired token would pass too)';
    const exp = jwt.claims['exp'];
    const expNote = typeof exp === 'number' ? `; exp ${describeInstant(exp, nowS)}` : '';
    return next(`${jwt.alg} token from ${from}, ${claim} '${cred.key}' → consumer ${consumerName(cred.consumer)}; signature valid; ${checked}${expNote}`, {
      consumer: consumerName(cred.consumer),
      alg: jwt.alg,
      [claim]: cred.key,
      from,
      claims: config.claims_to_verify.join(',') || 'none',
    });
  };

  return {
    access(ctx: RequestContext, host: PluginHost): Verdict {
      if (!config.run_on_preflight && ctx.request.method === 'OPTIONS') return next('OPTIONS request and run_on_preflight is false: jwt does not run');
      if (config.anonymous !== undefined && ctx.credentialId !== undefined) {
        return next('already authenticated by an earlier auth plugin; with anonymous set, jwt is one side of a logical OR and does not run');
      }
      const tokens = retrieveTokens(config, ctx);
      const where = [...config.uri_param_names.map((n) => `?${n}`), ...config.cookie_names.map((n) => `cookie ${n}`), ...config.header_names.map((n) => `${n}: Bearer`)].join(', ');
      if (tokens.length === 0) return fail(ctx, `no token in ${where}`, { message: 'Unauthorized' }, false);
      if (tokens.length > 1) return fail(ctx, `${tokens.length} different tokens (${tokens.map((t) => t.from).join(', ')})`, { message: 'Multiple tokens provided' }, true);
      const { token, from } = tokens[0] as { token: string; from: string };

      // A rule is set only when it comes before the decode's verdict (size) or after a good decode (crit).
      const read = tokenMemo.get(token, readToken);
      if (read.rule !== undefined) return gatelabRejects(ctx, read.rule, withError);
      const decoded = read.decoded;
      if (!decoded.ok) return fail(ctx, `token from ${from} cannot be decoded (${decoded.error})`, { message: `Bad token; ${decoded.error}` }, true, { failure: decoded.error });
      const jwt = decoded.jwt;

      const keyValue = jwt.claims[claim] ?? jwt.header[claim];
      if (keyValue === undefined || keyValue === null) return fail(ctx, `the token has no '${claim}' claim to name its credential`, { message: `No mandatory '${claim}' in claims` }, true);
      if (keyValue === '') return fail(ctx, `the token's '${claim}' claim is empty`, { message: `Invalid '${claim}' in claims` }, true);
      const cred = credentials.get(String(keyValue));
      if (!cred) return fail(ctx, `no jwt credential has key '${String(keyValue)}'`, { message: `No credentials found for given '${claim}'` }, true, { [claim]: String(keyValue) });
      if (jwt.alg !== cred.algorithm) {
        return fail(ctx, `token alg ${jwt.alg} is not the credential's algorithm ${cred.algorithm} (Kong requires them equal, which also defeats key confusion)`, { message: 'Invalid algorithm' }, true, {
          alg: jwt.alg,
          expected: cred.algorithm,
        });
      }
      const key = keyOf(config, cred);
      if (!key) return fail(ctx, `credential ${cred.key} has no usable ${cred.algorithm.startsWith('HS') ? 'secret' : 'rsa_public_key'}`, { message: 'Invalid key/secret' }, true);

      return wait(signatureEffect('jwt', token, jwt.alg, key), `verifying the ${jwt.alg} signature of ${claim} '${cred.key}' (WebCrypto)`, (result: EffectResult) => {
        if (!result.ok) return unexpected(ctx, `signature check failed to run: ${result.error}`);
        const check = asSignatureCheck(result.value);
        if (check.keyError) return unexpected(ctx, `credential ${cred.key}'s key cannot be used for ${jwt.alg} (${check.keyError}); Kong's openssl fails the same way, a Lua error`);
        if (!check.valid) return fail(ctx, `the ${jwt.alg} signature does not match credential ${cred.key}'s key`, { message: 'Invalid signature' }, true, { alg: jwt.alg });
        return afterSignature(ctx, host, jwt, cred, from);
      });
    },
  };
}

/** gatelab's own rejection, where Kong has no rule: a 401 whose body names the reason. */
function gatelabRejects(ctx: RequestContext, why: string, challenge: string): Verdict {
  const message = `Token rejected by gatelab: ${why}`;
  return kongJsonReply(401, { message }, [['WWW-Authenticate', challenge]], `gatelab's own rule (Kong has none): ${why} — 401`, { gatelabRule: true, message });
}

/** Kong's handler raises a Lua error here (`return error(err)`): the 500 is written by Kong's error handler. */
function unexpected(ctx: RequestContext, why: string): Verdict {
  return kongLuaErrorReply(ctx, `${why} — 500`);
}

export const jwtPlugin: PluginDefinition<JwtConfig> = {
  id: 'jwt',
  priority: JWT_PRIORITY,
  parse: parseJwtConfig,
  create: createJwtHooks,
  // The algorithm is per credential; HS256 is Kong's default. jose verify, key imported: HS256 98 µs, RS256 95 µs, ES256 156 µs.
  cost: () => ({ cpuUs: 98, source: 'HS256 verify through jose: 98 µs CPU (RS256 95 µs, ES256 156 µs), measured with `npx tsx scripts/measure-costs.ts` (node 20, Xeon 2.5 GHz)' }),
};
