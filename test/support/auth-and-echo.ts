/**
 * The two real servers the call-out parity cases stand up for a whole file: an auth server on
 * 127.0.0.1 answering with the file's own handler, and the echo upstream behind the gateway.
 */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { startEchoUpstream, type EchoUpstream } from './echo-upstream.ts';

export interface AuthAndEcho {
  /** The auth server's port; read it inside a test, once the servers are up. */
  readonly authPort: number;
  readonly upstream: EchoUpstream;
}

/** Call once at a file's top level: both servers start before its tests and close after them. */
export function authAndEchoPerFile(handler: RequestListener): AuthAndEcho {
  const auth = createServer(handler);
  let authPort = 0;
  let upstream: EchoUpstream | undefined;
  beforeAll(async () => {
    await new Promise<void>((r) => auth.listen(0, '127.0.0.1', r));
    authPort = (auth.address() as AddressInfo).port;
    upstream = await startEchoUpstream();
  });
  afterAll(async () => {
    await new Promise<void>((r) => auth.close(() => r()));
    await upstream?.close();
  });
  return {
    get authPort() {
      return authPort;
    },
    get upstream() {
      if (!upstream) throw new Error('the echo upstream did not start (see the beforeAll error above)');
      return upstream;
    },
  };
}
