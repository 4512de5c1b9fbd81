/**
 * Shared pieces of the hardening suites: a Kong config with an open and a key-protected route, the
 * in-process proxy on 127.0.0.1 pointed at a recording upstream, and a raw-socket client that sends
 * exact bytes (node:net), so what reaches the proxy is what the test wrote, not what a client library
 * would tidy up.
 */
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { ProxyServer } from '../../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../../engine/runtimes/proxy/stores.ts';
import type { ProxyLimits } from '../../../engine/runtimes/proxy/wire-guard.ts';
import type { TraceEvent } from '../../../engine/trace/events.ts';
import { kongIr } from '../../support/kong-config.ts';

export const API_KEY = 'partner-key-123';

/** `/public` is open; `/admin` needs an API key and gets X-Gateway-Auth from request-transformer. */
export function hardeningConfig(upstreamPort: number, extra = ''): string {
  return `_format_version: "3.0"
${extra}services:
  - name: app
    url: http://127.0.0.1:${upstreamPort}
    routes:
      - name: public
        paths: ["/public"]
        strip_path: false
      - name: admin
        paths: ["/admin"]
        strip_path: false
        plugins:
          - name: key-auth
            config: { key_names: [apikey, x-partner-key] }
          - name: request-transformer
            config:
              add:
                headers: ["X-Gateway-Auth: gateway-secret"]
consumers:
  - username: partner
    keyauth_credentials: [{ key: ${API_KEY} }]
`;
}

export interface Recorded {
  method: string;
  url: string;
  rawHeaders: string[];
  body: string;
}

export interface RecordingUpstream {
  port: number;
  /** Requests the upstream received completely (headers and body to the end). */
  complete: Recorded[];
  /** Requests whose body never finished (the proxy cut them off). */
  aborted: Recorded[];
  close(): Promise<void>;
}

export async function startRecordingUpstream(): Promise<RecordingUpstream> {
  const complete: Recorded[] = [];
  const aborted: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    const entry: Recorded = { method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body: '' };
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (entry.body += chunk));
    req.on('end', () => {
      complete.push(entry);
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`upstream saw ${entry.method} ${entry.url}\n`);
    });
    req.on('aborted', () => aborted.push(entry));
    req.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    complete,
    aborted,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface HardenedProxy {
  port: number;
  proxy: ProxyServer;
  upstream: RecordingUpstream;
  /** Every trace event the proxy emitted, after redaction (what the log and /trace see). */
  events: TraceEvent[];
  close(): Promise<void>;
}

export async function startHardenedProxy(opts: { extraConfig?: string; limits?: Partial<ProxyLimits>; host?: string; level?: 'decisions' | 'full' } = {}): Promise<HardenedProxy> {
  const upstream = await startRecordingUpstream();
  const ir = kongIr(hardeningConfig(upstream.port, opts.extraConfig ?? ''));
  const proxy: ProxyServer = new ProxyServer({
    ir,
    host: opts.host ?? '127.0.0.1',
    port: 0,
    store: localStore(() => proxy.now()),
    ...(opts.limits ? { limits: opts.limits } : {}),
    level: opts.level ?? 'decisions',
  });
  const events: TraceEvent[] = [];
  proxy.sink.subscribe((e) => events.push(e));
  const address = await proxy.start();
  return {
    port: address.port,
    proxy,
    upstream,
    events,
    close: async () => {
      await proxy.drain(500);
      await upstream.close();
    },
  };
}

export interface RawAnswer {
  /** Everything the proxy sent back. */
  text: string;
  /** The status of each response on the connection, in order. */
  statuses: number[];
  /** Whether the proxy closed the connection (rather than the test giving up waiting). */
  closedByProxy: boolean;
  /** The body of the first response. */
  body: string;
}

/**
 * Writes `bytes` on a fresh connection to 127.0.0.1:port (in `pieces` with `pauseMs` between, for slow
 * clients) and reads until the proxy closes or `waitMs` passes — bounded either way.
 */
export function sendRaw(port: number, bytes: string | string[], opts: { waitMs?: number; pauseMs?: number; closeAfter?: number } = {}): Promise<RawAnswer> {
  const pieces = typeof bytes === 'string' ? [bytes] : bytes;
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let closedByProxy = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (): void => {
      for (const t of timers) clearTimeout(t);
      socket.destroy();
      const statuses = [...text.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1]));
      const split = text.indexOf('\r\n\r\n');
      resolve({ text, statuses, closedByProxy, body: split < 0 ? '' : text.slice(split + 4) });
    };
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      text += d;
      // Once the expected number of answers arrived, stop waiting for a close that keep-alive won't send.
      if (opts.closeAfter !== undefined && [...text.matchAll(/^HTTP\/1\.1 \d{3}/gm)].length >= opts.closeAfter && /\r\n\r\n/.test(text)) {
        timers.push(setTimeout(finish, 50));
      }
    });
    socket.on('end', () => (closedByProxy = true));
    socket.on('close', () => {
      closedByProxy = true;
      finish();
    });
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      pieces.forEach((piece, i) => timers.push(setTimeout(() => socket.writable && socket.write(piece, 'latin1'), i * (opts.pauseMs ?? 0))));
    });
    timers.push(setTimeout(finish, opts.waitMs ?? 3000));
  });
}

/** A plain request that must still work after each attack: the proxy did not crash or wedge. */
export async function stillServes(port: number): Promise<number | undefined> {
  const answer = await sendRaw(port, 'GET /public/health HTTP/1.1\r\nHost: api.example.com\r\nConnection: close\r\n\r\n');
  return answer.statuses[0];
}

/** The request-guard decision the trace holds for the refused request, if any. */
export function guardDecisions(events: readonly TraceEvent[]): Array<{ req: string; status?: number; reason: string }> {
  const out: Array<{ req: string; status?: number; reason: string }> = [];
  for (const e of events) {
    if (e.type === 'plugin.decision' && e.plugin === 'request-guard') out.push({ req: e.req, reason: e.reason, ...(e.status !== undefined ? { status: e.status } : {}) });
  }
  return out;
}
