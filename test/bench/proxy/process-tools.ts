/** Child-process helpers for the proxy bench: free ports, readiness, CPU time from /proc, stop by PID. */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { request } from 'undici';
import { freePort } from '../../../engine/runtimes/proxy/verify/redis-server.ts';

// Re-exported: the benches take their ports from here.
export { freePort };

export interface RunningPeer {
  name: string;
  /** The process the bench started; its descendants (cluster workers) are found from it. */
  pid: number;
  port: number;
  stop(): Promise<void>;
}

/** Polls until GET path answers (any status), the child exits, or 60 s pass (the box may be busy). */
export async function waitForHttp(port: number, path: string, child: ChildProcess, what: string, headers: Record<string, string> = {}): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`GL_E_BENCH_START: ${what} exited (${child.exitCode ?? child.signalCode}) before it listened`);
    try {
      const res = await request(`http://127.0.0.1:${port}${path}`, { headers, headersTimeout: 2000, bodyTimeout: 2000 });
      await res.body.dump();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`GL_E_BENCH_START: ${what} did not answer on 127.0.0.1:${port} within 60 s`);
}

/** Signals the PID we spawned, then SIGKILL after 10 s if it is still there. */
export async function stopPid(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, signal);
  const late = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 10_000))]);
  if (late && child.exitCode === null && child.signalCode === null) {
    process.kill(child.pid, 'SIGKILL');
    await exited;
  }
}

/** A process and all its descendants (cluster workers), from /proc/PID/task/TID/children. */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    const p = out[i] as number;
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        for (const c of readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8').trim().split(/\s+/)) if (c) out.push(Number(c));
      } catch {
        // the thread ended meanwhile
      }
    }
  }
  return out;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux (getconf CLK_TCK)

/** utime + stime of a process tree, in microseconds (fields 14 and 15 of /proc/PID/stat). */
export function cpuMicros(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      // The command name (field 2) may contain spaces; the fields after its closing paren are fixed.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone meanwhile
    }
  }
  return (ticks * 1e6) / TICKS_PER_SECOND;
}

/** Resident memory of one process in bytes (VmRSS). */
export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : Number.NaN;
}
