// The upstream body's write path (engine/runtimes/proxy/upstream-body.ts) on real sockets, 127.0.0.1:
// undici's chunks go straight to the client's response, so back-pressure and failures are handled
// by hand there. A slow client must still get every byte while the upstream is held back, and an
// upstream that dies mid-body must cut the client's answer (connection closed, body short) as
// piping a failed stream did.
import { createHash } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import { kongIr } from '../support/kong-config.ts';

const BIG_BYTES = 8 * 1024 * 1024;
const PIECE = 64 * 1024;

/** Deterministic bytes, so a lost, repeated or reordered piece changes the digest. */
function piece(i: number): Buffer {
  const b = Buffer.alloc(PIECE);
  for (let j = 0; j < PIECE; j += 4) b.writeUInt32LE((i * PIECE + j) >>> 0, j);
  return b;
}

const expectedDigest = (() => {
  const h = createHash('sha256');
  for (let i = 0; i < BIG_BYTES / PIECE; i++) h.update(piece(i));
  return h.digest('hex');
})();

/** What the upstream saw of the proxy's reading: a write() that returned false means it was held back. */
const upstreamSaw = { heldBack: 0 };

/** Sends the big body piece by piece, honouring back-pressure as a well-behaved server does. */
function sendBig(res: ServerResponse, chunked: boolean): void {
  res.writeHead(200, chunked ? { 'content-type': 'application/octet-stream' } : { 'content-type': 'application/octet-stream', 'content-length': String(BIG_BYTES) });
  let i = 0;
  const more = (): void => {
    while (i < BIG_BYTES / PIECE) {
      if (!res.write(piece(i++))) {
        upstreamSaw.heldBack++;
        res.once('drain', more);
        return;
      }
    }
    res.end();
  };
  more();
}

/** Headers and part of the body, then the connection is cut. */
function dieMidBody(res: ServerResponse, chunked: boolean): void {
  res.writeHead(200, chunked ? { 'content-type': 'text/plain' } : { 'content-type': 'text/plain', 'content-length': '100000' });
  res.write('x'.repeat(1000));
  setTimeout(() => res.socket?.destroy(), 30);
}

let upstream: Server;
let proxy: ProxyServer;
let port = 0;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    if (req.url === '/big') sendBig(res, false);
    else if (req.url === '/big-chunked') sendBig(res, true);
    else if (req.url === '/die') dieMidBody(res, false);
    else if (req.url === '/die-chunked') dieMidBody(res, true);
    else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const upstreamPort = (upstream.address() as AddressInfo).port;
  const ir = kongIr(`_format_version: "3.0"
services:
  - name: files
    url: http://127.0.0.1:${upstreamPort}
    routes:
      - name: all
        paths: ["/"]
`);
  proxy = new ProxyServer({ ir, host: '127.0.0.1', port: 0, store: localStore(() => proxy.now()) });
  port = (await proxy.start()).port;
});

