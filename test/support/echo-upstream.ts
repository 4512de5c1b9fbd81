/** A real HTTP upstream on 127.0.0.1 that answers with what it received, optionally after a delay. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  /** The request body as text, once it has arrived (not part of the echoed answer). */
  body?: string;
}

export interface EchoUpstream {
  port: number;
  received: Received[];
  close(): Promise<void>;
}

export async function startEchoUpstream(opts: { delayMs?: number; status?: number } = {}): Promise<EchoUpstream> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const entry: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders };
    received.push(entry);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      entry.body = Buffer.concat(chunks).toString('utf8');
      setTimeout(() => {
        res.writeHead(opts.status ?? 200, { 'content-type': 'application/json', 'x-upstream': 'echo' });
        // The answer echoes what it always did: the body is for tests to read from `received`.
        res.end(JSON.stringify({ method: entry.method, url: entry.url, headers: entry.headers, rawHeaders: entry.rawHeaders }));
      }, opts.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
