/**
 * A paired, open-loop, constant-rate load generator: request i is due at start + i/rate and goes to
 * every target at that same instant (the order alternates with i, so no target always goes first).
 * Latency is counted from the due time, so a late send counts against the target (no coordinated
 * omission, as in wrk2).
 *
 * Why paired: on a shared 2-core box, the load generator's own stalls (its GC, its 1 ms tick firing
 * late, the scheduler giving the core to a neighbour's test suite) reach whole milliseconds. Rounds
 * that alternate targets see different stalls, so p99(proxy) − p99(direct) measured the machine as
 * much as the proxy (direct rounds alone ranged 8.8–299 ms p99 at load 4–7). Sent at the same
 * instants from the same process, both targets meet the same stalls, and the difference is the
 * proxy's. Each request's path carries `?n=i`, so a proxy-side probe can name the request.
 * Bounded: ≤ 10k req/s per target for ≤ 10 min, 127.0.0.1 only.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Pool } from 'undici';

export interface PairedOptions {
  ports: readonly number[];
  path?: string;
  headers?: Record<string, string>;
  rate: number;
  seconds: number;
  connections?: number;
  /** Send `?n=i` on each path so a proxy-side probe can name the request (default true). */
  numbered?: boolean;
}

export interface PairedSide {
  ok: number;
  failed: number;
  /** Latency of request i in ms from its due time (NaN when it failed). */
  latencyMs: Float64Array;
}

export interface PairedResult {
  /** Epoch ms at which request 0 was due (request i: dueEpochMs + i × 1000 / rate). */
  dueEpochMs: number;
  rate: number;
  sides: PairedSide[];
  /** How late the generator's own event loop ran (2 ms sampling), ms: if this is large, so is every p99. */
  clientLoopDelayMs: { p99: number; max: number };
}

const LOOP_RESOLUTION_MS = 2;

export async function pairedOpenLoop(o: PairedOptions): Promise<PairedResult> {
  if (o.seconds > 600 || o.rate > 10_000) throw new Error('GL_E_BENCH_LOAD: open loop is bounded to 10k req/s for 10 min');
  const total = Math.round(o.rate * o.seconds);
  const path = o.path ?? '/bench';
  const numbered = o.numbered ?? true;
  const pools = o.ports.map((port) => new Pool(`http://127.0.0.1:${port}`, { connections: o.connections ?? 64, pipelining: 1, keepAliveTimeout: 60_000 }));
  const sides: PairedSide[] = o.ports.map(() => ({ ok: 0, failed: 0, latencyMs: new Float64Array(total).fill(Number.NaN) }));
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  let finished = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  const stepMs = 1000 / o.rate;
  const start = performance.now();
  const fire = (side: number, i: number): void => {
    const due = start + i * stepMs;
    const s = sides[side] as PairedSide;
    (pools[side] as Pool)
      .request({ path: numbered ? `${path}?n=${i}` : path, method: 'GET', headers: o.headers ?? {} })
      .then(
        async (res) => {
          await res.body.dump();
          s.latencyMs[i] = performance.now() - due;
          if (res.statusCode === 200) s.ok++;
          else s.failed++;
        },
        () => {
          s.failed++;
        },
      )
      .finally(() => {
        if (++finished === total * pools.length) resolveAll();
      });
  };
  loop.enable();
  let next = 0;
  // A 1 ms tick sends everything that has come due; between ticks the process sleeps.
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.min(total, Math.floor((performance.now() - start) / stepMs) + 1);
      for (; next < due; next++) {
        const flip = next % 2 === 1;
        for (let k = 0; k < pools.length; k++) fire(flip ? pools.length - 1 - k : k, next);
      }
      if (next < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  if (total > 0) await all;
  loop.disable();
  await Promise.all(pools.map((p) => p.close()));
  const late = (ns: number): number => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);
  return { dueEpochMs: performance.timeOrigin + start, rate: o.rate, sides, clientLoopDelayMs: { p99: late(loop.percentile(99)), max: late(loop.max) } };
}

/** The p-th percentile of the finite values (nearest rank). */
export function percentileOf(values: Float64Array, p: number): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort();
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}
