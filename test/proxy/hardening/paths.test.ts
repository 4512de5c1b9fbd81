/**
 * Path tricks against route matching on the real proxy (Kong dialect: semantics §6 — the request URI
 * is percent-decoded for unreserved characters, dot segments removed and `//` merged before matching).
 * `/public` is open and `/admin` needs an API key, so any trick that reached /admin through /public
 * would show up as a 200 without a key. Node passes every one of these paths to the proxy untouched.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { API_KEY, sendRaw, startHardenedProxy, type HardenedProxy } from './harness.ts';

let gw: HardenedProxy | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

async function get(path: string, extra = ''): Promise<{ status: number | undefined; upstream: string[] }> {
  gw ??= await startHardenedProxy();
  const before = gw.upstream.complete.length;
  const answer = await sendRaw(gw.port, `GET ${path} HTTP/1.1\r\nHost: api.example.com\r\n${extra}Connection: close\r\n\r\n`);
  return { status: answer.statuses[0], upstream: gw.upstream.complete.slice(before).map((r) => r.url) };
}

describe('path tricks cannot reach /admin through /public (Kong normalisation, semantics §6)', () => {
  it.each([
    ['dot segments', '/public/../admin/users'],
    ['percent-encoded dots', '/public/%2e%2E/admin/users'],
    ['half-encoded dots', '/public/.%2e/admin/users'],
    ['duplicate slashes', '//admin//users'],
    ['an encoded unreserved letter', '/%61dmin/users'],
    ['dots above the root', '/../../admin/users'],
  ])('%s: %s is routed as /admin and needs the key (401, nothing upstream)', async (_name, path) => {
    const r = await get(path);
    expect(r.status).toBe(401);
    expect(r.upstream).toEqual([]);
  });

  it('with the key, /public/%2e%2e/admin/users reaches the upstream as the clean /admin/users', async () => {
    const r = await get('/public/%2e%2e/admin/users', `apikey: ${API_KEY}\r\n`);
    expect(r).toEqual({ status: 200, upstream: ['/admin/users'] });
  });

  it('double encoding is decoded once: %252e%252e stays literal, so it is no dot segment (public route)', async () => {
    const r = await get('/public/%252e%252e/admin/users');
    expect(r.status).toBe(200);
    expect(r.upstream).toEqual(['/public/%252e%252e/admin/users']);
  });

  it('an encoded slash is kept opaque by Kong: it does not split segments, so /public%2F..%2Fadmin stays on /public', async () => {
    const r = await get('/public%2F..%2Fadmin');
    expect(r.status).toBe(200);
    expect(r.upstream).toEqual(['/public%2F..%2Fadmin']);
  });

  it('paths are case-sensitive: /ADMIN matches no route (404), and /Public does not reach /public', async () => {
    expect((await get('/ADMIN/users')).status).toBe(404);
    expect((await get('/Public/x')).status).toBe(404);
    expect(gw?.upstream.complete).toEqual([]);
  });

  it('a path that is not origin-form or absolute-form → 400 GL_E_REQUEST_TARGET (Node passes "*")', async () => {
    gw = await startHardenedProxy();
    const answer = await sendRaw(gw.port, 'GET * HTTP/1.1\r\nHost: api.example.com\r\n\r\n');
    expect(answer.statuses).toEqual([400]);
    expect(answer.body).toContain('GL_E_REQUEST_TARGET');
    expect(gw.upstream.complete).toEqual([]);
  });
});
