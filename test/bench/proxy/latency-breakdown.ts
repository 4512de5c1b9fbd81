/**
 * Where the slow requests' time went: the paired client's latencies (latency-paired.ts) lined up, by
 * the `?n=` request number, with what `gatelab serve` recorded of the same request under
 * GATELAB_BENCH_PROBE (engine/cli/serve-bench-probe.ts). Per request, five segments on one clock
 * (epoch ms; client and proxy run on the same machine):
 *
 *   before   due time → the proxy emitted request.start (client send, kernel, proxy's loop busy)
 *   pipeline request.start → upstream.send (routing, plugins, effects)
 *   upstream upstream.send → upstream.response (undici's pool, the upstream, the loop in between)
 *   respond  upstream.response → request.end (headers and body written)
 *   after    request.end → the client had the whole answer (kernel, the client's loop)
 *
 * and the GC pauses of the proxy that overlapped the request.
 */
import { readFileSync } from 'node:fs';
import type { ProbeReport } from '../../../engine/cli/serve-bench-probe.ts';
import type { PairedResult } from './latency-paired.ts';
import { median, printTable } from '../table.ts';

const SEGMENTS = ['before', 'pipeline', 'upstream', 'respond', 'after'] as const;

export interface Breakdown {
  rows: string[][];
  lines: string[];
}

export function readProbe(file: string): ProbeReport {
  return JSON.parse(readFileSync(file, 'utf8')) as ProbeReport;
}

/** `viaSide` is the proxy's index in the paired result, `directSide` the upstream's. */
export function breakdown(runs: readonly PairedResult[], probe: ProbeReport, viaSide: number, directSide: number): Breakdown {
  const byRun = runs.map(() => new Map<number, number[]>());
  // Rows are in request.start order and each run's numbers restart at 0: a row belongs to the run
  // whose due window holds its start.
  for (const row of probe.requests) {
    const n = row[4];
    if (n === null || n === undefined || Number.isNaN(n)) continue;
    const start = row[0] as number;
    let best = -1;
    for (let r = 0; r < runs.length; r++) if (start >= (runs[r] as PairedResult).dueEpochMs - 5) best = r;
    if (best >= 0) byRun[best]?.set(n, row);
  }
  interface Sample { total: number; direct: number; seg: number[]; gcMs: number }
  const samples: Sample[] = [];
  runs.forEach((run, r) => {
    const via = run.sides[viaSide]?.latencyMs;
    const direct = run.sides[directSide]?.latencyMs;
    if (!via || !direct) return;
    for (let i = 0; i < via.length; i++) {
      const total = via[i] as number;
      const row = byRun[r]?.get(i);
      if (Number.isNaN(total) || !row || row.slice(0, 4).some((v) => v === null)) continue;
      const due = run.dueEpochMs + (i * 1000) / run.rate;
      const [start, send, response, end] = row as [number, number, number, number];
      const seg = [start - due, send - start, response - send, end - response, due + total - end];
      samples.push({ total, direct: direct[i] as number, seg, gcMs: gcOverlap(probe.gc, due, due + total) });
    }
  });
  samples.sort((a, b) => a.total - b.total);
  const slowest = samples.slice(Math.floor(samples.length * 0.99));
  const directSorted = samples.map((s) => s.direct).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const directP95 = directSorted[Math.floor(directSorted.length * 0.95)] ?? Number.NaN;
  const row = (name: string, set: Sample[]): string[] => [
    name,
    String(set.length),
    fmt(median(set.map((s) => s.total))),
    ...SEGMENTS.map((_, k) => fmt(median(set.map((s) => s.seg[k] as number)))),
    fmt(median(set.map((s) => s.gcMs))),
    fmt(median(set.map((s) => s.direct))),
  ];
  const gcs = probe.gc.map((g) => g[1] as number).sort((a, b) => a - b);
  const gcBy = (kind: number): number[] => probe.gc.filter((g) => g[2] === kind).map((g) => g[1] as number);
  const commonStall = slowest.filter((s) => s.direct >= directP95).length;
  return {
    rows: [row('all requests', samples), row('slowest 1 %', slowest), row('slowest 0.1 %', samples.slice(Math.floor(samples.length * 0.999)))],
    lines: [
      `proxy GC: ${gcs.length} pauses, p50 ${fmt(gcs[gcs.length >> 1] ?? 0)}, p99 ${fmt(gcs[Math.floor(gcs.length * 0.99)] ?? 0)}, max ${fmt(gcs[gcs.length - 1] ?? 0)} ms; minor ${gcBy(1).length} (max ${fmt(Math.max(0, ...gcBy(1)))}), major ${gcBy(2).length} (max ${fmt(Math.max(0, ...gcBy(2)))}), incremental ${gcBy(4).length}`,
      `proxy event-loop delay (2 ms sampling): p50 ${fmt(probe.loopDelayMs.p50)}, p99 ${fmt(probe.loopDelayMs.p99)}, p99.9 ${fmt(probe.loopDelayMs.p999)}, max ${fmt(probe.loopDelayMs.max)} ms`,
      `client event-loop delay per run, p99 / max: ${runs.map((r) => `${fmt(r.clientLoopDelayMs.p99)} / ${fmt(r.clientLoopDelayMs.max)}`).join(', ')} ms`,
      `of the slowest 1 % through the proxy, ${commonStall} of ${slowest.length} had their paired direct request in the direct side's slowest 5 % (a stall both met)`,
    ],
  };
}

export function printBreakdown(title: string, b: Breakdown): void {
  printTable(title, ['requests', 'n', 'total', ...SEGMENTS, 'GC in it', 'direct (paired)'], b.rows);
  for (const l of b.lines) console.log(l);
}

/** Milliseconds of GC pause inside [from, to] (epoch ms). */
function gcOverlap(gc: readonly number[][], from: number, to: number): number {
  let ms = 0;
  for (const [start, duration] of gc as Array<[number, number]>) {
    const a = Math.max(from, start);
    const b = Math.min(to, start + duration);
    if (b > a) ms += b - a;
  }
  return ms;
}

function fmt(ms: number): string {
  return Number.isNaN(ms) ? '—' : ms.toFixed(2);
}
