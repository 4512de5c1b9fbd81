/**
 * The `cookies: keep` jar: RFC 6265 §5.1.1 (dates), §5.1.4 (default-path, path-match), §5.2.2
 * (Max-Age wins over Expires; 0 or less expires at once), §5.3 (replace by name and path) and §5.4
 * (order, Secure), on the virtual clock.
 */
import { describe, expect, it } from 'vitest';
import { CookieJar, defaultPath, parseCookieDate, pathMatches } from './cookie-jar.ts';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('cookie jar', () => {
  it('keeps name=value and sends it back; a line without = is ignored', () => {
    const jar = new CookieJar();
    jar.store(['INGRESSCOOKIE=k|b; Path=/; HttpOnly', 'garbage'], '/cart', T0);
    expect(jar.header('/cart', false, T0 + 1)).toBe('INGRESSCOOKIE=k|b');
  });
  it('Max-Age counts on the virtual clock and wins over Expires', () => {
    const jar = new CookieJar();
    jar.store(['a=1; Expires=Thu, 01-Jan-26 13:00:00 GMT; Max-Age=60'], '/', T0);
    expect(jar.header('/', false, T0 + 59_999)).toBe('a=1');
    expect(jar.header('/', false, T0 + 60_000)).toBeUndefined();
  });
  it('Expires in nginx cookie_time form (two-digit year) is read as 20xx', () => {
    expect(parseCookieDate('Thu, 01-Jan-26 13:00:00 GMT')).toBe(Date.UTC(2026, 0, 1, 13, 0, 0));
    expect(parseCookieDate('Fri, 01-Jan-2038 00:00:00 GMT')).toBe(Date.UTC(2038, 0, 1));
    expect(parseCookieDate('not a date')).toBeUndefined();
    const jar = new CookieJar();
    jar.store(['a=1; Expires=Thu, 01-Jan-26 12:00:10 GMT'], '/', T0);
    expect(jar.header('/', false, T0 + 9_000)).toBe('a=1');
    expect(jar.header('/', false, T0 + 10_000)).toBeUndefined();
  });
  it('Max-Age=0 removes the cookie', () => {
    const jar = new CookieJar();
    jar.store(['a=1'], '/', T0);
    jar.store(['a=; Max-Age=0'], '/', T0 + 1);
    expect(jar.header('/', false, T0 + 2)).toBeUndefined();
  });
  it('the same name and path replace, keeping the first one\'s place; longer paths go first', () => {
    const jar = new CookieJar();
    jar.store(['a=1; Path=/', 'b=2; Path=/', 'c=3; Path=/shop'], '/shop/x', T0);
    jar.store(['a=9; Path=/'], '/', T0);
    expect(jar.header('/shop/cart', false, T0)).toBe('c=3; a=9; b=2');
    expect(jar.header('/other', false, T0)).toBe('a=9; b=2');
  });
  it('default path is the request path\'s directory; path-match needs a / boundary', () => {
    expect(defaultPath('/shop/cart')).toBe('/shop');
    expect(defaultPath('/cart')).toBe('/');
    expect(pathMatches('/shop/cart', '/shop')).toBe(true);
    expect(pathMatches('/shopping', '/shop')).toBe(false);
  });
  it('Secure cookies go over HTTPS only', () => {
    const jar = new CookieJar();
    jar.store(['s=1; Secure; Path=/'], '/', T0);
    expect(jar.header('/', false, T0)).toBeUndefined();
    expect(jar.header('/', true, T0)).toBe('s=1');
  });
});
