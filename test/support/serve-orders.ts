/**
 * `gatelab serve` as a child process in front of an echo upstream, with the orders config (a
 * `minute` limit) written to a temporary file and the proxy and admin listeners on free ports: the
 * set-up the proxy tests that talk to a real `serve` share.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../engine/runtimes/proxy/verify/redis-server.ts';
import { startEchoUpstream, type EchoUpstream } from './echo-upstream.ts';
import { ordersConfig } from './kong-config.ts';
import { startServe, type ServeProcess } from './serve-process.ts';

export interface ServedOrders {
  upstream: EchoUpstream;
  serve: ServeProcess;
  /** http://127.0.0.1:PORT of the proxy listener. */
  base: string;
  /** http://127.0.0.1:PORT of the admin listener. */
  admin: string;
}

/** Starts both and registers their teardown (serve first, then the upstream) on `cleanup`. */
export async function serveOrders(opts: {
  minute: number;
  cleanup: Array<() => Promise<unknown>>;
  /** Extra `serve` flags, e.g. ['--workers', '2']. */
  args?: string[];
  startTimeoutMs?: number;
}): Promise<ServedOrders> {
  const upstream = await startEchoUpstream();
  opts.cleanup.push(() => upstream.close());
  const config = join(mkdtempSync(join(tmpdir(), 'gatelab-serve-')), 'kong.yaml');
  writeFileSync(config, ordersConfig(upstream.port, opts.minute));
  const port = await freePort();
  const admin = await freePort();
  const listeners = ['--config', config, '--listen', `127.0.0.1:${port}`, '--admin', `127.0.0.1:${admin}`];
  const serve = await startServe([...listeners, ...(opts.args ?? [])], opts.startTimeoutMs);
  opts.cleanup.push(() => serve.stop());
  return { upstream, serve, base: `http://127.0.0.1:${port}`, admin: `http://127.0.0.1:${admin}` };
}
