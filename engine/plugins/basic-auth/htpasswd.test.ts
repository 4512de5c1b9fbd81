/**
 * htpasswd secrets as Traefik's basicAuth checks them: goauth.CheckSecret and its compareFuncs
 * (containous/go-http-auth basic.go, pinned by traefik's go.mod), MD5Crypt (md5crypt.go).
 * Fixtures: traefik pkg/middlewares/auth/basic_auth_test.go (test:test apr1, $2a$04 bcrypt), the
 * abbot README ($1$ john/hello), the rest made with openssl passwd and bcryptjs.
 */
import { compareSync } from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { provideBcrypt } from './bcrypt-provider.ts';
import { checkSecret, hashKind, md5Crypt, SecretCache } from './htpasswd.ts';

// What the Traefik adapter's module does when loaded (bcrypt-provider.ts).
provideBcrypt(compareSync);

const BCRYPT_4 = '$2b$04$CIm50OwCNc4B69czYNn05Oi7s2zWGnryGnuHV5d96QBIooELi56Pe'; // s3cret
const APR1 = '$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/'; // test
const SHA = '{SHA}/vNB+F2HQ559kaLUZbmHHvZrXpg='; // s3cret

describe('goauth.CheckSecret (Traefik basicAuth hashes)', () => {
  it('basic.go compareFuncs: bcrypt for $2a$/$2b$/$2x$/$2y$ (Go bcrypt takes any minor letter)', () => {
    for (const minor of ['a', 'b', 'x', 'y']) {
      const h = `$2${minor}$${BCRYPT_4.slice(4)}`;
      expect(hashKind(h)).toBe('bcrypt');
      expect(checkSecret('s3cret', h)).toBe(true);
      expect(checkSecret('s3creT', h)).toBe(false);
    }
    expect(checkSecret('test', '$2a$04$.8sTYfcxbSplCtoxt5TdJOgpBYkarKtZYsYfYxQ1edbYRuO1DNi0e')).toBe(true);
  });

  it('md5crypt.go MD5Crypt: apr1 (Apache) and $1$ (crypt(3) MD5) both match, with the magic between the first two $', () => {
    expect(md5Crypt('test', 'H6uskkkW', '$apr1$')).toBe(APR1);
    expect(checkSecret('test', APR1)).toBe(true);
    expect(checkSecret('tesT', APR1)).toBe(false);
    expect(checkSecret('s3cret', '$apr1$3rJbDP0q$j3aBZ63wo5jOtHM2/rA1l/')).toBe(true);
    expect(checkSecret('hello', '$1$dlPL2MqE$oQmn16q49SqdmhenQuNgs1')).toBe(true);
    expect(hashKind(APR1)).toBe('apr1');
  });

  it('basic.go compareShaHashAndPassword: {SHA} is base64(SHA-1(password))', () => {
    expect(checkSecret('s3cret', SHA)).toBe(true);
    expect(checkSecret('secret', SHA)).toBe(false);
  });

  it('the default compareFunc is MD5: plain text, DES crypt and $5$/$6$ SHA-crypt never match', () => {
    expect(checkSecret('s3cret', 's3cret')).toBe(false);
    expect(hashKind('s3cret')).toBe('unsupported');
    expect(checkSecret('s3cret', '$5$abcdefgh$OcHWp0Vj4l19dnE2g4tHD4hbItEZgO0bjRV6LjwCLoA')).toBe(false);
    expect(hashKind('$6$x$y')).toBe('unsupported');
    expect(checkSecret('x', '$2y$04$broken')).toBe(false);
  });

  it('the memo decides each (secret, password) pair once per plugin instance', () => {
    const cache = new SecretCache();
    for (let i = 0; i < 50; i++) expect(cache.check('s3cret', BCRYPT_4)).toBe(true);
    expect(cache.check('wrong', BCRYPT_4)).toBe(false);
    expect(cache.check('wrong', BCRYPT_4)).toBe(false);
    expect(cache.computed).toBe(2);
  });
});
