/**
 * The latency gatelab adds at a modest, constant load: 1k req/s open loop (./open-loop.ts) for a few
 * seconds, straight to the upstream and through gatelab serve with its policies, rounds alternated.
 * The figure is p99(gatelab) − p99(direct), median over rounds. A second, lower rate shows the same
 * figure without queueing, for a machine too busy to give the proxy 1k req/s of CPU.
 */
import { openLoop, percentile } from './open-loop.ts';
import { BENCH_KEY } from './peers/policies.ts';
import { startGatelab, startUpstream } from './peers.ts';
import { freePort } from './process-tools.ts';
import { median, printTable } from '../table.ts';

export async function latencyAdded(seconds: number, rounds: number, rates: readonly number[]): Promise<void> {
  for (const rate of rates) await latencyAt(rate, seconds, rounds);
}

async function latencyAt(rate: number, seconds: number, rounds: number): Promise<void> {
  const upstream = await startUpstream(await freePort());
  const gatelab = await startGatelab({ port: await freePort(), adminPort: await freePort(), upstreamPort: upstream.port });
  const targets = [
    { name: 'direct upstream', port: upstream.port, p50: [] as number[], p99: [] as number[], failed: 0 },
    { name: 'gatelab (policies)', port: gatelab.port, p50: [] as number[], p99: [] as number[], failed: 0 },
  ];
  try {
    // Warm-up: compiled code and open upstream connections before anything is measured.
    for (const t of targets) await openLoop({ port: t.port, headers: { apikey: BENCH_KEY }, rate, seconds: 2 });
    for (let round = 0; round < rounds; round++) {
      for (const t of round % 2 === 0 ? targets : [...targets].reverse()) {
        const r = await openLoop({ port: t.port, headers: { apikey: BENCH_KEY }, rate, seconds });
        t.p50.push(percentile(r.latenciesMs, 50));
        t.p99.push(percentile(r.latenciesMs, 99));
        t.failed += r.failed;
      }
    }
  } finally {
    await gatelab.stop();
    await upstream.stop();
  }
  const [direct, via] = targets as [(typeof targets)[0], (typeof targets)[0]];
  const added = median(via.p99.map((p, i) => p - (direct.p99[i] as number)));
  printTable(
    `Latency at ${rate} req/s open loop (undici, latency from each request's due time), ${seconds} s × ${rounds} alternated rounds`,
    ['target', 'p50', 'p99', 'per-round p99', 'failed'],
    targets.map((t) => [t.name, `${median(t.p50).toFixed(2)} ms`, `${median(t.p99).toFixed(2)} ms`, t.p99.map((v) => v.toFixed(2)).join(' / '), String(t.failed)]),
  );
  console.log(`p99 added by gatelab at ${rate} req/s: ${added.toFixed(2)} ms (target at 1k req/s ≤ 1 ms: ${added <= 1 ? 'met' : 'NOT met'})`);
}
