/**
 * `gatelab serve`'s $request_length and $upstream_response_length on real sockets (semantics §11;
 * nginx's src/http/ngx_http_request.c, ngx_http_request_body.c and ngx_http_upstream.c, quoted in
 * engine/observe/access-log.semantics-s11.test.ts). Requests are written byte for byte on raw
 * sockets to 127.0.0.1, so the expected length is the length of what the test wrote: one request per
 * connection, several on one keep-alive connection, several pipelined in one write. The records are
 * built as serve builds them: the sink's decisions-level events plus the proxy's wire facts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_LOG_EVENT_TYPES, AccessLogBuilder, type AccessRecord } from '../../engine/observe/access-log.ts';
import { formatAccessJson, formatUpstreamInfo } from '../../engine/observe/access-log-format.ts';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import { kongIr } from '../support/kong-config.ts';
import { sendRaw } from './hardening/harness.ts';

const FIXED = 'f'.repeat(1234);
/** Sent chunked by the upstream (no Content-Length), in three writes. */
const CHUNKS = ['a'.repeat(100), 'b'.repeat(2000), 'é-end'];
const CHUNKED_BYTES = CHUNKS.reduce((n, c) => n + Buffer.byteLength(c), 0);
const JSON_BODY = JSON.stringify({ id: 7, secret: 's'.repeat(50), note: 'kept' });

