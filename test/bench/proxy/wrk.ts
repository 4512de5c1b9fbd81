/** Runs wrk (closed loop, 127.0.0.1 only, bounded duration) and parses its --latency report. */
import { spawn } from 'node:child_process';

export interface WrkResult {
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses that were not 2xx/3xx, and socket errors: both must be 0 for a valid round. */
  non2xx: number;
  socketErrors: number;
}

export interface WrkOptions {
  port: number;
  path?: string;
  headers?: Record<string, string>;
  seconds: number;
  connections?: number;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

export function parseDuration(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!m) throw new Error(`GL_E_BENCH_WRK: cannot read wrk duration '${text}'`);
  return Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}

export function parseWrk(out: string): WrkResult {
  const done = /(\d+) requests in ([\d.]+)(us|ms|s|m)/.exec(out);
  const p50 = /^\s+50%\s+(\S+)/m.exec(out);
  const p99 = /^\s+99%\s+(\S+)/m.exec(out);
  if (!done || !p50 || !p99) throw new Error(`GL_E_BENCH_WRK: wrk printed no result (is the target up?):\n${out}`);
  const requests = Number(done[1]);
  const seconds = parseDuration(`${done[2]}${done[3]}`) / 1000;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = errors ? errors.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  return { requests, seconds, rps: requests / seconds, p50Ms: parseDuration(p50[1] as string), p99Ms: parseDuration(p99[1] as string), non2xx, socketErrors };
}

export async function runWrk(o: WrkOptions): Promise<WrkResult> {
  if (o.seconds > 10) throw new Error('GL_E_BENCH_WRK: a wrk round is at most 10 s');
  const args = ['-t1', `-c${o.connections ?? 50}`, `-d${o.seconds}s`, '--latency', '--timeout', '5s'];
  for (const [k, v] of Object.entries(o.headers ?? {})) args.push('-H', `${k}: ${v}`);
  args.push(`http://127.0.0.1:${o.port}${o.path ?? '/bench'}`);
  const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', (e) => reject(new Error(`GL_E_BENCH_WRK: cannot run wrk (apt-get install wrk): ${e.message}`)));
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`GL_E_BENCH_WRK: wrk exited ${code}:\n${out}`);
  return parseWrk(out);
}
