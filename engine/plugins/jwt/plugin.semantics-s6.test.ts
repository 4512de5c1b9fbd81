/**
 * Semantics §6, jwt: the rules of the section that plugin.test.ts does not already pin — the defaults
 * and their limits, every algorithm of the list, "alg must equal the credential's algorithm exactly",
 * where the key claim is read, the boundaries of exp / nbf / maximum_expiration (no leeway), and the
 * remaining messages. NOW is 2026-01-01T12:00:00Z (test-kit NOON).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import type { ConsumerIR } from '../../config/ir.ts';
import { collecting, consumer, context, hooksOf, jsonBody, NOON, replyOf, run } from '../kit/test-kit.ts';
import { jwtPlugin } from './plugin.ts';

const NOW_S = NOON / 1000;
const SECRET = 'orders-secret';
const enc = (s: string) => new TextEncoder().encode(s);
const CHALLENGE: [string, string] = ['WWW-Authenticate', 'Bearer error="invalid_token"'];

/** The asymmetric algorithms of §6's list, each with its own credential (key = "<alg>-issuer"). */
const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'EdDSA'] as const;
const privateKeys = new Map<string, CryptoKey>();
let consumers: ConsumerIR[] = [];

beforeAll(async () => {
  consumers = [
    // No algorithm field: Kong's default, HS256.
    consumer('web', [{ kind: 'jwt', id: 'jwt-web', fields: { key: 'web-issuer', secret: SECRET } }]),
    consumer('h384', [{ kind: 'jwt', id: 'jwt-h384', fields: { key: 'HS384-issuer', algorithm: 'HS384', secret: SECRET } }]),
    consumer('h512', [{ kind: 'jwt', id: 'jwt-h512', fields: { key: 'HS512-issuer', algorithm: 'HS512', secret: SECRET } }]),
    consumer('nosecret', [{ kind: 'jwt', id: 'jwt-nosecret', fields: { key: 'nosecret-issuer', algorithm: 'HS256' } }]),
  ];
  for (const alg of ASYMMETRIC) {
    const pair = await generateKeyPair(alg, { extractable: true });
    privateKeys.set(alg, pair.privateKey);
    consumers.push(consumer(alg.toLowerCase(), [{ kind: 'jwt', id: `jwt-${alg}`, fields: { key: `${alg}-issuer`, algorithm: alg, rsa_public_key: await exportSPKI(pair.publicKey) } }]));
  }
});

const hs = (claims: Record<string, unknown>, alg = 'HS256', header: Record<string, unknown> = {}) => new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT', ...header }).sign(enc(SECRET));

async function send(config: Record<string, unknown>, token: string | undefined, spec: Parameters<typeof context>[0] = {}) {
  const headers: Array<[string, string]> = [...(spec?.headers ?? []), ...(token !== undefined ? [['Authorization', `Bearer ${token}`] as [string, string]] : [])];
  const ctx = context({ ...spec, headers });
  const { verdict } = await run(hooksOf(jwtPlugin, config, consumers), ctx);
  return { verdict, ctx };
}

describe('semantics §6 jwt: config defaults and limits', () => {
  it('§6 every default: uri_param_names [jwt], cookie_names [], header_names [authorization], iss, not base64, no claims, max 0, preflight on', () => {
    expect(jwtPlugin.parse({}, collecting())).toEqual({
      uri_param_names: ['jwt'],
      cookie_names: [],
      header_names: ['authorization'],
      key_claim_name: 'iss',
      secret_is_base64: false,
      claims_to_verify: [],
      maximum_expiration: 0,
      run_on_preflight: true,
    });
  });

  it('§6 maximum_expiration is 0–31536000', () => {
    for (const [value, ok] of [[0, true], [31_536_000, true], [31_536_001, false], [-1, false]] as const) {
      const r = collecting();
      jwtPlugin.parse({ maximum_expiration: value, claims_to_verify: ['exp'] }, r);
      expect([value, r.items.filter((i) => i.severity === 'error').length === 0]).toEqual([value, ok]);
    }
  });

  it('§6 claims_to_verify takes exp and nbf only', () => {
    const r = collecting();
    jwtPlugin.parse({ claims_to_verify: ['exp', 'nbf', 'iat'] }, r);
    expect(r.items.map((i) => `${i.path} ${i.severity}`)).toEqual(['claims_to_verify.2 error']);
  });
});

describe('semantics §6 jwt: algorithms', () => {
  it('§6 a credential without algorithm is HS256', async () => {
    expect((await send({}, await hs({ iss: 'web-issuer' }))).verdict.kind).toBe('next');
  });

  it('§6 HS384 and HS512 credentials verify tokens of their own algorithm', async () => {
    expect((await send({}, await hs({ iss: 'HS384-issuer' }, 'HS384'))).verdict.kind).toBe('next');
    expect((await send({}, await hs({ iss: 'HS512-issuer' }, 'HS512'))).verdict.kind).toBe('next');
  });

  for (const alg of ASYMMETRIC) {
    it(`§6 ${alg}: a token signed with the credential's key is accepted`, async () => {
      const token = await new SignJWT({ iss: `${alg}-issuer` }).setProtectedHeader({ alg }).sign(privateKeys.get(alg) as CryptoKey);
      const { verdict, ctx } = await send({}, token);
      expect(verdict.kind).toBe('next');
      expect(ctx.consumer?.username).toBe(alg.toLowerCase());
    });
  }

  it('§6 the token alg must equal the credential\'s exactly: RS384 against an RS256 credential is "Invalid algorithm"', async () => {
    const token = await new SignJWT({ iss: 'RS256-issuer' }).setProtectedHeader({ alg: 'RS384' }).sign(privateKeys.get('RS384') as CryptoKey);
    const { verdict } = await send({}, token);
    expect(replyOf(verdict).status).toBe(401);
    expect(jsonBody(verdict)).toEqual({ message: 'Invalid algorithm' });
    expect(replyOf(verdict).headers).toContainEqual(CHALLENGE);
  });

  it('§6 an alg outside the list is "Bad token; invalid alg"', async () => {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    for (const alg of ['HS1', 'RS128', 'ES256K', 'hs256']) {
      const { verdict } = await send({}, `${b64({ alg, typ: 'JWT' })}.${b64({ iss: 'web-issuer' })}.c2ln`);
      expect([alg, jsonBody(verdict)]).toEqual([alg, { message: 'Bad token; invalid alg' }]);
    }
  });

  it('§6 a credential without its secret: 401 "Invalid key/secret"', async () => {
    const token = await hs({ iss: 'nosecret-issuer' });
    const { verdict } = await send({}, token);
    expect(jsonBody(verdict)).toEqual({ message: 'Invalid key/secret' });
    expect(replyOf(verdict).headers).toContainEqual(CHALLENGE);
  });
});

