/**
 * An open-loop, constant-rate load generator (wrk 4 has no -R): request i is due at start + i/rate,
 * whatever happened to the earlier ones, so a slow answer does not slow the offered load (no
 * coordinated omission). Latency is measured per request with hrtime from the moment it was due,
 * so a send that the generator itself delayed counts against the target, as wrk2 does.
 * Bounded: a fixed rate for a fixed time, 127.0.0.1 only.
 */
import { Pool } from 'undici';

export interface OpenLoopOptions {
  port: number;
  path?: string;
  headers?: Record<string, string>;
  rate: number;
  seconds: number;
  connections?: number;
}

export interface OpenLoopResult {
  sent: number;
  ok: number;
  failed: number;
  /** Latencies in ms, sorted. */
  latenciesMs: Float64Array;
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export async function openLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  if (o.seconds > 600 || o.rate > 10_000) throw new Error('GL_E_BENCH_LOAD: open loop is bounded to 10k req/s for 10 min');
  const total = Math.round(o.rate * o.seconds);
  const pool = new Pool(`http://127.0.0.1:${o.port}`, { connections: o.connections ?? 64, pipelining: 1, keepAliveTimeout: 60_000 });
  const latencies = new Float64Array(total);
  let ok = 0;
  let failed = 0;
  let finished = 0;
  let next = 0;
  const start = process.hrtime.bigint();
  const stepNs = 1e9 / o.rate;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  const fire = (i: number): void => {
    const dueNs = Number(start) + i * stepNs;
    pool.request({ path: o.path ?? '/bench', method: 'GET', headers: o.headers ?? {} }).then(
      async (res) => {
        await res.body.dump();
        latencies[i] = (Number(process.hrtime.bigint()) - dueNs) / 1e6;
        if (res.statusCode === 200) ok++;
        else failed++;
      },
      () => {
        latencies[i] = Number.NaN;
        failed++;
      },
    ).finally(() => {
      if (++finished === total) resolveAll();
    });
  };
  // A 1 ms tick sends everything that has come due; between ticks the process sleeps, so the
  // generator does not spin a core the proxy needs.
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const elapsedNs = Number(process.hrtime.bigint() - start);
      const due = Math.min(total, Math.floor(elapsedNs / stepNs) + 1);
      while (next < due) fire(next++);
      if (next < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  if (total > 0) await all;
  await pool.close();
  const measured = latencies.filter((v) => !Number.isNaN(v)).sort();
  return { sent: total, ok, failed, latenciesMs: measured };
}
