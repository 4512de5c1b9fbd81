/**
 * Kong jwt (semantics §6): every rejection in its own test with Kong's status and body, tokens signed
 * here with jose. NOW is 2026-01-01T12:00:00Z.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CompactSign, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import type { ConsumerIR } from '../../config/ir.ts';
import { collecting, consumer, context, hooksOf, jsonBody, NOON, replyOf, run } from '../kit/test-kit.ts';
import { jwtPlugin } from './plugin.ts';

const NOW_S = NOON / 1000;
const SECRET = 'orders-secret';
const enc = (s: string) => new TextEncoder().encode(s);
const b64url = (s: string) => btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

let rsaPem = '';
let rsaPrivate: CryptoKey;
let ecPem = '';
let ecPrivate: CryptoKey;
let consumers: ConsumerIR[] = [];

beforeAll(async () => {
  const rsa = await generateKeyPair('RS256', { extractable: true });
  rsaPem = await exportSPKI(rsa.publicKey);
  rsaPrivate = rsa.privateKey;
  const ec = await generateKeyPair('ES256', { extractable: true });
  ecPem = await exportSPKI(ec.publicKey);
  ecPrivate = ec.privateKey;
  consumers = [
    consumer('web', [{ kind: 'jwt', id: 'jwt-web', fields: { key: 'web-issuer', algorithm: 'HS256', secret: SECRET } }]),
    consumer('mobile', [{ kind: 'jwt', id: 'jwt-mobile', fields: { key: 'mobile-issuer', algorithm: 'RS256', rsa_public_key: rsaPem } }]),
    consumer('iot', [{ kind: 'jwt', id: 'jwt-iot', fields: { key: 'iot-issuer', algorithm: 'ES256', rsa_public_key: ecPem } }]),
    consumer('b64', [{ kind: 'jwt', id: 'jwt-b64', fields: { key: 'b64-issuer', algorithm: 'HS512', secret: btoa('raw-bytes-secret') } }]),
  ];
});

const hs = (claims: Record<string, unknown>, alg = 'HS256', secret = SECRET) => new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(enc(secret));

async function send(config: Record<string, unknown>, token: string, where: 'header' | 'query' | 'cookie' = 'header') {
  const ctx =
    where === 'header'
      ? context({ headers: [['Authorization', `Bearer ${token}`]] })
      : where === 'query'
        ? context({ query: `jwt=${token}` })
        : context({ headers: [['Cookie', `session=${token}`]] });
  const out = await run(hooksOf(jwtPlugin, config, consumers), ctx);
  return { ...out, ctx };
}

describe('jwt (Kong, semantics §6): accepted tokens', () => {
  it('§6 priority 1450; defaults: ?jwt, Authorization, key claim iss, no claims verified', () => {
    expect(jwtPlugin.priority).toBe(1450);
    expect(jwtPlugin.parse({}, collecting())).toMatchObject({ uri_param_names: ['jwt'], header_names: ['authorization'], key_claim_name: 'iss', claims_to_verify: [] });
  });

  it('§6 HS256: consumer identified, X-Consumer-* and X-Credential-Identifier = the credential key', async () => {
    const { verdict, ctx, effects } = await send({}, await hs({ iss: 'web-issuer', sub: 'u1' }));
    expect(verdict.kind).toBe('next');
    expect(ctx.consumer?.username).toBe('web');
    expect(ctx.upstream.headers.get('X-Consumer-Username')).toBe('web');
    expect(ctx.upstream.headers.get('X-Credential-Identifier')).toBe('web-issuer');
    expect(effects[0]).toMatchObject({ type: 'async', memoKey: expect.stringContaining('jwt|HS256|') });
  });

  it('§6 HS384 and HS512 (with secret_is_base64), RS256 and ES256 verify', async () => {
    expect((await send({}, await hs({ iss: 'web-issuer' }, 'HS384'))).verdict.kind).toBe('reply'); // credential says HS256
    const b64 = await new SignJWT({ iss: 'b64-issuer' }).setProtectedHeader({ alg: 'HS512' }).sign(enc('raw-bytes-secret'));
    expect((await send({ secret_is_base64: true }, b64)).verdict.kind).toBe('next');
    const rs = await new SignJWT({ iss: 'mobile-issuer' }).setProtectedHeader({ alg: 'RS256' }).sign(rsaPrivate);
    expect((await send({}, rs)).verdict.kind).toBe('next');
    const es = await new SignJWT({ iss: 'iot-issuer' }).setProtectedHeader({ alg: 'ES256' }).sign(ecPrivate);
    expect((await send({}, es)).verdict.kind).toBe('next');
  });

  it('§6 the lesson\'s trap: without claims_to_verify an expired token is admitted', async () => {
    const { verdict } = await send({}, await hs({ iss: 'web-issuer', exp: NOW_S - 3600 }));
    expect(verdict.kind).toBe('next');
    expect(verdict.reason).toContain('claims_to_verify is empty');
  });

  it('§6 the token may come from ?jwt= and from a configured cookie', async () => {
    const t = await hs({ iss: 'web-issuer' });
    expect((await send({}, t, 'query')).verdict.kind).toBe('next');
    expect((await send({ cookie_names: ['session'] }, t, 'cookie')).verdict.kind).toBe('next');
  });

  it('§6 key_claim_name may name a header field (kid) when the payload lacks it', async () => {
    const t = await new SignJWT({}).setProtectedHeader({ alg: 'HS256', kid: 'web-issuer' }).sign(enc(SECRET));
    expect((await send({ key_claim_name: 'kid' }, t)).verdict.kind).toBe('next');
  });
});

describe('jwt (Kong, semantics §6): each rejection with Kong\'s status and body', () => {
  const challenge = ['WWW-Authenticate', 'Bearer error="invalid_token"'];

  it('no token: 401 "Unauthorized", WWW-Authenticate: Bearer', async () => {
    const { verdict } = await run(hooksOf(jwtPlugin, {}, consumers), context());
    expect(replyOf(verdict).status).toBe(401);
    // kong.response.exit with a table: cjson's {"message":…}, no request_id (unlike kong.response.error).
    expect(replyOf(verdict).body).toBe('{"message":"Unauthorized"}');
    expect(replyOf(verdict).headers).toContainEqual(['WWW-Authenticate', 'Bearer']);
  });

  it('§6 the body stays JSON whatever Accept asks: jwt answers with kong.response.exit, not kong.response.error', async () => {
    const { verdict } = await run(hooksOf(jwtPlugin, {}, consumers), context({ headers: [['Accept', 'text/html']] }));
    expect(replyOf(verdict).status).toBe(401);
    expect(replyOf(verdict).body).toBe('{"message":"Unauthorized"}');
    expect(replyOf(verdict).headers).toContainEqual(['Content-Type', 'application/json; charset=utf-8']);
  });

  for (const spelling of ['none', 'None', 'NONE', 'nOnE']) {
    it(`alg "${spelling}": 401 "Bad token; invalid alg"`, async () => {
      const token = `${b64url(JSON.stringify({ alg: spelling, typ: 'JWT' }))}.${b64url(JSON.stringify({ iss: 'web-issuer' }))}.`;
      const { verdict } = await send({}, token);
      expect(replyOf(verdict).status).toBe(401);
      expect(jsonBody(verdict)).toMatchObject({ message: 'Bad token; invalid alg' });
      expect(replyOf(verdict).headers).toContainEqual(challenge);
    });
  }

  it('HS256 signed with the RS256 credential\'s public key (key confusion): 401 "Invalid algorithm"', async () => {
    const forged = await hs({ iss: 'mobile-issuer' }, 'HS256', rsaPem);
    const { verdict } = await send({}, forged);
    expect(replyOf(verdict).status).toBe(401);
    expect(jsonBody(verdict)).toMatchObject({ message: 'Invalid algorithm' });
    expect(verdict.data).toMatchObject({ alg: 'HS256', expected: 'RS256' });
  });

  it('exp required but missing: 401 {"exp":"must be a number"}', async () => {
    const { verdict } = await send({ claims_to_verify: ['exp'] }, await hs({ iss: 'web-issuer' }));
    expect(replyOf(verdict).status).toBe(401);
    expect(jsonBody(verdict)).toEqual({ exp: 'must be a number' });
    expect(replyOf(verdict).headers).toContainEqual(challenge);
  });

  it('exp in the past: 401 {"exp":"token expired"} — and the reason says which claim and by how much', async () => {
    const { verdict } = await send({ claims_to_verify: ['exp'] }, await hs({ iss: 'web-issuer', exp: NOW_S - 3600 }));
    expect(jsonBody(verdict)).toEqual({ exp: 'token expired' });
    expect(verdict.reason).toContain(`exp ${NOW_S - 3600} (1.0 h ago): token expired`);
    expect(verdict.data).toMatchObject({ claim: 'exp' });
  });

  it('exp exactly now is already expired (exp <= now, no leeway)', async () => {
    const { verdict } = await send({ claims_to_verify: ['exp'] }, await hs({ iss: 'web-issuer', exp: NOW_S }));
    expect(jsonBody(verdict)).toEqual({ exp: 'token expired' });
  });

  it('nbf in the future: 401 {"nbf":"token not valid yet"}', async () => {
    const { verdict } = await send({ claims_to_verify: ['nbf'] }, await hs({ iss: 'web-issuer', nbf: NOW_S + 60 }));
    expect(replyOf(verdict).status).toBe(401);
    expect(jsonBody(verdict)).toEqual({ nbf: 'token not valid yet' });
  });

  it('malformed token: 401 "Bad token; invalid JSON"', async () => {
    const { verdict } = await send({}, 'not-a-jwt');
    expect(replyOf(verdict).status).toBe(401);
    expect(jsonBody(verdict)).toMatchObject({ message: 'Bad token; invalid JSON' });
  });

  it('wrong signature: 401 "Invalid signature"', async () => {
    const { verdict } = await send({}, await hs({ iss: 'web-issuer' }, 'HS256', 'another-secret'));
    expect(replyOf(verdict).status).toBe(401);
    expect(jsonBody(verdict)).toMatchObject({ message: 'Invalid signature' });
  });

  it('unknown crit header (Kong has no rule): gatelab\'s own 401 naming the reason', async () => {
    const token = await new CompactSign(enc(JSON.stringify({ iss: 'web-issuer' })))
      .setProtectedHeader({ alg: 'HS256', crit: ['exp-v2'], 'exp-v2': 1 } as never)
      .sign(enc(SECRET))
      .catch(() => `${b64url(JSON.stringify({ alg: 'HS256', crit: ['exp-v2'], 'exp-v2': 1 }))}.${b64url('{"iss":"web-issuer"}')}.c2ln`);
    const { verdict } = await send({}, token);
    expect(replyOf(verdict).status).toBe(401);
    const body = jsonBody(verdict) as { message: string };
    expect(body.message).toContain('Token rejected by gatelab');
    expect(body.message).toContain("'exp-v2' as critical");
    expect(verdict.reason).toContain("gatelab's own rule (Kong has none)");
  });

  it('a token over 8 KB (Kong has no rule): gatelab\'s own 401 naming the reason', async () => {
    const { verdict } = await send({}, await hs({ iss: 'web-issuer', pad: 'x'.repeat(9000) }));
    expect(replyOf(verdict).status).toBe(401);
    expect((jsonBody(verdict) as { message: string }).message).toMatch(/Token rejected by gatelab: the token is \d+ bytes, over gatelab's 8 KB limit/);
  });

  it('two different tokens: 401 "Multiple tokens provided"', async () => {
    const ctx = context({ query: `jwt=${await hs({ iss: 'web-issuer', a: 1 })}`, headers: [['Authorization', `Bearer ${await hs({ iss: 'web-issuer', a: 2 })}`]] });
    const { verdict } = await run(hooksOf(jwtPlugin, {}, consumers), ctx);
    expect(jsonBody(verdict)).toMatchObject({ message: 'Multiple tokens provided' });
  });

  it('no iss: "No mandatory \'iss\' in claims"; empty: "Invalid \'iss\' in claims"; unknown: "No credentials found for given \'iss\'"', async () => {
    expect(jsonBody((await send({}, await hs({ sub: 'x' }))).verdict)).toMatchObject({ message: "No mandatory 'iss' in claims" });
    expect(jsonBody((await send({}, await hs({ iss: '' }))).verdict)).toMatchObject({ message: "Invalid 'iss' in claims" });
    expect(jsonBody((await send({}, await hs({ iss: 'stranger' }))).verdict)).toMatchObject({ message: "No credentials found for given 'iss'" });
  });

  it('maximum_expiration: a token living too long is {"exp":"exceeds maximum allowed expiration"}', async () => {
    const { verdict } = await send({ claims_to_verify: ['exp'], maximum_expiration: 600 }, await hs({ iss: 'web-issuer', exp: NOW_S + 3600 }));
    expect(jsonBody(verdict)).toEqual({ exp: 'exceeds maximum allowed expiration' });
  });

  it('maximum_expiration without exp in claims_to_verify is a config error', () => {
    const r = collecting();
    jwtPlugin.parse({ maximum_expiration: 60 }, r);
    expect(r.items[0]).toMatchObject({ path: 'maximum_expiration', code: 'GL_E_CONFIG_INVALID' });
  });

  it('anonymous turns a rejection into the anonymous consumer', async () => {
    const anon = consumer('anon');
    const ctx = context({ headers: [['Authorization', 'Bearer not-a-jwt']] });
    const { verdict } = await run(hooksOf(jwtPlugin, { anonymous: 'anon' }, [...consumers, anon]), ctx);
    expect(verdict.kind).toBe('next');
    expect(ctx.upstream.headers.get('X-Anonymous-Consumer')).toBe('true');
  });
});

// Kong 3.x kong/plugins/jwt/handler.lua: www_authenticate_base = conf.realm and fmt('Bearer realm="%s"', conf.realm)
// or 'Bearer'; www_authenticate_with_error = www_authenticate_base .. ' error="invalid_token"' (semantics §6).
describe('jwt realm (Kong 3.x handler.lua, semantics §6): the challenge header byte for byte', () => {
  it('no token with a realm: Bearer realm="…" alone', async () => {
    const { verdict } = await run(hooksOf(jwtPlugin, { realm: 'orders' }, consumers), context());
    expect(replyOf(verdict).headers).toContainEqual(['WWW-Authenticate', 'Bearer realm="orders"']);
  });

  it('a token was found: error="invalid_token" follows the realm after a space, not a comma', async () => {
    const { verdict } = await send({ realm: 'orders' }, 'not-a-jwt');
    expect(replyOf(verdict).status).toBe(401);
    expect(replyOf(verdict).headers).toContainEqual(['WWW-Authenticate', 'Bearer realm="orders" error="invalid_token"']);
  });
});

// The handler raises a Lua error (`return error(err)`) when the key cannot be used, so the 500 comes from
// Kong's error handler (kong/error_handlers.lua, semantics §1): negotiated, with the request id.
describe('jwt 500 (kong/error_handlers.lua, semantics §1)', () => {
  const broken = () => [consumer('bad', [{ kind: 'jwt', id: 'jwt-bad', fields: { key: 'bad-issuer', algorithm: 'RS256', rsa_public_key: 'not a pem' } }])];
  const token = () => new SignJWT({ iss: 'bad-issuer' }).setProtectedHeader({ alg: 'RS256' }).sign(rsaPrivate);

  it('Accept: text/html gets the HTML page with Kong\'s message', async () => {
    const ctx = context({ headers: [['Authorization', `Bearer ${await token()}`], ['Accept', 'text/html']] });
    const { verdict } = await run(hooksOf(jwtPlugin, {}, broken()), ctx);
    expect(replyOf(verdict).status).toBe(500);
    expect(replyOf(verdict).headers).toEqual([['Content-Type', 'text/html; charset=utf-8']]);
    expect(replyOf(verdict).body).toContain('<p>An unexpected error occurred.</p>');
  });

  it('neither Accept nor Content-Type: error_default_type, plain text', async () => {
    const ctx = context({ headers: [['Authorization', `Bearer ${await token()}`]] });
    const { verdict } = await run(hooksOf(jwtPlugin, {}, broken()), ctx);
    expect(replyOf(verdict).body).toBe(`An unexpected error occurred\nrequest_id: ${ctx.request.id}\n`);
  });
});
