/**
 * `gatelab serve`'s access log prints what went over the wire (semantics §11, ingress-nginx
 * upstreaminfo, and the JSON form): $body_bytes_sent is the response body bytes written to the client
 * (not the header, not chunk framing; 0 for HEAD and 304), and $http_referer / $http_user_agent are
 * the client's values. serve traces at `decisions`, where the events carry no headers and no body, so
 * these come from the proxy host beside the trace, not from it. Real sockets on 127.0.0.1, `gatelab
 * serve` run as a user would.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type ServeProcess } from '../support/serve-process.ts';
import { sendRaw } from './hardening/harness.ts';

const FIXED_BODY = 'x'.repeat(1234);
/** Written as three chunks with pauses between, without Content-Length: the client gets it chunked. */
const CHUNKS = ['a'.repeat(100), 'b'.repeat(2000), 'é-end'];
const CHUNKED_BYTES = CHUNKS.reduce((n, c) => n + Buffer.byteLength(c), 0);
const REFERER = 'https://docs.example.org/guide?page=2';
const USER_AGENT = 'lab-client/1.0 (test; +https://example.org)';

function startUpstream(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/open/fixed') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(FIXED_BODY) }).end(FIXED_BODY);
    } else if (path === '/open/chunked') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      let i = 0;
      const next = (): void => {
        if (i === CHUNKS.length) return void res.end();
        res.write(CHUNKS[i++]);
        setTimeout(next, 20);
      };
      next();
    } else if (path === '/open/cached') {
      res.writeHead(304, { etag: '"v1"' }).end();
    } else {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function config(upstreamPort: number): string {
  return `_format_version: "3.0"
services:
  - name: app
    url: http://127.0.0.1:${upstreamPort}
    routes:
      - name: open
        paths: ["/open"]
        strip_path: false
      - name: keyed
        paths: ["/keyed"]
        strip_path: false
        plugins:
          - name: key-auth
            config: { key_names: [apikey] }
      - name: limited
        paths: ["/limited"]
        strip_path: false
        plugins:
          - name: rate-limiting
            config: { hour: 1, policy: local }
`;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  /** Body bytes the client read. */
  bytes: number;
}

function send(port: number, method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { host: 'api.example.com', ...headers }, agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes }));
    });
    req.on('error', reject);
    req.end();
  });
}

const CLIENT = { referer: REFERER, 'user-agent': USER_AGENT };

