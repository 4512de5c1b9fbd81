/**
 * Runs Debian's nginx from a config text: one process (no master, no daemon), every path under a
 * fresh temp dir, 127.0.0.1 only, stopped by its PID. The bench uses it twice: as the shared upstream
 * (a fixed 200 body) and as the nginx peer with policies.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findNginx } from '../../nginx/nginx-process.ts';
import { stopPid, waitForHttp, type RunningPeer } from './process-tools.ts';

/** What every config gets: where nginx may write, and no access to /etc or /var. */
export function nginxPrelude(dir: string, workerConnections: number): string {
  return `pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
worker_rlimit_nofile ${workerConnections * 2 + 64};
events { worker_connections ${workerConnections}; }`;
}

export function tempPaths(dir: string): string {
  return ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((p) => `  ${p}_temp_path ${join(dir, 'tmp', p)};`).join('\n');
}

/** Starts nginx with `conf(dir)` and waits until `probePath` answers on `port`. */
export async function startNginxWith(name: string, port: number, conf: (dir: string) => string, probePath = '/'): Promise<RunningPeer> {
  const found = findNginx();
  if (!found.path) throw new Error(`GL_E_BENCH_NO_NGINX: ${found.reason}`);
  const dir = await mkdtemp(join(tmpdir(), `gatelab-bench-${name}-`));
  await mkdir(join(dir, 'tmp'), { recursive: true });
  await writeFile(join(dir, 'nginx.conf'), conf(dir));
  const child = spawn(found.path, ['-p', `${dir}/`, '-e', join(dir, 'startup.log'), '-c', join(dir, 'nginx.conf'), '-g', 'daemon off; master_process off;'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`GL_E_BENCH_START: nginx (${name}) did not start`);
  await waitForHttp(port, probePath, child, `nginx (${name}); see ${join(dir, 'error.log')}`);
  return {
    name,
    pid,
    port,
    stop: async () => {
      // SIGQUIT is nginx's graceful stop; only the PID we spawned is signalled.
      await stopPid(child, 'SIGQUIT');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
