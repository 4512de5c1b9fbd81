/**
 * Everything the proxy bench starts, each as a child process on 127.0.0.1 with its own PID: the
 * upstream, nginx with policies, the Node peers, the bare undici proxy and gatelab serve.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nginxPrelude, startNginxWith, tempPaths } from './nginx-run.ts';
import { ADDED_HEADER, BENCH_KEY } from './peers/policies.ts';
import { stopPid, waitForHttp, type RunningPeer } from './process-tools.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * The upstream is nginx returning a fixed 3-byte body: one C worker answers far faster than any
 * proxy in front of it can forward (measured first, as "direct upstream"), so it is not the
 * bottleneck. It echoes the added header back as `x-saw-bench`, so the bench can check each policy
 * peer really adds it.
 */
export function startUpstream(port: number): Promise<RunningPeer> {
  return startNginxWith('upstream', port, (dir) => `${nginxPrelude(dir, 4096)}
http {
  access_log off;
${tempPaths(dir)}
  keepalive_requests 1000000;
  keepalive_timeout 120s;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location / {
      add_header x-saw-bench "$http_${ADDED_HEADER.replace(/-/g, '_')}" always;
      return 200 "ok\\n";
    }
  }
}
`);
}

/**
 * nginx with the same three policies: the key through a map, limit_req per client address at a rate
 * that never rejects, the header by proxy_set_header; HTTP/1.1 keep-alive to the upstream. It logs
 * each request to a file, as gatelab writes its access log.
 */
export function startNginxPeer(port: number, upstreamPort: number): Promise<RunningPeer> {
  return startNginxWith(
    'nginx',
    port,
    (dir) => `${nginxPrelude(dir, 4096)}
http {
  access_log ${join(dir, 'access.log')};
${tempPaths(dir)}
  keepalive_requests 1000000;
  map $http_apikey $bench_key_ok {
    default 0;
    "${BENCH_KEY}" 1;
  }
  limit_req_zone $binary_remote_addr zone=bench:10m rate=100000r/s;
  upstream bench_upstream {
    server 127.0.0.1:${upstreamPort};
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location / {
      if ($bench_key_ok = 0) { return 401 "no valid key\\n"; }
      limit_req zone=bench burst=100000 nodelay;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header ${ADDED_HEADER} 1;
      proxy_pass http://bench_upstream;
    }
  }
}
`,
    '/',
  );
}

interface SpawnedNode {
  child: ChildProcess;
  stderr: () => string;
}

/**
 * Where a gatelab side's stdout (its access log) goes: /dev/null (the default: written, not read), a
 * pipe the bench reads and drops (a container's or journald's log), or a file (`> access.log`).
 */
export type StdoutTarget = 'null' | 'pipe' | 'file';

function spawnNode(args: string[], stdoutTo: StdoutTarget | 'ignore', env: Record<string, string> = {}, file?: string): SpawnedNode {
  const out = stdoutTo === 'null' ? openSync('/dev/null', 'w') : stdoutTo === 'file' ? openSync(file as string, 'w') : stdoutTo === 'pipe' ? 'pipe' : 'ignore';
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', out, 'pipe'], env: { ...process.env, ...env } });
  if (typeof out === 'number') closeSync(out);
  // Read and dropped as it comes, so the pipe never fills and blocks the proxy.
  child.stdout?.resume();
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return { child, stderr: () => err };
}

/**
 * http-proxy, fastify (@fastify/http-proxy), fast-gateway, undici-bare, `bare:MODE` (a bare proxy
 * with another upstream client, peers/bare-client.ts: agent, pool-p4, client-p10, lean, …), or
 * `bare:raw…` (no node:http at all, peers/raw-front.ts: raw, raw+policies, raw-agent, raw-consume, …).
 */
