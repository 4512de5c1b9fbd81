// The response writer on a real socket (127.0.0.1): the one-writeHead fast path must put the same
// bytes on the wire as setting headers one by one, keep Node's framing choice when there is no
// Content-Length, and turn a header Node refuses into a 502 without taking the listener down.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeaderMap } from '../../pipeline/headers.ts';
import type { GatewayResponse } from '../../pipeline/types.ts';
import { sendGatewayBody, writeGatewayHead } from './response-writer.ts';
import { rawGet as rawGetAt } from '../../../test/support/raw-get.ts';

/** The raw answer as text (Latin-1: one character per byte). */
const rawGet = async (path: string): Promise<string> => (await rawGetAt(port, path)).toString('latin1');

/** The way headers were written before the fast path: one setHeader per name, sent with the body. */
function writeOneByOne(res: ServerResponse, response: GatewayResponse): void {
  res.statusCode = response.status;
  for (const name of response.headers.names()) {
    const values = response.headers.getAll(name);
    res.setHeader(name, values.length === 1 ? (values[0] as string) : values);
  }
  res.end(response.body ?? '');
}

const RESPONSES: Record<string, () => GatewayResponse> = {
  '/with-length': () => ({
    status: 200,
    source: 'upstream',
    body: 'ok\n',
    headers: new HeaderMap([
      ['Content-Type', 'text/plain'],
      ['content-length', '3'],
      ['Set-Cookie', 'a=1'],
      ['X-RateLimit-Limit-Minute', '10'],
      ['set-cookie', 'b=2'],
    ]),
  }),
  '/no-length': () => ({ status: 401, source: 'gateway', body: '{"message":"No API key found in request"}', headers: new HeaderMap([['Content-Type', 'application/json']]) }),
  '/bad-header': () => ({ status: 200, source: 'upstream', body: 'x', headers: new HeaderMap([['content-length', '1'], ['x-bad', 'a\u0001b']]) }),
};

let port = 0;
const server = createServer((req, res) => {
  const [path, mode] = (req.url ?? '/').split('?');
  const response = (RESPONSES[path ?? ''] as () => GatewayResponse)();
  if (mode === 'old') return writeOneByOne(res, response);
  if (writeGatewayHead(res, response)) sendGatewayBody(res, response);
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('writeGatewayHead + sendGatewayBody', () => {
  it('with Content-Length, writes the same bytes as one setHeader per header', async () => {
    const fast = await rawGet('/with-length');
    expect(fast).toBe(await rawGet('/with-length?old'));
    expect(fast).toContain('set-cookie: a=1\r\nset-cookie: b=2\r\n');
  });

  it('without Content-Length, Node still frames a whole body with Content-Length, not chunked', async () => {
    const fast = await rawGet('/no-length');
    expect(fast).toBe(await rawGet('/no-length?old'));
    expect(fast).toMatch(/Content-Length: 41\r\n/);
    expect(fast).not.toMatch(/Transfer-Encoding/i);
  });

  it('turns a header value Node refuses into a 502 that names it, and keeps serving', async () => {
    const answer = await rawGet('/bad-header');
    expect(answer).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/);
    expect(answer).toContain('bad response header: ');
    expect(answer).toContain('x-bad');
    expect(answer).not.toContain('content-length: 1\r\n');
    expect(await rawGet('/no-length')).toMatch(/^HTTP\/1\.1 401 Unauthorized/);
  });
});
