/**
 * `gatelab serve --workers N`: a node:cluster primary that forks N workers sharing the proxy port.
 * Each worker runs the whole pipeline with its own state, so counters with `policy: local` are per
 * worker (a client spread over N workers may get up to N times its limit, as with N Kong nodes on
 * local policy); use `--redis` for one shared count. The primary proxies nothing: it owns the admin
 * listener (only /healthz and /readyz, since every worker has its own trace and metrics), forwards
 * SIGHUP (reload) and SIGTERM/SIGINT (drain) to the workers, and exits when they all have.
 */
import cluster, { type Worker } from 'node:cluster';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signalHint } from './serve-signals.ts';

const ADMIN_PATHS = '/healthz /readyz';

export interface ClusterOptions {
  workers: number;
  listen: { host: string; port: number };
  admin: { host: string; port: number };
  scheme: 'http' | 'https';
}

export function isClusterWorker(): boolean {
  return cluster.isWorker;
}

/** In a worker: closes the IPC channel once the worker has drained, so its process can exit. */
export function leaveCluster(): void {
  cluster.worker?.disconnect();
}

export async function runClusterPrimary(opts: ClusterOptions): Promise<number> {
  const listening = new Set<number>();
  const alive = new Map<number, Worker>();
  let stopping = false;
  const ready = new Promise<AddressInfo>((resolve) => {
    let address: AddressInfo | undefined;
    cluster.on('listening', (worker, addr) => {
      // Workers also listen nowhere else, so every 'listening' is the shared proxy port.
      listening.add(worker.id);
      address = { address: addr.address ?? opts.listen.host, port: addr.port, family: 'IPv4' };
      if (listening.size === opts.workers) resolve(address);
    });
  });
  let started = false;
  let failureCode = 1;
  let failedEarly!: () => void;
  const startFailed = new Promise<undefined>((resolve) => (failedEarly = () => resolve(undefined)));
  const exitedAll = new Promise<void>((resolve) => {
    cluster.on('exit', (worker, code, signal) => {
      alive.delete(worker.id);
      listening.delete(worker.id);
      if (!stopping) console.error(`gatelab serve: worker ${worker.id} exited (${signal ?? code}); ${alive.size} left`);
      // A worker that dies before all listen (a taken port, a bad certificate) fails the start.
      if (!started) {
        if (code) failureCode = code;
        failedEarly();
      }
      if (alive.size === 0) resolve();
    });
  });
  for (let i = 0; i < opts.workers; i++) {
    const worker = cluster.fork();
    alive.set(worker.id, worker);
  }
  const first = await Promise.race([ready, startFailed]);
  if (!first) {
    console.error('gatelab serve: a worker exited before every worker was listening; stopping the others');
    stopping = true;
    for (const w of alive.values()) w.process.kill('SIGTERM');
    await exitedAll;
    return failureCode;
  }
  started = true;
  const admin = await startPrimaryAdmin(opts.admin, () => !stopping && listening.size === opts.workers, () => alive.size > 0);
  console.error(
    `gatelab serve: proxy on ${opts.scheme}://${first.address}:${first.port} (${opts.workers} workers), admin on http://${(admin.address() as AddressInfo).address}:${(admin.address() as AddressInfo).port}, ${signalHint()}`,
  );
  process.on('SIGHUP', () => {
    for (const w of alive.values()) w.process.kill('SIGHUP');
  });
  return await new Promise<number>((resolve) => {
    const stop = async (signal: NodeJS.Signals): Promise<void> => {
      if (stopping) return;
      stopping = true;
      console.error(`gatelab serve: ${signal}: draining ${alive.size} worker(s)`);
      for (const w of alive.values()) w.process.kill('SIGTERM');
      await exitedAll;
      await new Promise<void>((r) => admin.close(() => r()));
      console.error('gatelab serve: stopped');
      resolve(0);
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
  });
}

async function startPrimaryAdmin(at: { host: string; port: number }, isReady: () => boolean, isHealthy: () => boolean): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      res.writeHead(isHealthy() ? 200 : 503, { 'content-type': 'text/plain' }).end(isHealthy() ? 'ok\n' : 'no workers\n');
    } else if (path === '/readyz') {
      res.writeHead(isReady() ? 200 : 503, { 'content-type': 'text/plain' }).end(isReady() ? 'ready\n' : 'not ready\n');
    } else {
      res
        .writeHead(404, { 'content-type': 'text/plain' })
        .end(`not found: with --workers the admin listener serves ${ADMIN_PATHS} only; /metrics, /trace, /config and the health endpoints (/upstreams/{name}/health, /services/{name}/health) are per worker, so run one process to read them\n`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => resolve());
  });
  return server;
}