export async function startNodePeer(kind: string, port: number, upstreamPort: number, nodeArgs: string[] = []): Promise<RunningPeer> {
  const script =
    kind === 'undici-bare'
      ? [join(HERE, 'peers', 'undici-bare.ts')]
      : kind.startsWith('bare:raw')
        ? [join(HERE, 'peers', 'raw-front.ts'), kind.slice('bare:'.length)]
        : kind.startsWith('bare:')
          ? [join(HERE, 'peers', 'bare-client.ts'), kind.slice('bare:'.length)]
          : [join(HERE, 'peers', 'node-peer.ts'), kind];
  const { child, stderr } = spawnNode([...nodeArgs, '--import', 'tsx', ...script, String(port), String(upstreamPort)], 'ignore');
  await waitForHttp(port, '/', child, `${kind}: ${stderr()}`);
  return { name: kind, pid: child.pid as number, port, stop: () => stopPid(child) };
}

export interface GatelabPeer extends RunningPeer {
  adminPort: number;
  stderr(): string;
  /** The proxy's heap after a full GC (needs `exposeGc`), read through its SIGUSR2 probe. */
  heapAfterGc(): Promise<{ heapUsed: number; rss: number }>;
}

import { kongBenchConfig } from './peers/kong-config.ts';

export { kongBenchConfig };

const HEAP_MARKER = 'gatelab serve: heap ';

/**
 * `config` replaces the Kong bench config, `env` adds variables, `name` labels it (ablation.ts);
 * `root` runs the bin.mjs of another checkout (ab.ts compares two trees), `nodeArgs` go to node
 * before the script (e.g. `--cpu-prof`).
 */
export async function startGatelab(opts: { port: number; adminPort: number; upstreamPort: number; workers?: number; exposeGc?: boolean; extraArgs?: string[]; config?: string; env?: Record<string, string>; name?: string; root?: string; nodeArgs?: string[]; stdout?: StdoutTarget }): Promise<GatelabPeer> {
  const dir = mkdtempSync(join(tmpdir(), 'gatelab-bench-serve-'));
  const config = join(dir, 'kong.yaml');
  writeFileSync(config, opts.config ?? kongBenchConfig(opts.upstreamPort));
  const args = [
    ...(opts.exposeGc ? ['--expose-gc'] : []),
    ...(opts.nodeArgs ?? []),
    join(opts.root ?? ROOT, 'engine', 'cli', 'bin.mjs'),
    'serve',
    '--config',
    config,
    '--listen',
    `127.0.0.1:${opts.port}`,
    '--admin',
    `127.0.0.1:${opts.adminPort}`,
    ...(opts.workers ? ['--workers', String(opts.workers)] : []),
    ...(opts.extraArgs ?? []),
  ];
  // The access log (one line per request) goes to /dev/null unless `stdout` says otherwise: written, as in production, but not read.
  const { child, stderr } = spawnNode(args, opts.stdout ?? 'null', opts.env, join(dir, 'access.log'));
  const name = opts.name ?? (opts.workers ? `gatelab ×${opts.workers} workers` : 'gatelab');
  await waitForHttp(opts.adminPort, '/readyz', child, `${name}: ${stderr()}`);
  let probes = 0;
  return {
    name,
    pid: child.pid as number,
    port: opts.port,
    adminPort: opts.adminPort,
    stderr,
    stop: async () => {
      await stopPid(child);
      rmSync(dir, { recursive: true, force: true });
    },
    heapAfterGc: async () => {
      // Each probe prints one `gatelab serve: heap {json}` line; wait for the probes-th one.
      const wanted = ++probes;
      process.kill(child.pid as number, 'SIGUSR2');
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        const lines = stderr().split('\n').filter((l) => l.startsWith(HEAP_MARKER) && l.endsWith('}'));
        const line = lines[wanted - 1];
        if (line) return JSON.parse(line.slice(HEAP_MARKER.length)) as { heapUsed: number; rss: number };
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`GL_E_BENCH_PROBE: gatelab did not answer the heap probe (started with --expose-gc?)\n${stderr().slice(-2000)}`);
    },
  };
}
