/**
 * jwt-remote (Envoy jwt_authn with remote_jwks): each rejection with Envoy's status and body, the JWKS
 * fetched through an http effect and cached for cache_duration. Tokens signed here with jose.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK } from 'jose';
import type { Effect, EffectResult } from '../../pipeline/types.ts';
import { collecting, context, hooksOf, host, NOON, replyOf, run } from '../kit/test-kit.ts';
import { jwtRemotePlugin } from './plugin.ts';

const NOW_S = NOON / 1000;
const ISS = 'https://idp.example.com';
const JWKS_URL = 'http://idp.internal/.well-known/jwks.json';
const CONFIG = { issuer: ISS, audiences: ['orders'], remote_jwks: { http_uri: { uri: JWKS_URL, timeout: '1s' }, cache_duration: '60s' }, claim_to_headers: [{ header_name: 'x-user', claim_name: 'sub' }] };
const b64url = (s: string) => btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

let priv: CryptoKey;
let jwk: JWK;
let pem = '';
let fetches = 0;
const idp = (e: Extract<Effect, { type: 'http' }>): EffectResult => {
  fetches++;
  return e.url === JWKS_URL ? { ok: true, status: 200, headers: [], body: JSON.stringify({ keys: [jwk] }) } : { ok: true, status: 404, headers: [], body: '' };
};

beforeAll(async () => {
  const kp = await generateKeyPair('RS256', { extractable: true });
  priv = kp.privateKey;
  jwk = { ...(await exportJWK(kp.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  pem = await exportSPKI(kp.publicKey);
});

const token = (claims: Record<string, unknown> = {}) =>
  new SignJWT({ iss: ISS, aud: 'orders', sub: 'user-42', exp: NOW_S + 600, ...claims }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(priv);

async function send(t: string | undefined, config: Record<string, unknown> = CONFIG, hooks = hooksOf(jwtRemotePlugin, config), nowMs = NOON) {
  const ctx = context({ headers: t === undefined ? [] : [['Authorization', `Bearer ${t}`]] });
  const out = await run(hooks, ctx, host(nowMs), {}, idp);
  return { ...out, ctx };
}

describe('jwt-remote (Envoy jwt_authn, remote JWKS)', () => {
  it('parses Envoy field names and defaults: cache 10 min, Authorization Bearer, ?access_token, skew 60 s', () => {
    const c = jwtRemotePlugin.parse({ remote_jwks: { http_uri: { uri: JWKS_URL } } }, collecting());
    expect(c).toMatchObject({ remote_jwks: { uri: JWKS_URL, timeout_ms: 1000, cache_duration_ms: 600_000 }, from_params: ['access_token'], clock_skew_seconds: 60, forward: false });
    expect(c.from_headers).toEqual([{ name: 'Authorization', value_prefix: 'Bearer ' }]);
  });

  it('a valid token: JWKS fetched once, the token header removed (forward: false), sub copied to x-user', async () => {
    fetches = 0;
    const hooks = hooksOf(jwtRemotePlugin, CONFIG);
    const first = await send(await token(), CONFIG, hooks);
    expect(first.verdict.kind).toBe('next');
    expect(first.effects.map((e) => e.type)).toEqual(['http', 'async']);
    expect(first.ctx.upstream.headers.has('authorization')).toBe(false);
    expect(first.ctx.upstream.headers.get('x-user')).toBe('user-42');
    const second = await send(await token(), CONFIG, hooks, NOON + 30_000);
    expect(second.effects.map((e) => e.type)).toEqual(['async']);
    expect(second.verdict.reason).toContain('JWKS from cache, 30 s left');
    const third = await send(await token({ exp: NOW_S + 6000 }), CONFIG, hooks, NOON + 61_000);
    expect(third.effects.map((e) => e.type)).toEqual(['http', 'async']);
    expect(fetches).toBe(2);
  });

  it('no token: 401 "Jwt is missing", WWW-Authenticate: Bearer realm="<url>" without an error', async () => {
    const { verdict } = await send(undefined);
    const r = replyOf(verdict);
    expect(r.status).toBe(401);
    expect(r.body).toBe('Jwt is missing');
    expect(r.headers).toContainEqual(['www-authenticate', 'Bearer realm="http://api.example.com/orders"']);
  });

  for (const spelling of ['none', 'None', 'NONE']) {
    it(`alg "${spelling}": 401 "Jwt header [alg] is not supported"`, async () => {
      const t = `${b64url(JSON.stringify({ alg: spelling }))}.${b64url(JSON.stringify({ iss: ISS, aud: 'orders' }))}.`;
      const r = replyOf((await send(t)).verdict);
      expect([r.status, r.body]).toEqual([401, 'Jwt header [alg] is not supported']);
    });
  }

  it('HS256 signed with the RSA public key (key confusion): no key of type oct — 401 "Jwks doesn\'t have key to match kid or alg from Jwt"', async () => {
    const forged = await new SignJWT({ iss: ISS, aud: 'orders', exp: NOW_S + 60 }).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).sign(new TextEncoder().encode(pem));
    const r = replyOf((await send(forged)).verdict);
    expect([r.status, r.body]).toEqual([401, "Jwks doesn't have key to match kid or alg from Jwt"]);
  });

  it('missing exp with require_expiration: 401 "Jwt is expired"', async () => {
    const t = await new SignJWT({ iss: ISS, aud: 'orders' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(priv);
    const r = replyOf((await send(t, { ...CONFIG, require_expiration: true })).verdict);
    expect([r.status, r.body]).toEqual([401, 'Jwt is expired']);
  });

  it('exp in the past beyond the 60 s skew: 401 "Jwt is expired"; within the skew it passes', async () => {
    const r = replyOf((await send(await token({ exp: NOW_S - 61 }))).verdict);
    expect([r.status, r.body]).toEqual([401, 'Jwt is expired']);
    expect((await send(await token({ exp: NOW_S - 59 }))).verdict.kind).toBe('next');
  });

  it('nbf in the future beyond the skew: 401 "Jwt not yet valid"', async () => {
    const r = replyOf((await send(await token({ nbf: NOW_S + 120 }))).verdict);
    expect([r.status, r.body]).toEqual([401, 'Jwt not yet valid']);
  });

  it('malformed token: 401 "Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections"', async () => {
    const r = replyOf((await send('not-a-jwt')).verdict);
    expect([r.status, r.body]).toEqual([401, 'Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections']);
  });

  it('wrong signature: 401 "Jwt verification fails"', async () => {
    const other = await generateKeyPair('RS256');
    const t = await new SignJWT({ iss: ISS, aud: 'orders', exp: NOW_S + 60 }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(other.privateKey);
    const r = replyOf((await send(t)).verdict);
    expect([r.status, r.body]).toEqual([401, 'Jwt verification fails']);
  });

  it('wrong issuer: 401 "Jwt issuer is not configured"; wrong audience: 403 "Audiences in Jwt are not allowed"', async () => {
    expect(replyOf((await send(await token({ iss: 'https://evil' }))).verdict).body).toBe('Jwt issuer is not configured');
    const r = replyOf((await send(await token({ aud: 'billing' }))).verdict);
    expect([r.status, r.body]).toEqual([403, 'Audiences in Jwt are not allowed']);
  });

  it('the JWKS cannot be fetched: 401 "Jwks remote fetch is failed"', async () => {
    const config = { ...CONFIG, remote_jwks: { http_uri: { uri: 'http://idp.internal/missing' } } };
    const r = replyOf((await send(await token(), config)).verdict);
    expect([r.status, r.body]).toEqual([401, 'Jwks remote fetch is failed']);
  });

  it('unknown crit header and a token over 8 KB: gatelab\'s own 401 naming the reason', async () => {
    const crit = `${b64url(JSON.stringify({ alg: 'RS256', kid: 'k1', crit: ['x-new'] }))}.${b64url(JSON.stringify({ iss: ISS }))}.c2ln`;
    const a = replyOf((await send(crit)).verdict);
    expect(a.status).toBe(401);
    expect(a.body).toContain("Token rejected by gatelab: the token header marks 'x-new' as critical");
    const b = replyOf((await send(await token({ pad: 'x'.repeat(9000) }))).verdict);
    expect(b.body).toMatch(/over gatelab's 8 KB limit/);
  });

  it('allow_missing: no token passes, a bad one does not', async () => {
    expect((await send(undefined, { ...CONFIG, allow_missing: true })).verdict.kind).toBe('next');
    expect((await send('x.y.z', { ...CONFIG, allow_missing: true })).verdict.kind).toBe('reply');
  });
});
