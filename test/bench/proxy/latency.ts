/**
 * The latency gatelab adds at a modest, constant load: 1k req/s open loop, each request sent at the
 * same instant straight to the upstream and through gatelab serve with its policies
 * (./latency-paired.ts). The figure is p99(gatelab) − p99(direct) per round, median over rounds;
 * p50 likewise. A second, lower rate shows the same figure with less queueing. CPU µs per request
 * is the serve process tree's utime + stime (/proc) over the requests it was sent in the round.
 *
 * Method change (2026-11-27): rounds used to alternate direct and gatelab (open-loop.ts, removed). At load
 * 4–7 on the 2 shared cores the direct rounds alone gave p99s of 8.8 / 299 / 86 ms, so the difference
 * of two rounds measured the neighbours' bursts, not the proxy. Paired sends meet the same stalls on
 * both sides. With `probe`, gatelab also records each request's stages and its GC pauses
 * (engine/cli/serve-bench-probe.ts) and the slowest 1 % are broken down (./latency-breakdown.ts).
 * With `compareV8Pretenuring`, a second gatelab with V8's default allocation-site pretenuring
 * (engine/cli/serve-gc.ts) gets the same requests at the same instants: an A/B that the machine's
 * noise hits equally.
 * With `withBare`, the bare undici proxy (./peers/undici-bare.ts, no policies) gets the same requests
 * too: its added p50/p99 and CPU per request are what Node's http server and undici cost alone, so
 * whatever gatelab adds above them is ours.
 * With `nice` (root only, e.g. −10), the bench's own process and every thread of the upstream and the
 * proxies run at that priority, so neighbours' test suites on the same 2 cores stop deciding the tail:
 * what is left is what the proxy does (its GC, its timers, its JavaScript). Without it, the figure is
 * the proxy on a busy machine, which is also worth knowing; the two are reported apart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, setPriority, tmpdir } from 'node:os';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { breakdown, printBreakdown, readProbe } from './latency-breakdown.ts';
import { pairedOpenLoop, percentileOf, type PairedResult } from './latency-paired.ts';
import { BENCH_KEY } from './peers/policies.ts';
import { startGatelab, startNodePeer, startUpstream, type GatelabPeer } from './peers.ts';
import { cpuMicros, freePort, type RunningPeer } from './process-tools.ts';
import { median, printTable } from '../table.ts';

export interface LatencyOptions {
  seconds: number;
  rounds: number;
  rates: readonly number[];
  /** Record per-request stages in the (first) proxy and print where the slowest 1 % spent their time. */
  probe?: boolean;
  /** Extra `gatelab serve` arguments (e.g. `--trace-ring 0`) to compare host settings. */
  serveArgs?: string[];
  /** Also run a gatelab that keeps V8's allocation-site pretenuring (the default before serve-gc.ts). */
  compareV8Pretenuring?: boolean;
  /** Scheduling priority (−20…19) for the bench and its children's threads; needs root below 0. */
  nice?: number;
  /** Also send every request through the bare undici proxy (Node's own floor), as the last side. */
  withBare?: boolean;
}

export async function latencyAdded(o: LatencyOptions): Promise<void> {
  for (const rate of o.rates) await latencyAt(rate, o);
}

const DIRECT = 0;

