/**
 * An upstream on 127.0.0.1 that answers nothing until the test says so: every request's response is
 * kept in `held`, so requests stay in flight for real (connection and in-flight limits on sockets).
 * Started before the file's tests and closed after them, answering whatever is still held.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

export interface HoldingUpstream {
  /** The responses not answered yet, oldest first. */
  readonly held: ServerResponse[];
  port(): number;
}

export function holdingUpstreamPerFile(): HoldingUpstream {
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    req.resume();
    held.push(res);
  });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const res of held.splice(0)) res.end();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return { held, port: () => port };
}