afterAll(async () => {
  await proxy.drain(500);
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

interface SlowRead {
  head: string;
  bodyBytes: number;
  digest: string;
}

/**
 * A client that reads slowly: it stops reading for a while after each few hundred KB, so the kernel
 * buffers fill and the proxy's writes return false. Bounded: gives up after 20 s.
 */
function slowGet(path: string): Promise<SlowRead> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: files\r\nConnection: close\r\n\r\n`));
    let raw: Buffer = Buffer.alloc(0);
    let sinceNap = 0;
    const giveUp = setTimeout(() => {
      socket.destroy();
      reject(new Error(`slow client: no end after 20 s (${raw.length} bytes read)`));
    }, 20_000);
    socket.on('data', (d: Buffer) => {
      raw = Buffer.concat([raw, d]);
      sinceNap += d.length;
      if (sinceNap > 512 * 1024) {
        sinceNap = 0;
        socket.pause();
        setTimeout(() => socket.resume(), 40);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(giveUp);
      const split = raw.indexOf('\r\n\r\n');
      const head = raw.subarray(0, split).toString('latin1');
      let body: Buffer = raw.subarray(split + 4);
      if (/transfer-encoding: chunked/i.test(head)) body = dechunk(body);
      resolve({ head, bodyBytes: body.length, digest: createHash('sha256').update(body).digest('hex') });
    });
  });
}

/** Undoes chunked framing (the test's own reader: sizes in hex, CRLFs, a last 0-size chunk). */
function dechunk(framed: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = framed.indexOf('\r\n', at);
    if (eol < 0) throw new Error('chunked body cut before its last chunk');
    const size = Number.parseInt(framed.subarray(at, eol).toString('latin1'), 16);
    if (size === 0) return Buffer.concat(parts);
    parts.push(framed.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

/**
 * One request on a keep-alive connection (so a close is the proxy's doing, unless `close` asks for
 * it); what came back before the connection closed or 5 s passed.
 */
function rawGet(path: string, close = false): Promise<{ head: string; body: Buffer; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: files\r\n${close ? 'Connection: close\r\n' : ''}\r\n`));
    let raw: Buffer = Buffer.alloc(0);
    const timer = setTimeout(() => finish(false), 5_000);
    const finish = (closed: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      const split = raw.indexOf('\r\n\r\n');
      resolve({ head: raw.subarray(0, split).toString('latin1'), body: raw.subarray(split + 4), closed });
    };
    socket.on('data', (d: Buffer) => (raw = Buffer.concat([raw, d])));
    socket.on('error', () => undefined);
    socket.on('close', () => finish(true));
  });
}

describe('upstream body written straight to the client', () => {
  it('a slow client gets every byte of an 8 MB Content-Length body, and the upstream is held back meanwhile', async () => {
    upstreamSaw.heldBack = 0;
    const got = await slowGet('/big');
    expect(got.head).toMatch(/^HTTP\/1\.1 200 /);
    expect(got.head).toMatch(/content-length: 8388608/i);
    expect(got.bodyBytes).toBe(BIG_BYTES);
    expect(got.digest).toBe(expectedDigest);
    // Without back-pressure the proxy would read everything at once and the upstream never wait.
    expect(upstreamSaw.heldBack).toBeGreaterThan(0);
  });

  it('a slow client gets every byte of a chunked 8 MB body, still chunked', async () => {
    upstreamSaw.heldBack = 0;
    const got = await slowGet('/big-chunked');
    expect(got.head).toMatch(/transfer-encoding: chunked/i);
    expect(got.bodyBytes).toBe(BIG_BYTES);
    expect(got.digest).toBe(expectedDigest);
    expect(upstreamSaw.heldBack).toBeGreaterThan(0);
  });

  it('an upstream that dies mid-body (Content-Length) closes the client connection with the body short', async () => {
    const got = await rawGet('/die');
    expect(got.head).toMatch(/^HTTP\/1\.1 200 /);
    expect(got.head).toMatch(/content-length: 100000/i);
    expect(got.closed).toBe(true);
    expect(got.body.length).toBe(1000);
  });

  it('an upstream that dies mid-body (chunked) closes the client connection without the last chunk', async () => {
    const got = await rawGet('/die-chunked');
    expect(got.head).toMatch(/transfer-encoding: chunked/i);
    expect(got.closed).toBe(true);
    expect(got.body.toString('latin1')).toContain('x'.repeat(1000));
    expect(got.body.toString('latin1')).not.toMatch(/\r\n0\r\n\r\n$/);
  });

  it('keeps serving after both', async () => {
    const got = await rawGet('/small', true);
    expect(got.head).toMatch(/^HTTP\/1\.1 200 /);
    // The upstream's writeHead without a length made it chunked; the proxy passes the framing on.
    expect(dechunk(got.body).toString()).toBe('ok\n');
  });
});