async function latencyAt(rate: number, o: LatencyOptions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gatelab-bench-latency-'));
  const probeFile = join(dir, 'probe.json');
  const upstream = await startUpstream(await freePort());
  const gatelabs: GatelabPeer[] = [];
  /** Every proxy measured, gatelab first (side 1), then the bare undici proxy when asked for. */
  const proxies: RunningPeer[] = [];
  const runs: PairedResult[] = [];
  const loads: string[] = [];
  const cpu: number[][] = [];
  try {
    const start = async (name: string, env: Record<string, string>): Promise<void> => {
      const extra = o.serveArgs ? { extraArgs: o.serveArgs } : {};
      gatelabs.push(await startGatelab({ port: await freePort(), adminPort: await freePort(), upstreamPort: upstream.port, name, env, ...extra }));
    };
    await start('gatelab (policies)', o.probe ? { GATELAB_BENCH_PROBE: probeFile } : {});
    if (o.compareV8Pretenuring) await start('gatelab, V8 pretenuring on', { GATELAB_SERVE_V8_PRETENURING: '1' });
    proxies.push(...gatelabs);
    if (o.withBare) proxies.push(await startNodePeer('undici-bare', await freePort(), upstream.port));
    if (o.nice !== undefined) for (const pid of [process.pid, upstream.pid, ...proxies.map((g) => g.pid)]) renice(pid, o.nice);
    const ports = [upstream.port, ...proxies.map((g) => g.port)];
    // Warm-up: compiled code and open upstream connections before anything is measured.
    await pairedOpenLoop({ ports, headers: { apikey: BENCH_KEY }, rate, seconds: 3 });
    for (let round = 0; round < o.rounds; round++) {
      const before = proxies.map((g) => cpuMicros(g.pid));
      runs.push(await pairedOpenLoop({ ports, headers: { apikey: BENCH_KEY }, rate, seconds: o.seconds }));
      cpu.push(proxies.map((g, k) => (cpuMicros(g.pid) - (before[k] as number)) / (rate * o.seconds)));
      loads.push((loadavg()[0] as number).toFixed(1));
    }
  } finally {
    for (const g of proxies) await g.stop();
    // A failed start leaves a gatelab that never reached `proxies`.
    for (const g of gatelabs) if (!proxies.includes(g)) await g.stop();
    await upstream.stop();
  }
  const names = ['direct upstream', ...proxies.map((g) => g.name)];
  const stat = (side: number, p: number): number[] => runs.map((r) => percentileOf((r.sides[side] as PairedResult['sides'][0]).latencyMs, p));
  const failed = (side: number): number => runs.reduce((n, r) => n + (r.sides[side]?.failed ?? 0), 0);
  const perRound = (vs: number[], digits = 2): string => vs.map((v) => v.toFixed(digits)).join(' / ');
  const direct99 = stat(DIRECT, 99);
  const direct50 = stat(DIRECT, 50);
  printTable(
    `Latency at ${rate} req/s open loop, paired (each request due at the same instant on every side; latency from its due time), ${o.seconds} s × ${o.rounds} rounds${o.serveArgs ? `, serve ${o.serveArgs.join(' ')}` : ''}${o.nice !== undefined ? `, nice ${o.nice}` : ''}`,
    ['target', 'p50', 'p99', 'per-round p99', 'p99 added (median)', 'per-round CPU µs/req', 'failed'],
    names.map((name, side) => {
      const p99 = stat(side, 99);
      const added = side === DIRECT ? '—' : `${median(p99.map((v, i) => v - (direct99[i] as number))).toFixed(2)} ms`;
      const cpuRounds = side === DIRECT ? '—' : perRound(cpu.map((c) => c[side - 1] as number), 0);
      return [name, `${median(stat(side, 50)).toFixed(2)} ms`, `${median(p99).toFixed(2)} ms`, perRound(p99), added, cpuRounds, String(failed(side))];
    }),
  );
  console.log(`load average (1 min) after each round: ${loads.join(' / ')}`);
  const via99 = stat(1, 99);
  const added99 = via99.map((v, i) => v - (direct99[i] as number));
  const added50 = stat(1, 50).map((v, i) => v - (direct50[i] as number));
  console.log(`gatelab per-round p99 added: ${perRound(added99)} ms; p50 added: ${perRound(added50)} ms`);
  if (o.withBare) {
    const bare = proxies.length;
    const bare99 = stat(bare, 99).map((v, i) => v - (direct99[i] as number));
    const bare50 = stat(bare, 50).map((v, i) => v - (direct50[i] as number));
    console.log(`bare undici proxy per-round p99 added: ${perRound(bare99)} ms; p50 added: ${perRound(bare50)} ms`);
    const cpuRatio = cpu.map((c) => (c[0] as number) / (c[bare - 1] as number));
    console.log(`gatelab over bare, per round: p50 added ${perRound(added50.map((v, i) => v - (bare50[i] as number)))} ms; CPU ${perRound(cpuRatio)}×`);
  }
  const added = median(added99);
  console.log(`p99 added by gatelab at ${rate} req/s: ${added.toFixed(2)} ms, p50 added ${median(added50).toFixed(2)} ms (target at 1k req/s ≤ 1 ms: ${added <= 1 ? 'met' : 'NOT met'})`);
  if (o.probe) printBreakdown(`Where gatelab's requests spent their time at ${rate} req/s (ms, medians of each group)`, breakdown(runs, readProbe(probeFile), 1, DIRECT));
  rmSync(dir, { recursive: true, force: true });
}

/** Every thread of a process (Linux sets priority per thread): the GC helpers and libuv's pool too. */
function renice(pid: number, nice: number): void {
  for (const tid of readdirSync(`/proc/${pid}/task`)) setPriority(Number(tid), nice);
}