function startUpstream(): Promise<Server> {
  const server = createServer((req, res) => {
    // Every request body is read to its end before the answer (as an application would).
    req.resume();
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      if (path.endsWith('/fixed')) res.writeHead(200, { 'content-type': 'text/plain', 'content-length': FIXED.length }).end(req.method === 'HEAD' ? undefined : FIXED);
      else if (path.endsWith('/chunked')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        let i = 0;
        const next = (): void => {
          if (i === CHUNKS.length) return void res.end();
          res.write(CHUNKS[i++]);
          setTimeout(next, 5);
        };
        next();
      } else if (path.endsWith('/json')) res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(JSON_BODY) }).end(JSON_BODY);
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** A port nothing listens on: a try there is refused at once. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

function config(port: number, refused: number): string {
  return `_format_version: "3.0"
upstreams:
  - name: half-down
    targets: [{ target: "127.0.0.1:${refused}" }, { target: "127.0.0.1:${port}" }]
services:
  - name: app
    url: http://127.0.0.1:${port}
    routes:
      - { name: open, paths: ["/open"], strip_path: false }
      - name: keyed
        paths: ["/keyed"]
        strip_path: false
        plugins: [{ name: key-auth, config: { key_names: [apikey] } }]
      - name: shaped
        paths: ["/shaped"]
        strip_path: false
        plugins: [{ name: response-transformer, config: { remove: { json: [secret] } } }]
  - name: pool
    host: half-down
    retries: 2
    routes: [{ name: retried, paths: ["/retried"], strip_path: false }]
`;
}

let upstream: Server;
let proxy: ProxyServer;
let port: number;
const records: AccessRecord[] = [];

beforeAll(async () => {
  upstream = await startUpstream();
  const upstreamPort = (upstream.address() as AddressInfo).port;
  proxy = new ProxyServer({ ir: kongIr(config(upstreamPort, await closedPort())), port: 0, store: localStore(() => Date.now()) });
  const builder = new AccessLogBuilder(Date.now());
  // As `gatelab serve` subscribes its access log (engine/cli/serve.ts).
  proxy.sink.subscribe((e, wire) => {
    const r = builder.add(e, wire);
    if (r) records.push(r);
  }, ACCESS_LOG_EVENT_TYPES);
  port = (await proxy.start()).port;
});

afterAll(async () => {
  await proxy.drain(500);
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

/** The record logged for `uri` (unique per test), waiting briefly for its response to finish. */
async function loggedFor(uri: string): Promise<AccessRecord> {
  for (let i = 0; i < 100; i++) {
    const r = records.find((x) => x.uri === uri);
    if (r) return r;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no record for ${uri}: ${records.map((r) => r.uri).join(', ')}`);
}

const get = (uri: string, extra = ''): string => `GET ${uri} HTTP/1.1\r\nHost: api.example.com\r\nUser-Agent: raw/1\r\n${extra}\r\n`;
const bytes = (s: string): number => Buffer.byteLength(s, 'latin1');

describe('$request_length on real sockets (semantics §11, nginx ngx_http_request.c)', () => {
  it('§11 counts the request line, the header lines and the blank line with their CRLFs, and a Content-Length body', async () => {
    const body = '{"order":42,"note":"caf\xc3\xa9"}';
    const post = `POST /open/echo?n=1 HTTP/1.1\r\nHost: api.example.com\r\nContent-Type: application/json\r\nContent-Length: ${bytes(body)}\r\nConnection: close\r\n\r\n${body}`;
    expect((await sendRaw(port, post)).statuses).toEqual([200]);
    expect((await loggedFor('/open/echo?n=1')).requestLength).toBe(bytes(post));
  });

  it('§11 on a keep-alive connection each request counts only its own bytes, sent one after the other or pipelined in one write', async () => {
    const a = get('/open/fixed?n=2', 'X-Trace: 0123456789abcdef\r\n');
    const b = `POST /open/echo?n=3 HTTP/1.1\r\nHost: api.example.com\r\nContent-Length: 5\r\n\r\nhello`;
    const c = get('/open/fixed?n=4', 'Connection: close\r\n');
    // Counted anywhere in the text: a body without a newline runs into the next status line.
    const answers = (text: string): number => text.split('HTTP/1.1 200 OK').length - 1;
    expect(answers((await sendRaw(port, [a, b, c], { pauseMs: 100 })).text)).toBe(3);
    const d = get('/open/fixed?n=5', 'Accept: */*\r\nAccept: text/plain\r\n');
    const e = `POST /open/echo?n=6 HTTP/1.1\r\nHost: api.example.com\r\nContent-Length: 3\r\n\r\nxyz`;
    const f = get('/open/chunked?n=7', 'Connection: close\r\n');
    expect(answers((await sendRaw(port, d + e + f)).text)).toBe(3);
    const uris = ['/open/fixed?n=2', '/open/echo?n=3', '/open/fixed?n=4', '/open/fixed?n=5', '/open/echo?n=6', '/open/chunked?n=7'];
    const lengths = await Promise.all(uris.map(async (u) => (await loggedFor(u)).requestLength));
    expect(lengths).toEqual([a, b, c, d, e, f].map(bytes));
  });

  it('§11 a body the gateway never read (a 401) still counts, as nginx discards it before it logs', async () => {
    const req = `POST /keyed/x?n=8 HTTP/1.1\r\nHost: api.example.com\r\nContent-Length: 10\r\nConnection: close\r\n\r\n0123456789`;
    expect((await sendRaw(port, req)).statuses).toEqual([401]);
    expect((await loggedFor('/keyed/x?n=8')).requestLength).toBe(bytes(req));
  });

  it('§11 an absolute-form target counts as the client wrote it, not as the proxy rewrote it', async () => {
    const req = `GET http://api.example.com/open/fixed?n=9 HTTP/1.1\r\nHost: api.example.com\r\nConnection: close\r\n\r\n`;
    expect((await sendRaw(port, req)).statuses).toEqual([200]);
    expect((await loggedFor('/open/fixed?n=9')).requestLength).toBe(bytes(req));
  });

  it('§11 a request refused before the pipeline (two Host lines) counts its line and headers; its body is never read', async () => {
    const req = `GET /open/fixed?n=18 HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n`;
    expect((await sendRaw(port, req)).statuses).toEqual([400]);
    expect((await loggedFor('/open/fixed?n=18')).requestLength).toBe(bytes(req));
  });

  it("where gatelab differs (docs/proxy.md): a chunked body counts its data, not its framing; spaces around a header value are not seen", async () => {
    const chunked = `POST /open/echo?n=10 HTTP/1.1\r\nHost: api.example.com\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n4\r\nabcd\r\n3;ext=1\r\nefg\r\n0\r\n\r\n`;
    expect((await sendRaw(port, chunked)).statuses).toEqual([200]);
    const head = chunked.slice(0, chunked.indexOf('\r\n\r\n') + 4);
    // nginx would print bytes(chunked): the chunk-size lines, CRLFs and the last chunk are counted there.
    expect((await loggedFor('/open/echo?n=10')).requestLength).toBe(bytes(head) + 7);

    const spaced = `GET /open/fixed?n=11 HTTP/1.1\r\nHost: api.example.com\r\nX-Padded:    v   \r\nConnection: close\r\n\r\n`;
    expect((await sendRaw(port, spaced)).statuses).toEqual([200]);
    // Node keeps `v`; the line is counted as `X-Padded: v` (6 bytes of padding are not seen).
    expect((await loggedFor('/open/fixed?n=11')).requestLength).toBe(bytes(spaced) - 6);
  });
});

describe('$upstream_response_length on real sockets (semantics §11, nginx ngx_http_upstream.c)', () => {
  it('§11 is the body bytes the upstream sent: a Content-Length body, a chunked one without its framing, none for HEAD', async () => {
    await sendRaw(port, get('/open/fixed?n=12', 'Connection: close\r\n'));
    await sendRaw(port, get('/open/chunked?n=13', 'Connection: close\r\n'));
    await sendRaw(port, `HEAD /open/fixed?n=14 HTTP/1.1\r\nHost: api.example.com\r\nConnection: close\r\n\r\n`);
    expect((await loggedFor('/open/fixed?n=12')).upstreamResponseLength).toEqual([FIXED.length]);
    expect((await loggedFor('/open/chunked?n=13')).upstreamResponseLength).toEqual([CHUNKED_BYTES]);
    expect((await loggedFor('/open/fixed?n=14')).upstreamResponseLength).toEqual([0]);
    const line = formatUpstreamInfo(await loggedFor('/open/fixed?n=12'));
    expect(line).toMatch(new RegExp(` \\[app\\] \\[\\] 127\\.0\\.0\\.1:\\d+ ${FIXED.length} \\d+\\.\\d{3} 200 req-\\d+$`));
  });

  it('§11 a body a response plugin rewrote counts as the upstream sent it, not as the client got it', async () => {
    const answer = await sendRaw(port, get('/shaped/json?n=15', 'Connection: close\r\n'));
    expect(answer.body).not.toContain('secret');
    const r = await loggedFor('/shaped/json?n=15');
    expect(r.upstreamResponseLength).toEqual([Buffer.byteLength(JSON_BODY)]);
    expect(r.bodyBytesSent).toBe(Buffer.byteLength(answer.body));
  });

  it('§11 one entry per try: a refused try counts 0, the answer sent its bytes; no try at all prints -', async () => {
    await sendRaw(port, get('/retried/fixed?n=16', 'Connection: close\r\n'));
    const r = await loggedFor('/retried/fixed?n=16');
    expect(r.upstreamStatus).toEqual([502, 200]);
    expect(r.upstreamResponseLength).toEqual([0, FIXED.length]);
    expect(formatUpstreamInfo(r)).toMatch(new RegExp(`:\\d+, 127\\.0\\.0\\.1:\\d+ 0, ${FIXED.length} `));
    expect(JSON.parse(formatAccessJson(r))).toMatchObject({ upstream_response_length: [0, FIXED.length] });

    await sendRaw(port, get('/keyed/y?n=17', 'Connection: close\r\n'));
    expect(formatUpstreamInfo(await loggedFor('/keyed/y?n=17'))).toMatch(/ \[\] \[\] - - - - req-\d+$/);
  });
});
