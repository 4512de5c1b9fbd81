/**
 * Request smuggling against the real proxy on 127.0.0.1 (RFC 9112 §6.1, §6.3, §7.1): every framing
 * that two HTTP parsers could read differently is refused with 400 (501 for codings the proxy cannot
 * pass on) and the connection closed, and nothing of a smuggled request reaches the upstream — the
 * recording upstream counts exactly the requests it should have. Where Node's parser (llhttp, strict)
 * already refuses, the test says so and pins the answer the proxy's clientError handler gives.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { guardDecisions, sendRaw, startHardenedProxy, stillServes, type HardenedProxy } from './harness.ts';

let gw: HardenedProxy | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

const SMUGGLED = 'GET /admin/smuggled HTTP/1.1\r\nHost: api.example.com\r\n\r\n';
const head = (lines: string): string => `POST /public/form HTTP/1.1\r\nHost: api.example.com\r\n${lines}\r\n`;

/** name, bytes, status, who refuses it. */
const CASES: Array<[string, string, number, 'node' | 'proxy']> = [
  ['CL.TE: Content-Length and Transfer-Encoding together', `${head('Content-Length: 6\r\nTransfer-Encoding: chunked\r\n')}0\r\n\r\n${SMUGGLED}`, 400, 'node'],
  ['two different Content-Length lines', `${head('Content-Length: 4\r\nContent-Length: 40\r\n')}abcd${SMUGGLED}`, 400, 'node'],
  ['two equal Content-Length lines', `${head('Content-Length: 4\r\nContent-Length: 4\r\n')}abcd${SMUGGLED}`, 400, 'node'],
  ['a Content-Length list "4, 4"', `${head('Content-Length: 4, 4\r\n')}abcd${SMUGGLED}`, 400, 'node'],
  ['a signed Content-Length "+4"', `${head('Content-Length: +4\r\n')}abcd${SMUGGLED}`, 400, 'node'],
  ['a space before the colon: "Transfer-Encoding : chunked"', `${head('Transfer-Encoding : chunked\r\n')}0\r\n\r\n${SMUGGLED}`, 400, 'node'],
  ['Transfer-Encoding folded onto a second line (obs-fold)', `${head('Transfer-Encoding:\r\n chunked\r\n')}0\r\n\r\n${SMUGGLED}`, 400, 'node'],
  ['"chunked, identity": chunked not last', `${head('Transfer-Encoding: chunked, identity\r\n')}0\r\n\r\n${SMUGGLED}`, 400, 'node'],
  ['two Transfer-Encoding lines', `${head('Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n')}0\r\n\r\n${SMUGGLED}`, 400, 'node'],
  ['a chunk size that is not hex', `${head('Transfer-Encoding: chunked\r\n')}zz\r\nabc\r\n0\r\n\r\n${SMUGGLED}`, 400, 'node'],
  ['a chunk size that overflows 64 bits', `${head('Transfer-Encoding: chunked\r\n')}FFFFFFFFFFFFFFFFF1\r\nabc\r\n0\r\n\r\n${SMUGGLED}`, 400, 'node'],
  ['a negative chunk size', `${head('Transfer-Encoding: chunked\r\n')}-1\r\nabc\r\n0\r\n\r\n${SMUGGLED}`, 400, 'node'],
  ['chunk lines ended by a bare LF', `${head('Transfer-Encoding: chunked\r\n')}3\nabc\n0\n\n${SMUGGLED}`, 400, 'node'],
  ['"xchunked" (Node calls the handler, then fails the body)', `${head('Transfer-Encoding: xchunked\r\n')}0\r\n\r\n${SMUGGLED}`, 400, 'proxy'],
  ['"identity, chunked" (Node accepts it)', `${head('Transfer-Encoding: identity, chunked\r\n')}0\r\n\r\n${SMUGGLED}`, 501, 'proxy'],
  ['"gzip, chunked" (a coding the proxy cannot undo)', `${head('Transfer-Encoding: gzip, chunked\r\n')}0\r\n\r\n${SMUGGLED}`, 501, 'proxy'],
];

describe('request smuggling: refused, closed, nothing smuggled upstream (RFC 9112 §6.3)', () => {
  for (const [name, bytes, status, refusedBy] of CASES) {
    it(`${name} → ${status} and close (${refusedBy === 'node' ? "Node's parser refuses; the proxy words the answer" : 'Node lets it through; the wire guard refuses'})`, async () => {
      gw = await startHardenedProxy();
      const answer = await sendRaw(gw.port, bytes);
      expect(answer.statuses).toEqual([status]);
      expect(answer.closedByProxy).toBe(true);
      const body = JSON.parse(answer.body) as { code: string; message: string; request_id: string };
      expect(body.code).toMatch(/^GL_E_/);
      expect(body.message.length).toBeGreaterThan(10);
      // The refusal is in the trace under the id the client was given.
      expect(guardDecisions(gw.events)).toContainEqual(expect.objectContaining({ req: body.request_id, status }));
      expect(gw.upstream.complete).toEqual([]);
      expect(await stillServes(gw.port)).toBe(200);
      expect(gw.upstream.complete.map((r) => r.url)).toEqual(['/public/health']);
    });
  }

  it('a well-formed chunked body still passes, and a pipelined second request is served on its own', async () => {
    gw = await startHardenedProxy();
    const first = `${head('Transfer-Encoding: chunked\r\n')}5\r\nhello\r\n0\r\n\r\n`;
    const second = 'GET /public/second HTTP/1.1\r\nHost: api.example.com\r\nConnection: close\r\n\r\n';
    const answer = await sendRaw(gw.port, first + second);
    expect(answer.statuses).toEqual([200, 200]);
    expect(gw.upstream.complete.map((r) => [r.method, r.url, r.body])).toEqual([
      ['POST', '/public/form', 'hello'],
      ['GET', '/public/second', ''],
    ]);
  });

  it('Content-Length shorter than the bytes sent: the rest is read as the next request and routed on its own', async () => {
    gw = await startHardenedProxy();
    // The "smuggled" request is a real second request here: the proxy and the upstream agree on it,
    // because the proxy re-frames the body it forwards (its own Content-Length), so no desync.
    const answer = await sendRaw(gw.port, `${head('Content-Length: 4\r\n')}abcd${SMUGGLED}`, { closeAfter: 2 });
    expect(answer.statuses).toEqual([200, 401]);
    expect(gw.upstream.complete.map((r) => [r.url, r.body])).toEqual([['/public/form', 'abcd']]);
  });
});
