/**
 * For test/bench/proxy/latency*.ts only, undocumented in the help: with GATELAB_BENCH_PROBE=FILE,
 * `gatelab serve` records where each request's time went and writes it to FILE as JSON when the
 * process exits. Per request: the wall instants (epoch ms, sub-ms) at which the host emitted
 * request.start (parsed and accepted), upstream.send, upstream.response (headers in) and
 * request.end (the response finished). Process-wide: every GC pause (start, length, kind) and the
 * event loop's delay histogram. The bench lines these up with the requests its client found slowest,
 * to tell our JavaScript from a collection, a timer, undici's pool or the client itself.
 * Costs a few hundred ns per event, so it is off unless the variable is set.
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import type { TraceEvent } from '../trace/events.ts';

export const BENCH_PROBE_ENV = 'GATELAB_BENCH_PROBE';

/** Bounded so a long soak cannot grow the probe without limit: 10 min at 1k req/s. */
const MAX_REQUESTS = 600_000;
/** Event-loop delay is sampled every 2 ms: fine enough to see a stall, rare enough not to cause one. */
const LOOP_RESOLUTION_MS = 2;

const STAGES = ['request.start', 'upstream.send', 'upstream.response', 'request.end'] as const;

export interface ProbeReport {
  /**
   * One row per request, in request.start order: [start, send, response, end] as epoch ms (NaN when a
   * stage never happened), then the bench client's request number from `?n=` (NaN without one).
   */
  requests: number[][];
  /** GC pauses: [start epoch ms, duration ms, kind] (kind: 1 minor/scavenge, 2 major, 4 incremental, 8 weak callbacks). */
  gc: number[][];
  loopDelayMs: { min: number; mean: number; p50: number; p99: number; p999: number; max: number; samples: number };
}

export interface BenchProbe {
  onEvent(e: TraceEvent): void;
}

/**
 * Each request's stage instants, from trace events and the wall time they were seen at. Rows are
 * kept in request.start order, at most `limit` of them.
 */
export class StageRecorder {
  readonly rows: number[][] = [];
  private readonly open = new Map<string, number[]>();

  constructor(private readonly limit = MAX_REQUESTS) {}

  record(e: TraceEvent, at: number): void {
    const stage = (STAGES as readonly string[]).indexOf(e.type);
    if (stage < 0 || !('req' in e)) return;
    if (e.type === 'request.start') {
      if (this.rows.length >= this.limit) return;
      const row = [at, Number.NaN, Number.NaN, Number.NaN, benchIndex(e.url)];
      this.open.set(e.req, row);
      this.rows.push(row);
      return;
    }
    const row = this.open.get(e.req);
    if (!row) return;
    // A retry sends twice: keep the first send and the last answer.
    if (stage === 1 && !Number.isNaN(row[1] as number)) return;
    row[stage] = at;
    if (stage === 3) this.open.delete(e.req);
  }
}

/** Starts recording when the variable names a file, else returns undefined and nothing runs. */
export function startBenchProbe(file: string | undefined): BenchProbe | undefined {
  if (!file) return undefined;
  const origin = performance.timeOrigin;
  const recorder = new StageRecorder();
  const gc: number[][] = [];
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind ?? 0;
      gc.push([origin + entry.startTime, entry.duration, kind]);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  process.on('exit', () => {
    loop.disable();
    observer.disconnect();
    const ms = (ns: number): number => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);
    const report: ProbeReport = {
      requests: recorder.rows,
      gc,
      loopDelayMs: { min: ms(loop.min), mean: ms(loop.mean), p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), p999: ms(loop.percentile(99.9)), max: ms(loop.max), samples: loop.count },
    };
    writeFileSync(file, JSON.stringify(report));
  });
  return { onEvent: (e) => recorder.record(e, origin + performance.now()) };
}

/** The bench client's request number: the `n` of a URL ending in `?n=123` (latency-paired.ts). */
export function benchIndex(url: string): number {
  const at = url.lastIndexOf('?n=');
  return at < 0 ? Number.NaN : Number(url.slice(at + 3));
}
