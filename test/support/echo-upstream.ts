/** A real HTTP upstream on 127.0.0.1 that answers with what it received, optionally after a delay. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
}

export interface EchoUpstream {
  port: number;
  received: Received[];
  close(): Promise<void>;
}

export async function startEchoUpstream(opts: { delayMs?: number; status?: number } = {}): Promise<EchoUpstream> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders };
    received.push(entry);
    req.resume();
    req.on('end', () => {
      setTimeout(() => {
        res.writeHead(opts.status ?? 200, { 'content-type': 'application/json', 'x-upstream': 'echo' });
        res.end(JSON.stringify(entry));
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
