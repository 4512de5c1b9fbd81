/**
 * jwt-remote's remembered successes: a token's requests alternate between "JWKS fetched" and "JWKS
 * from cache, N s left", and each sentence (with its data) is handed back as the same object while
 * what it says is the same, and is always the text a fresh instance would build.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import type { Effect, EffectResult, PluginHooks, Verdict } from '../../pipeline/types.ts';
import { context, hooksOf, host, NOON, run } from '../kit/test-kit.ts';
import { jwtRemotePlugin } from './plugin.ts';

const ISS = 'https://idp.example.com';
const JWKS_URL = 'http://idp.internal/.well-known/jwks.json';
const CONFIG = { issuer: ISS, audiences: ['orders'], remote_jwks: { http_uri: { uri: JWKS_URL, timeout: '1s' }, cache_duration: '60s' } };

let jwk: JWK;
let signed = '';
const idp = (e: Extract<Effect, { type: 'http' }>): EffectResult =>
  e.url === JWKS_URL ? { ok: true, status: 200, headers: [], body: JSON.stringify({ keys: [jwk] }) } : { ok: true, status: 404, headers: [], body: '' };

beforeAll(async () => {
  const kp = await generateKeyPair('RS256', { extractable: true });
  jwk = { ...(await exportJWK(kp.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  signed = await new SignJWT({ iss: ISS, aud: 'orders', sub: 'user-42', exp: NOON / 1000 + 6000 }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(kp.privateKey);
});

async function send(hooks: PluginHooks, nowMs: number): Promise<Verdict> {
  const ctx = context({ headers: [['Authorization', `Bearer ${signed}`]] });
  return (await run(hooks, ctx, host(nowMs), {}, idp)).verdict;
}

describe('jwt-remote success sentences', () => {
  it('fetched and cached successes alternate and each comes back as the same string and data', async () => {
    const hooks = hooksOf(jwtRemotePlugin, CONFIG);
    const fetched = await send(hooks, NOON);
    const cached = await send(hooks, NOON + 30_000);
    expect(fetched.reason).toContain('(JWKS fetched, cached for 60 s)');
    expect(cached.reason).toContain('(JWKS from cache, 30 s left)');
    // The cache expires at NOON + 60 s: fetched again, then from cache 30 s before the new expiry.
    const fetchedAgain = await send(hooks, NOON + 61_000);
    const cachedAgain = await send(hooks, NOON + 91_000);
    expect(fetchedAgain.reason).toBe(fetched.reason);
    expect(fetchedAgain.data).toBe(fetched.data);
    expect(cachedAgain.reason).toBe(cached.reason);
    expect(cachedAgain.data).toBe(cached.data);
  });

  it('past the memo bound every sentence is still the one a fresh instance builds', async () => {
    const hooks = hooksOf(jwtRemotePlugin, CONFIG);
    await send(hooks, NOON);
    // Six different "s left" notes (more than the remembered successes), then the first ones again.
    const at = [5, 10, 15, 20, 25, 30, 5, 10, 55].map((s) => NOON + s * 1000);
    for (const t of at) {
      const fresh = hooksOf(jwtRemotePlugin, CONFIG);
      await send(fresh, NOON);
      const expected = await send(fresh, t);
      const got = await send(hooks, t);
      expect(got.reason).toBe(expected.reason);
      expect(got.data).toStrictEqual(expected.data);
      expect(JSON.stringify(got.data)).toBe(JSON.stringify(expected.data));
    }
  });
});
