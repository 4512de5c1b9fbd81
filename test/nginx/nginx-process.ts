/**
 * Starts Debian's nginx as a child of the test: one process (no master, no daemon), every path it
 * writes under a fresh temp dir, listening on 127.0.0.1 only. Nothing under /etc or /var is read or
 * written: `-e` moves the startup error log, the config sets the pid file, the access log and all
 * five temp paths.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { LOCATIONS, RATE } from './schedule.ts';
import { freePort } from '../../engine/runtimes/proxy/verify/redis-server.ts';

/** The nginx binary, or undefined with the reason it is missing. */
export function findNginx(): { path?: string; reason?: string } {
  for (const candidate of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx']) {
    if (existsSync(candidate)) return { path: candidate };
  }
  const which = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  const found = which.stdout.trim();
  if (which.status === 0 && found) return { path: found };
  return { reason: 'nginx is not installed (.ci/run installs Debian\'s package; locally: apt-get install -y nginx)' };
}

/** The access log line: request id, status, limit_req verdict, then $msec and $request_time (s.mmm). */
export const LOG_FORMAT = '$http_x_gatelab_id $status $limit_req_status $msec $request_time';

export function nginxConf(dir: string, port: number): string {
  const zones = LOCATIONS.map((l) => `  limit_req_zone $binary_remote_addr zone=${l.limit.zone}:1m rate=${RATE};`).join('\n');
  // limit_req runs in the preaccess phase; `return` would answer in the earlier rewrite phase and
  // bypass it, so the content is a static file served by the content phase.
  const locations = LOCATIONS.map((l) => `    location = ${l.path} {\n      ${l.directive}\n    }`).join('\n');
  return `# Written by test/nginx for one run; every path is under ${dir}.
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} notice;
worker_rlimit_nofile 1024;
events {
  worker_connections 256;
}
http {
  default_type text/plain;
  log_format gatelab '${LOG_FORMAT}';
  access_log ${join(dir, 'access.log')} gatelab;
  client_body_temp_path ${join(dir, 'tmp', 'body')};
  proxy_temp_path ${join(dir, 'tmp', 'proxy')};
  fastcgi_temp_path ${join(dir, 'tmp', 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'tmp', 'uwsgi')};
  scgi_temp_path ${join(dir, 'tmp', 'scgi')};
  keepalive_timeout 60s;
  keepalive_requests 10000;
${zones}
  server {
    listen 127.0.0.1:${port};
    root ${join(dir, 'www')};
    location = /warm {
    }
${locations}
  }
}
`;
}

export interface RunningNginx {
  pid: number;
  port: number;
  dir: string;
  accessLog: string;
  /** Everything nginx wrote to stderr (startup problems). */
  stderr: () => string;
  stop: () => Promise<void>;
}

async function waitReady(port: number, child: ChildProcess, deadline: number): Promise<boolean> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    try {
      const res = await request(`http://127.0.0.1:${port}/warm`, { headersTimeout: 1000, bodyTimeout: 1000 });
      await res.body.text();
      if (res.statusCode === 200) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // SIGQUIT is nginx's graceful shutdown; the PID is the one we spawned, nothing else is touched.
  process.kill(child.pid, 'SIGQUIT');
  const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), 5000));
  if ((await Promise.race([exited.then(() => 'done' as const), timer])) === 'late' && child.exitCode === null) {
    process.kill(child.pid, 'SIGKILL');
    await exited;
  }
}

/** Starts nginx on a free loopback port; retries with another port if the first was taken meanwhile. */
export async function startNginx(binary: string): Promise<RunningNginx> {
  const dir = await mkdtemp(join(tmpdir(), 'gatelab-nginx-'));
  await mkdir(join(dir, 'tmp'), { recursive: true });
  await mkdir(join(dir, 'www'), { recursive: true });
  for (const name of ['warm', ...LOCATIONS.map((l) => l.path.slice(1))]) await writeFile(join(dir, 'www', name), 'ok\n');
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    await writeFile(join(dir, 'nginx.conf'), nginxConf(dir, port));
    let stderr = '';
    const child = spawn(binary, ['-p', `${dir}/`, '-e', join(dir, 'startup.log'), '-c', join(dir, 'nginx.conf'), '-g', 'daemon off; master_process off;'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const started = await new Promise<boolean>((resolve) => {
      child.once('spawn', () => resolve(true));
      child.once('error', () => resolve(false));
    });
    if (started && child.pid !== undefined && (await waitReady(port, child, Date.now() + 10_000))) {
      const pid = child.pid;
      return {
        pid,
        port,
        dir,
        accessLog: join(dir, 'access.log'),
        stderr: () => stderr,
        stop: async () => {
          await stopChild(child);
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    lastError = stderr || `nginx exited with ${child.exitCode ?? child.signalCode}`;
    await stopChild(child);
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`nginx did not start on 127.0.0.1: ${lastError}`);
}