for (const format of ['nginx', 'json'] as const) {
  describe(`gatelab serve --log ${format}: the wire's facts (semantics §11)`, () => {
    let upstream: Server;
    let serve: ServeProcess;
    let dir: string;
    let port: number;

    beforeAll(async () => {
      upstream = await startUpstream();
      dir = mkdtempSync(join(tmpdir(), 'gatelab-wire-log-'));
      const file = join(dir, 'kong.yaml');
      writeFileSync(file, config((upstream.address() as AddressInfo).port));
      serve = await startServe(['--config', file, '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0', '--log', format]);
      port = Number(/proxy on http:\/\/127\.0\.0\.1:(\d+)/.exec(serve.stderr())?.[1]);
    }, 30_000);

    afterAll(async () => {
      await serve?.stop();
      upstream?.closeAllConnections();
      await new Promise<void>((resolve) => (upstream ? upstream.close(() => resolve()) : resolve()));
      rmSync(dir, { recursive: true, force: true });
    });

    /** The fields of the line logged for `method uri`, waiting for the batched write (≤ 10 ms, bounded). */
    async function logged(method: string, uri: string): Promise<{ status: number; bytes: number; referer: string | null; agent: string | null }> {
      const deadline = Date.now() + 5000;
      for (;;) {
        for (const line of serve.stdout().split('\n')) {
          if (format === 'json') {
            if (!line.startsWith('{')) continue;
            const j = JSON.parse(line) as { request: string; status: number; body_bytes_sent: number; http_referer: string | null; http_user_agent: string | null };
            if (j.request === `${method} ${uri} HTTP/1.1`) return { status: j.status, bytes: j.body_bytes_sent, referer: j.http_referer, agent: j.http_user_agent };
          } else {
            const at = line.indexOf(`"${method} ${uri} HTTP/1.1" `);
            if (at < 0) continue;
            const m = /^(\d+) (\d+) "([^"]*)" "([^"]*)" /.exec(line.slice(at + method.length + uri.length + 13));
            if (!m) throw new Error(`unexpected line: ${line}`);
            const text = (s: string): string | null => (s === '-' ? null : s);
            return { status: Number(m[1]), bytes: Number(m[2]), referer: text(m[3] as string), agent: text(m[4] as string) };
          }
        }
        if (Date.now() > deadline) throw new Error(`no log line for ${method} ${uri} in:\n${serve.stdout()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }

    it('logs the Referer and User-Agent the client sent and the body bytes it received', async () => {
      const answer = await send(port, 'GET', '/open/fixed?n=1', CLIENT);
      expect(answer).toMatchObject({ status: 200, bytes: 1234 });
      expect(await logged('GET', '/open/fixed?n=1')).toEqual({ status: 200, bytes: 1234, referer: REFERER, agent: USER_AGENT });
    });

    it('a HEAD answer and a 304 log 0 body bytes, whatever Content-Length said', async () => {
      const head = await send(port, 'HEAD', '/open/fixed?n=2', CLIENT);
      expect(head.status).toBe(200);
      expect(head.headers['content-length']).toBe('1234');
      const cached = await send(port, 'GET', '/open/cached?n=3', { ...CLIENT, 'if-none-match': '"v1"' });
      expect(cached).toMatchObject({ status: 304, bytes: 0 });
      expect(await logged('HEAD', '/open/fixed?n=2')).toEqual({ status: 200, bytes: 0, referer: REFERER, agent: USER_AGENT });
      expect(await logged('GET', '/open/cached?n=3')).toEqual({ status: 304, bytes: 0, referer: REFERER, agent: USER_AGENT });
    });

    it("a streamed (chunked) upstream body counts its bytes, not the chunks' framing", async () => {
      const answer = await send(port, 'GET', '/open/chunked?n=4');
      expect(answer.headers['transfer-encoding']).toBe('chunked');
      expect(answer.bytes).toBe(CHUNKED_BYTES);
      expect(await logged('GET', '/open/chunked?n=4')).toEqual({ status: 200, bytes: CHUNKED_BYTES, referer: null, agent: null });
    });

    it("a request the gateway answers itself (401, 429, a refused request) logs its own body's bytes", async () => {
      const unauthorized = await send(port, 'GET', '/keyed/x?n=5', CLIENT);
      expect(unauthorized.status).toBe(401);
      expect(unauthorized.bytes).toBeGreaterThan(0);
      expect(await logged('GET', '/keyed/x?n=5')).toEqual({ status: 401, bytes: unauthorized.bytes, referer: REFERER, agent: USER_AGENT });

      expect((await send(port, 'GET', '/limited/x?n=6')).status).toBe(200);
      const limited = await send(port, 'GET', '/limited/x?n=7', CLIENT);
      expect(limited.status).toBe(429);
      expect(limited.bytes).toBeGreaterThan(0);
      expect(await logged('GET', '/limited/x?n=7')).toEqual({ status: 429, bytes: limited.bytes, referer: REFERER, agent: USER_AGENT });

      // Refused before the pipeline (two Host headers, wire-guard.ts): its JSON refusal is counted too.
      const refused = await sendRaw(port, `GET /open/fixed?n=8 HTTP/1.1\r\nHost: a\r\nHost: b\r\nUser-Agent: ${USER_AGENT}\r\nConnection: close\r\n\r\n`);
      expect(refused.statuses).toEqual([400]);
      expect(await logged('GET', '/open/fixed?n=8')).toEqual({ status: 400, bytes: Buffer.byteLength(refused.body), referer: null, agent: USER_AGENT });
    });

    it('a credential in the Referer is redacted like the request line (API-key query parameter)', async () => {
      await send(port, 'GET', '/open/fixed?n=9', { referer: 'https://app.example.org/x?apikey=leaked-key-42&y=1' });
      const line = await logged('GET', '/open/fixed?n=9');
      expect(line.referer).toBe('https://app.example.org/x?apikey=[redacted]&y=1');
      expect(serve.stdout()).not.toContain('leaked-key-42');
    });
  });
}