describe('semantics §6 jwt: finding the token and its credential', () => {
  it('§6 the key claim is read from the payload first, the JOSE header only when the payload lacks it', async () => {
    const payloadWins = await hs({ iss: 'web-issuer' }, 'HS256', { iss: 'stranger' });
    expect((await send({}, payloadWins)).verdict.kind).toBe('next');
    const headerOnly = await hs({}, 'HS256', { iss: 'web-issuer' });
    expect((await send({}, headerOnly)).verdict.kind).toBe('next');
  });

  it('§6 the same token in two places is one token (no "Multiple tokens provided")', async () => {
    const token = await hs({ iss: 'web-issuer' });
    const { verdict } = await send({}, token, { query: `jwt=${token}` });
    expect(verdict.kind).toBe('next');
  });

  it('§6 "Multiple tokens provided" carries error="invalid_token" (a token was found)', async () => {
    const { verdict } = await send({}, await hs({ iss: 'web-issuer', n: 1 }), { query: `jwt=${await hs({ iss: 'web-issuer', n: 2 })}` });
    expect(jsonBody(verdict)).toEqual({ message: 'Multiple tokens provided' });
    expect(replyOf(verdict).headers).toContainEqual(CHALLENGE);
  });

  it('§6 header_names: a configured header carries "Bearer <token>" too; Authorization is then not read', async () => {
    const token = await hs({ iss: 'web-issuer' });
    const custom = context({ headers: [['X-Token', `Bearer ${token}`]] });
    expect((await run(hooksOf(jwtPlugin, { header_names: ['x-token'] }, consumers), custom)).verdict.kind).toBe('next');
    const ignored = await send({ header_names: ['x-token'] }, token);
    expect(jsonBody(ignored.verdict)).toEqual({ message: 'Unauthorized' });
  });

  it('§6 run_on_preflight: on by default (OPTIONS without a token is 401), off lets OPTIONS through', async () => {
    expect(replyOf((await send({}, undefined, { method: 'OPTIONS' })).verdict).status).toBe(401);
    expect((await send({ run_on_preflight: false }, undefined, { method: 'OPTIONS' })).verdict.kind).toBe('next');
  });
});

describe('semantics §6 jwt: claims, with no clock-skew leeway', () => {
  const claims = (c: Record<string, unknown>, config: Record<string, unknown>) => hs({ iss: 'web-issuer', ...c }).then((t) => send(config, t));

  it('§6 exp one second ahead is valid; exp = now is expired', async () => {
    expect((await claims({ exp: NOW_S + 1 }, { claims_to_verify: ['exp'] })).verdict.kind).toBe('next');
    expect(jsonBody((await claims({ exp: NOW_S }, { claims_to_verify: ['exp'] })).verdict)).toEqual({ exp: 'token expired' });
  });

  it('§6 nbf = now is valid; nbf one second ahead is "token not valid yet"', async () => {
    expect((await claims({ nbf: NOW_S }, { claims_to_verify: ['nbf'] })).verdict.kind).toBe('next');
    expect(jsonBody((await claims({ nbf: NOW_S + 1 }, { claims_to_verify: ['nbf'] })).verdict)).toEqual({ nbf: 'token not valid yet' });
  });

  it('§6 nbf is not checked unless listed (claims_to_verify defaults to none)', async () => {
    expect((await claims({ nbf: NOW_S + 3600 }, {})).verdict.kind).toBe('next');
  });

  it('§6 a non-number nbf is {"nbf":"must be a number"}; both claims failing report both, without "message"', async () => {
    expect(jsonBody((await claims({ nbf: 'soon' }, { claims_to_verify: ['nbf'] })).verdict)).toEqual({ nbf: 'must be a number' });
    const both = await claims({ exp: NOW_S - 1, nbf: NOW_S + 1 }, { claims_to_verify: ['exp', 'nbf'] });
    expect(replyOf(both.verdict).status).toBe(401);
    expect(jsonBody(both.verdict)).toEqual({ exp: 'token expired', nbf: 'token not valid yet' });
    expect(replyOf(both.verdict).headers).toContainEqual(CHALLENGE);
  });

  it('§6 maximum_expiration: exp − now equal to the maximum passes, one second more is refused', async () => {
    const config = { claims_to_verify: ['exp'], maximum_expiration: 600 };
    expect((await claims({ exp: NOW_S + 600 }, config)).verdict.kind).toBe('next');
    expect(jsonBody((await claims({ exp: NOW_S + 601 }, config)).verdict)).toEqual({ exp: 'exceeds maximum allowed expiration' });
  });
});
