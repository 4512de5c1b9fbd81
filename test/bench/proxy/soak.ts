/**
 * The soak: gatelab serve (with key-auth, rate limit, header transform) under steady load for N
 * minutes — wrk with 20 connections in 10 s slices, closed loop, so the offered load follows what
 * the box can serve (an open loop faster than a busy shared machine allows would measure the backlog
 * piling up, not a leak) — sampling its RSS and its heap after a full GC every 10 s into a CSV under
 * test/artifacts/. Prints first, last and max, and the least-squares slope of the heap after the
 * first minute (warm-up), with a verdict: flat when the drift the slope predicts over the whole run
 * is within the noise (twice the residuals' standard deviation) or under 1 MB.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runWrk } from './wrk.ts';
import { BENCH_KEY } from './peers/policies.ts';
import { ROOT, startGatelab, startUpstream } from './peers.ts';
import { freePort, rssBytes } from './process-tools.ts';
import { printTable } from '../table.ts';

interface Sample {
  seconds: number;
  rssMb: number;
  heapMb: number;
  sent: number;
  failed: number;
}

export function slope(points: ReadonlyArray<readonly [number, number]>): { perUnit: number; residualSd: number } {
  const n = points.length;
  if (n < 2) return { perUnit: 0, residualSd: 0 };
  const mx = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  const b = sxx === 0 ? 0 : sxy / sxx;
  const residuals = points.map(([x, y]) => y - (my + b * (x - mx)));
  const residualSd = Math.sqrt(residuals.reduce((a, r) => a + r * r, 0) / Math.max(1, n - 2));
  return { perUnit: b, residualSd };
}

export async function soak(minutes: number, connections: number): Promise<void> {
  const upstream = await startUpstream(await freePort());
  const gatelab = await startGatelab({ port: await freePort(), adminPort: await freePort(), upstreamPort: upstream.port, exposeGc: true });
  const samples: Sample[] = [];
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const csv = join(ROOT, 'test', 'artifacts', `proxy-soak-${stamp}.csv`);
  try {
    const started = Date.now();
    let sent = 0;
    let failed = 0;
    const sample = async (): Promise<void> => {
      const heap = await gatelab.heapAfterGc();
      samples.push({ seconds: (Date.now() - started) / 1000, rssMb: rssBytes(gatelab.pid) / 2 ** 20, heapMb: heap.heapUsed / 2 ** 20, sent, failed });
    };
    await sample();
    // Load in 10 s slices, a sample after each: the generator and the sampler never overlap.
    const slices = Math.max(1, Math.round((minutes * 60) / 10));
    for (let i = 0; i < slices; i++) {
      const r = await runWrk({ port: gatelab.port, headers: { apikey: BENCH_KEY }, seconds: 10, connections });
      sent += r.requests;
      failed += r.non2xx + r.socketErrors;
      await sample();
      if (i % 6 === 5) console.log(`  soak: ${((Date.now() - started) / 60_000).toFixed(1)} min, ${sent.toLocaleString('en')} requests, heap ${samples.at(-1)?.heapMb.toFixed(1)} MB`);
    }
  } finally {
    await gatelab.stop();
    await upstream.stop();
  }
  mkdirSync(join(ROOT, 'test', 'artifacts'), { recursive: true });
  writeFileSync(csv, ['seconds,rss_mb,heap_after_gc_mb,requests_sent,requests_failed', ...samples.map((s) => `${s.seconds.toFixed(1)},${s.rssMb.toFixed(2)},${s.heapMb.toFixed(2)},${s.sent},${s.failed}`)].join('\n') + '\n');
  const afterWarmup = samples.filter((s) => s.seconds >= 60);
  const used = afterWarmup.length >= 3 ? afterWarmup : samples;
  const heap = slope(used.map((s) => [s.seconds / 60, s.heapMb] as const));
  const rss = slope(used.map((s) => [s.seconds / 60, s.rssMb] as const));
  const spanMin = ((used.at(-1)?.seconds ?? 0) - (used[0]?.seconds ?? 0)) / 60;
  const verdict = (fit: { perUnit: number; residualSd: number }): string =>
    Math.abs(fit.perUnit * spanMin) <= Math.max(2 * fit.residualSd, 1) ? 'flat' : fit.perUnit > 0 ? 'GROWING' : 'shrinking';
  const first = samples[0] as Sample;
  const last = samples.at(-1) as Sample;
  const row = (name: string, pick: (s: Sample) => number, fit: { perUnit: number; residualSd: number }): string[] => [
    name,
    `${pick(first).toFixed(1)} MB`,
    `${pick(last).toFixed(1)} MB`,
    `${Math.max(...samples.map(pick)).toFixed(1)} MB`,
    `${fit.perUnit >= 0 ? '+' : ''}${fit.perUnit.toFixed(3)} MB/min`,
    `${fit.residualSd.toFixed(2)} MB`,
    verdict(fit),
  ];
  printTable(
    `Soak: gatelab serve with policies, wrk -c ${connections} for ${minutes} min (${last.sent.toLocaleString('en')} requests, ${Math.round(last.sent / (last.seconds || 1))} req/s on average, ${last.failed} not 2xx); samples every 10 s in ${csv}; slope fitted after the first minute`,
    ['memory', 'first', 'last', 'max', 'slope', 'noise (sd)', 'verdict'],
    [row('heap after GC', (s) => s.heapMb, heap), row('RSS', (s) => s.rssMb, rss)],
  );
}
