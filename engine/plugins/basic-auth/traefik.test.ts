/**
 * Traefik basicAuth in the plugin: traefik pkg/middlewares/auth/basic_auth.go (NewBasic,
 * ServeHTTP, basicUserParser), auth.go (getUsers, defaultRealm), goauth basic.go RequireAuth and
 * NormalHeaders (misc.go), Go net/http parseBasicAuth. semantics.md has no basicAuth section; these
 * sources are the reference.
 */
import { compareSync } from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { provideBcrypt } from './bcrypt-provider.ts';
import { collecting, context, hooksOf, replyOf, run } from '../kit/test-kit.ts';
import { basicAuthPlugin } from './plugin.ts';
import { goBasicAuth } from './traefik.ts';

// What the Traefik adapter's module does when loaded (bcrypt-provider.ts).
provideBcrypt(compareSync);

const ALICE = 'alice:$2y$04$CIm50OwCNc4B69czYNn05Oi7s2zWGnryGnuHV5d96QBIooELi56Pe'; // s3cret
const TEST = 'test:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/'; // test
const basic = (user: string, pass: string): string => `Basic ${btoa(`${user}:${pass}`)}`;
const traefik = (extra: Record<string, unknown> = {}) => ({ flavour: 'traefik', users: [ALICE, TEST], ...extra });

async function call(config: Record<string, unknown>, headers: Array<[string, string]>) {
  const ctx = context({ headers });
  const { verdict } = await run(hooksOf(basicAuthPlugin, config), ctx);
  return { verdict, ctx };
}

describe('basic-auth, Traefik flavour (basicAuth)', () => {
  it('basic_auth.go ServeHTTP: right password → next; headerField carries the user; Authorization stays without removeHeader', async () => {
    const { verdict, ctx } = await call(traefik({ headerField: 'X-WebAuth-User' }), [['Authorization', basic('alice', 's3cret')]]);
    expect(verdict.kind).toBe('next');
    expect(verdict.reason).toBe('user alice: bcrypt hash matches → allowed, X-WebAuth-User: alice, Authorization passed on to the backend');
    expect(ctx.upstream.headers.get('X-WebAuth-User')).toBe('alice');
    expect(ctx.upstream.headers.get('authorization')).toBe(basic('alice', 's3cret'));
  });

  it('basic_auth.go ServeHTTP: removeHeader drops Authorization before the upstream', async () => {
    const { verdict, ctx } = await call(traefik({ removeHeader: true }), [['Authorization', basic('test', 'test')]]);
    expect(verdict.reason).toContain('user test: apr1 MD5 hash matches → allowed, Authorization removed (removeHeader)');
    expect(ctx.upstream.headers.has('authorization')).toBe(false);
  });

  it('goauth RequireAuth: 401, text/plain, WWW-Authenticate Basic realm="traefik" (auth.go defaultRealm), body "401 Unauthorized\\n"', async () => {
    const { verdict } = await call(traefik(), []);
    const r = replyOf(verdict);
    expect([r.status, r.body]).toEqual([401, '401 Unauthorized\n']);
    expect(r.headers).toEqual([['Content-Type', 'text/plain'], ['WWW-Authenticate', 'Basic realm="traefik"']]);
    expect(verdict.reason).toBe('no Authorization header → 401 realm traefik');
  });

  it('NewBasic: a realm replaces the default; wrong password and unknown user get the same 401', async () => {
    for (const h of [basic('alice', 'nope'), basic('mallory', 's3cret')]) {
      const { verdict } = await call(traefik({ realm: 'staff' }), [['Authorization', h]]);
      expect(replyOf(verdict).headers).toContainEqual(['WWW-Authenticate', 'Basic realm="staff"']);
      expect(replyOf(verdict).body).toBe('401 Unauthorized\n');
    }
    const { verdict } = await call(traefik(), [['Authorization', basic('alice', 'nope')]]);
    expect(verdict.reason).toBe('user alice: bcrypt hash does not match the password → 401 realm traefik');
  });

  it('Go parseBasicAuth: only Authorization, "Basic " in any case with one space, strict base64, user before the first colon', () => {
    expect(goBasicAuth(`bAsIc ${btoa('a:b:c')}`)).toEqual({ user: 'a', password: 'b:c' });
    expect(goBasicAuth(`Basic  ${btoa('a:b')}`)).toHaveProperty('why');
    expect(goBasicAuth('Basic YWI6Yw')).toHaveProperty('why'); // "ab:c" without its "==" is refused by StdEncoding
    expect(goBasicAuth('Basic YWI6Yw==')).toEqual({ user: 'ab', password: 'c' });
    expect(goBasicAuth(`Bearer ${btoa('a:b')}`)).toHaveProperty('why');
    expect(goBasicAuth(`Basic ${btoa('nocolon')}`)).toHaveProperty('why');
  });

  it('Proxy-Authorization is not read (Kong reads it; Traefik does not)', async () => {
    const { verdict } = await call(traefik(), [['Proxy-Authorization', basic('alice', 's3cret')]]);
    expect(replyOf(verdict).status).toBe(401);
  });

  it('auth.go getUsers: a later entry for the same user wins (warned); plain text parses but never matches (warned)', async () => {
    const r = collecting();
    basicAuthPlugin.parse({ flavour: 'traefik', users: [ALICE, 'alice:{SHA}/vNB+F2HQ559kaLUZbmHHvZrXpg=', 'bob:hunter2'] }, r);
    expect(r.items.map((i) => `${i.path} ${i.message}`)).toEqual([
      expect.stringContaining('users.1 users[1]: alice is listed again; getUsers keeps the last entry'),
      expect.stringContaining('users.2 users[2]: the secret of bob is plain text'),
    ]);
    const sha = await call({ flavour: 'traefik', users: [ALICE, 'alice:{SHA}/vNB+F2HQ559kaLUZbmHHvZrXpg='] }, [['Authorization', basic('alice', 's3cret')]]);
    expect(sha.verdict.reason).toContain('user alice: {SHA} hash matches');
    const plain = await call({ flavour: 'traefik', users: ['bob:hunter2'] }, [['Authorization', basic('bob', 'hunter2')]]);
    expect(replyOf(plain.verdict).status).toBe(401);
  });

  it('basicUserParser: an entry without exactly one colon is an error; usersFile is warned as not read', () => {
    const r = collecting();
    const c = basicAuthPlugin.parse({ flavour: 'traefik', users: ['carol', 'dave:$apr1$x:y$z'], usersFile: '/etc/traefik/users' }, r);
    expect(r.items.filter((i) => i.severity === 'error').map((i) => i.message)).toEqual(['error parsing BasicUser: carol', 'error parsing BasicUser: dave:$apr1$x:y$z']);
    expect(r.items.find((i) => i.path === 'usersFile')?.message).toContain('usersFile "/etc/traefik/users" is not read');
    expect(c.flavour === 'traefik' && c.users.size).toBe(0);
  });
});
