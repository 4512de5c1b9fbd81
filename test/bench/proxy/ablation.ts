/**
 * `npm run bench:proxy -- --only=ablation`: where gatelab serve's extra CPU per request goes. One
 * run, one upstream, the same wrk settings for every variant: the bare undici proxy, then gatelab
 * serve built up one part at a time (empty pipeline with the trace at `summary`, no access log, no
 * metrics → + decisions trace → + access log → + metrics), then that full host with each policy
 * alone and with all three. Rounds are interleaved (forward, then backward) so the shared machine's
 * noise falls on every variant alike; each step's cost is the median over rounds of the difference
 * to its base *in the same round*, which cancels most of the drift between rounds.
 */
import { kongBenchConfig, type BenchPlugin } from './peers/kong-config.ts';
import { startGatelab, startNodePeer, startUpstream } from './peers.ts';
import { freePort, type RunningPeer } from './process-tools.ts';
import { median, printTable } from '../table.ts';
import { cpuPerRequest, interleavedRounds } from './paired-rounds.ts';


interface Variant {
  name: string;
  /** The variant this step is priced against (its cost = this − base), or none for the bare proxy. */
  base?: string;
  start(upstreamPort: number): Promise<RunningPeer>;
}

const HOST_ALL_OFF = 'trace-summary,no-access-log,no-metrics';

function gatelab(name: string, base: string, plugins: readonly BenchPlugin[], ablate: string): Variant {
  return {
    name,
    base,
    start: async (up) =>
      startGatelab({ port: await freePort(), adminPort: await freePort(), upstreamPort: up, name, config: kongBenchConfig(up, plugins), env: ablate ? { GATELAB_BENCH_ABLATE: ablate } : {} }),
  };
}

const FULL_HOST = 'host: + metrics (default serve, empty pipeline)';
const VARIANTS: Variant[] = [
  { name: 'bare undici proxy', start: async (up) => startNodePeer('undici-bare', await freePort(), up) },
  gatelab('host: empty pipeline, trace summary, no log/metrics', 'bare undici proxy', [], HOST_ALL_OFF),
  gatelab('host: + trace at decisions', 'host: empty pipeline, trace summary, no log/metrics', [], 'no-access-log,no-metrics'),
  gatelab('host: + access log', 'host: + trace at decisions', [], 'no-metrics'),
  gatelab(FULL_HOST, 'host: + access log', [], ''),
  gatelab('+ key-auth alone', FULL_HOST, ['key-auth'], ''),
  gatelab('+ rate-limiting alone', FULL_HOST, ['rate-limiting'], ''),
  gatelab('+ request-transformer alone', FULL_HOST, ['request-transformer'], ''),
  gatelab('+ all three (the bench policy set)', FULL_HOST, ['key-auth', 'rate-limiting', 'request-transformer'], ''),
];

export async function ablation(rounds: number, seconds: number, log: (s: string) => void): Promise<void> {
  const started: RunningPeer[] = [];
  try {
    const upstream = await startUpstream(await freePort());
    started.push(upstream);
    const peers: RunningPeer[] = [];
    for (const v of VARIANTS) {
      const p = await v.start(upstream.port);
      started.push(p);
      peers.push(p);
    }
    // Warm-up: JIT, upstream connections, and the 10,000-event trace ring filled (it grows until then).
    for (const p of peers) await cpuPerRequest(p, Math.min(5, seconds));
    const { us, rps } = await interleavedRounds(peers, rounds, seconds, {
      measured: (round, i, r) => log(`  round ${round + 1}/${rounds} ${VARIANTS[i]?.name}: ${r.rps.toFixed(0)} req/s, ${r.us.toFixed(1)} CPU µs/req`),
    });
    printAblation(us, rps, rounds, seconds);
  } finally {
    for (const p of started.reverse()) await p.stop();
  }
}

function printAblation(us: number[][], rps: number[][], rounds: number, seconds: number): void {
  const index = (name: string): number => VARIANTS.findIndex((v) => v.name === name);
  // A step's cost: per round, this variant minus its base measured in the same round; then the median.
  const added = (i: number): number | undefined => {
    const base = VARIANTS[i]?.base;
    if (base === undefined) return undefined;
    const b = us[index(base)] as number[];
    return median((us[i] as number[]).map((v, r) => v - (b[r] as number)));
  };
  const bare = index('bare undici proxy');
  const full = VARIANTS.length - 1;
  const gap = median((us[full] as number[]).map((v, r) => v - ((us[bare] as number[])[r] as number)));
  printTable(
    `Ablation: wrk -t1 -c50, ${seconds} s × ${rounds} interleaved rounds (median), 127.0.0.1, one nginx upstream; gap = full policy set − bare = ${gap.toFixed(0)} µs/req`,
    ['variant', 'req/s', 'CPU µs/req', 'priced against', 'added µs/req', 'share of gap', 'per-round µs/req'],
    VARIANTS.map((v, i) => {
      const a = added(i);
      return [
        v.name,
        median(rps[i] as number[]).toFixed(0),
        median(us[i] as number[]).toFixed(1),
        v.base ?? '—',
        a === undefined ? '—' : `${a >= 0 ? '+' : ''}${a.toFixed(1)}`,
        a === undefined ? '—' : `${((a / gap) * 100).toFixed(0)} %`,
        (us[i] as number[]).map((u) => u.toFixed(0)).join(' '),
      ];
    }),
  );
}
