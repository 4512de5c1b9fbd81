/**
 * Header-level attacks on the real proxy (127.0.0.1, raw bytes): injection, size and count caps,
 * Host rules (RFC 9112 §3.2, §3.2.2), duplicate credentials. Each gets a clear 4xx with a GL_E_ code
 * and a request id, or a safe normalisation, and the proxy serves the next request.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { API_KEY, guardDecisions, sendRaw, startHardenedProxy, stillServes, type HardenedProxy } from './harness.ts';

let gw: HardenedProxy | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

const H = 'Host: api.example.com\r\n';

async function refused(bytes: string, status: number, code: string | RegExp, limits?: Parameters<typeof startHardenedProxy>[0]): Promise<{ message: string; request_id: string }> {
  gw = await startHardenedProxy(limits);
  const answer = await sendRaw(gw.port, bytes, { closeAfter: 1 });
  expect(answer.statuses).toEqual([status]);
  const body = JSON.parse(answer.body) as { code: string; message: string; request_id: string };
  expect(body.code).toMatch(code);
  expect(guardDecisions(gw.events).map((d) => d.req)).toContain(body.request_id);
  expect(gw.upstream.complete).toEqual([]);
  expect(await stillServes(gw.port)).toBe(200);
  return body;
}

describe('header injection', () => {
  it("a bare CR inside a header value → 400 (Node's parser refuses it; the proxy words it)", async () => {
    await refused(`GET /public/x HTTP/1.1\r\n${H}X-A: b\rX-Injected: c\r\n\r\n`, 400, 'GL_E_MALFORMED_REQUEST');
  });

  it("a NUL byte in a header value → 400 (Node's parser)", async () => {
    await refused(`GET /public/x HTTP/1.1\r\n${H}X-A: b\u0000c\r\n\r\n`, 400, 'GL_E_MALFORMED_REQUEST');
  });

  it("a space inside a header name → 400 (Node's parser)", async () => {
    await refused(`GET /public/x HTTP/1.1\r\n${H}X A: b\r\n\r\n`, 400, 'GL_E_MALFORMED_REQUEST');
  });

  it("obs-fold (a continuation line) → 400 (Node's parser, strict mode)", async () => {
    await refused(`GET /public/x HTTP/1.1\r\n${H}X-A: one\r\n two\r\n\r\n`, 400, 'GL_E_MALFORMED_REQUEST');
  });

  it('an encoded CRLF in the path stays encoded upstream: no header is injected there', async () => {
    gw = await startHardenedProxy();
    const answer = await sendRaw(gw.port, `GET /public/a%0d%0aX-Injected:%20yes HTTP/1.1\r\n${H}Connection: close\r\n\r\n`);
    expect(answer.statuses).toEqual([200]);
    expect(gw.upstream.complete).toHaveLength(1);
    const seen = gw.upstream.complete[0]!;
    expect(seen.url).toBe('/public/a%0D%0AX-Injected:%20yes');
    expect(seen.rawHeaders.map((h) => h.toLowerCase())).not.toContain('x-injected');
  });
});

describe('size and count caps', () => {
  it("a header block over maxHeaderBytes → 431 (Node's parser, the proxy's body)", async () => {
    await refused(`GET /public/x HTTP/1.1\r\n${H}X-Big: ${'a'.repeat(5000)}\r\n\r\n`, 431, 'GL_E_HEADERS_TOO_LARGE', { limits: { maxHeaderBytes: 4096 } });
  });

  it('more header lines than maxHeaders → 431 (Node would silently drop the extra ones)', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `X-H${i}: v\r\n`).join('');
    const body = await refused(`GET /public/x HTTP/1.1\r\n${H}${lines}\r\n`, 431, 'GL_E_TOO_MANY_HEADERS', { limits: { maxHeaders: 20 } });
    expect(body.message).toContain('31 header lines; at most 20');
  });

  it('exactly maxHeaders lines pass', async () => {
    gw = await startHardenedProxy({ limits: { maxHeaders: 20 } });
    const lines = Array.from({ length: 18 }, (_, i) => `X-H${i}: v\r\n`).join('');
    const answer = await sendRaw(gw.port, `GET /public/x HTTP/1.1\r\n${H}${lines}Connection: close\r\n\r\n`);
    expect(answer.statuses).toEqual([200]);
  });

  it('the default cap is 100 lines', async () => {
    const lines = Array.from({ length: 100 }, (_, i) => `X-H${i}: v\r\n`).join('');
    await refused(`GET /public/x HTTP/1.1\r\n${H}${lines}\r\n`, 431, 'GL_E_TOO_MANY_HEADERS');
  });
});

describe('Host (RFC 9112 §3.2) and absolute-form targets (§3.2.2)', () => {
  it('HTTP/1.1 without Host → 400 (the wire guard, in place of Node\'s bare requireHostHeader answer)', async () => {
    await refused('GET /public/x HTTP/1.1\r\nX-A: b\r\n\r\n', 400, 'GL_E_MISSING_HOST');
  });

  it('HTTP/1.0 without Host is allowed (Host is an HTTP/1.1 requirement)', async () => {
    gw = await startHardenedProxy();
    const answer = await sendRaw(gw.port, 'GET /public/x HTTP/1.0\r\n\r\n');
    expect(answer.statuses).toEqual([200]);
  });

  it('two Host lines → 400, refused in the pipeline (the simulation gives the same answer)', async () => {
    const body = await refused(`GET /public/x HTTP/1.1\r\n${H}Host: evil.example\r\n\r\n`, 400, 'GL_E_DUPLICATE_HOST');
    expect(body.message).toContain('2 Host lines');
  });

  it('an absolute-form target whose host agrees with Host is served in origin-form', async () => {
    gw = await startHardenedProxy();
    const answer = await sendRaw(gw.port, `GET http://API.example.com:80/public/abs?q=1 HTTP/1.1\r\n${H}Connection: close\r\n\r\n`);
    expect(answer.statuses).toEqual([200]);
    expect(gw.upstream.complete.map((r) => r.url)).toEqual(['/public/abs?q=1']);
  });

  it('an absolute-form target naming another host than Host → 400 (Node passes it)', async () => {
    await refused(`GET http://evil.example/admin/x HTTP/1.1\r\n${H}\r\n`, 400, 'GL_E_HOST_MISMATCH');
  });

  it('an absolute-form target with user info → 400', async () => {
    await refused(`GET http://user:pw@api.example.com/public/x HTTP/1.1\r\n${H}\r\n`, 400, 'GL_E_REQUEST_TARGET');
  });

  it('a non-http scheme in the target → 400', async () => {
    await refused(`GET ftp://api.example.com/public/x HTTP/1.1\r\n${H}\r\n`, 400, 'GL_E_REQUEST_TARGET');
  });
});

describe('duplicate credentials', () => {
  it('two Authorization lines → 400 before any auth plugin reads one of them', async () => {
    await refused(`GET /public/x HTTP/1.1\r\n${H}Authorization: Bearer a\r\nAuthorization: Bearer b\r\n\r\n`, 400, 'GL_E_DUPLICATE_AUTHORIZATION');
  });

  it('two API-key headers → 401 "Duplicate API key found" (Kong key-auth, semantics §6)', async () => {
    gw = await startHardenedProxy();
    const answer = await sendRaw(gw.port, `GET /admin/x HTTP/1.1\r\n${H}apikey: ${API_KEY}\r\napikey: other\r\nConnection: close\r\n\r\n`);
    expect(answer.statuses).toEqual([401]);
    expect(answer.body).toContain('Duplicate API key found');
    expect(gw.upstream.complete).toEqual([]);
  });
});
