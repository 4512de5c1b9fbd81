/**
 * `npm run bench:proxy`: gatelab serve against nginx and the Node proxies on 127.0.0.1, with one
 * shared upstream and wrk as the load generator. Prints tables and ratios; asserts nothing about
 * speed. docs/benchmarks.md ("Proxy benchmarks") explains the method and the targets.
 *
 *   npm run bench:proxy                          throughput, latency, keys, conns
 *   npm run bench:proxy -- --quick               shorter rounds, fewer keys and connections
 *   npm run bench:proxy -- --only=throughput     or latency | keys | conns | soak
 *   npm run bench:proxy -- --only=soak --minutes 10 [--connections 20]
 *   npm run bench:proxy -- --only=ablation [--quick]   gatelab's CPU per request, part by part (ablation.ts)
 *   npm run bench:proxy -- --only=latency [--rates=1000,250] [--rounds 3] [--seconds 10] [--probe]
 *                     [--compare-v8-pretenuring] [--nice=-10] [--serve-args="--trace-ring 0"]
 *                     [--with-bare]   (latency.ts; --with-bare adds the bare undici proxy as a side)
 */
import { cpus, loadavg } from 'node:os';
import { ablation } from './ablation.ts';
import { latencyAdded } from './latency.ts';
import { bytesPerKey } from './memory-keys.ts';
import { heapPerConnection } from './memory-conns.ts';
import { startGatelab, startNginxPeer, startNodePeer, startUpstream } from './peers.ts';
import { checkPeer } from './check-peer.ts';
import { sectionChoice } from '../bench-args.ts';
import { freePort, type RunningPeer } from './process-tools.ts';
import { printThroughput } from './report.ts';
import { soak } from './soak.ts';
import { throughput } from './throughput.ts';

const args = process.argv.slice(2);
const SECTIONS = ['throughput', 'latency', 'keys', 'conns', 'soak', 'ablation'];
const USAGE = `
npm run bench:proxy                          throughput, latency, keys, conns (needs wrk and nginx)
npm run bench:proxy -- --quick               shorter rounds, fewer keys and connections
npm run bench:proxy -- --only=NAME           one of ${SECTIONS.join(' | ')}
npm run bench:proxy -- --only=soak --minutes 10 [--connections 20]
npm run bench:proxy -- --only=ablation [--quick]
npm run bench:proxy -- --only=latency [--rates=1000,250] [--rounds 3] [--seconds 10] [--probe]
                  [--compare-v8-pretenuring] [--nice=-10] [--serve-args="--trace-ring 0"] [--with-bare]
`;
const quick = args.includes('--quick');
const only = sectionChoice(args, USAGE, SECTIONS);
const numberArg = (name: string, fallback: number): number => {
  const at = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (at < 0) return fallback;
  const text = args[at]?.includes('=') ? args[at]?.split('=')[1] : args[at + 1];
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`GL_E_BENCH_ARGS: --${name} takes a positive number, not '${text}'`);
  return n;
};
/** `--rates=1000,250` (latency): the open-loop rates, in order. */
const rateList = (): number[] => {
  const text = args.find((a) => a.startsWith('--rates='))?.slice('--rates='.length);
  if (text === undefined) return quick ? [1000] : [1000, 250];
  const rates = text.split(',').map(Number);
  if (rates.some((r) => !Number.isFinite(r) || r <= 0)) throw new Error(`GL_E_BENCH_ARGS: --rates takes positive numbers, not '${text}'`);
  return rates;
};
/** `--nice=-10` (latency, root only): priority for the bench, the upstream and the proxies. */
const niceArg = (): { nice?: number } => {
  const text = args.find((a) => a.startsWith('--nice='))?.slice('--nice='.length);
  if (text === undefined) return {};
  const nice = Number(text);
  if (!Number.isInteger(nice) || nice < -20 || nice > 19) throw new Error(`GL_E_BENCH_ARGS: --nice takes a whole number from -20 to 19, not '${text}'`);
  return { nice };
};
/** `--serve-args="--trace-ring 0"` (latency): extra serve arguments, to compare host settings. */
const serveArgs = (): { serveArgs?: string[] } => {
  const text = args.find((a) => a.startsWith('--serve-args='))?.slice('--serve-args='.length);
  return text ? { serveArgs: text.split(' ').filter((w) => w !== '') } : {};
};
const wants = (name: string): boolean => (only === undefined ? name !== 'soak' && name !== 'ablation' : only === name);

async function benchThroughput(): Promise<void> {
  const started: RunningPeer[] = [];
  const keep = <T extends RunningPeer>(p: T): T => (started.push(p), p);
  try {
    const upstream = keep(await startUpstream(await freePort()));
    const up = upstream.port;
    const peers = [
      { peer: upstream, policies: false },
      { peer: keep(await startNginxPeer(await freePort(), up)), policies: true },
      { peer: keep(await startNodePeer('http-proxy', await freePort(), up)), policies: true },
      { peer: keep(await startNodePeer('fastify', await freePort(), up)), policies: true },
      { peer: keep(await startNodePeer('fast-gateway', await freePort(), up)), policies: true },
      { peer: keep(await startNodePeer('undici-bare', await freePort(), up)), policies: false },
      // The same bare proxy on undici's lower-level dispatch() with a handler (what serve's upstream
      // client does), without request()'s promise and body stream: the strictest floor to compare with.
      { peer: keep(await startNodePeer('bare:agent', await freePort(), up)), policies: false },
      { peer: keep(await startGatelab({ port: await freePort(), adminPort: await freePort(), upstreamPort: up })), policies: true },
      { peer: keep(await startGatelab({ port: await freePort(), adminPort: await freePort(), upstreamPort: up, workers: 2 })), policies: true },
    ];
    for (const p of peers) await checkPeer(p.peer, p.policies);
    const rounds = quick ? 2 : 3;
    const seconds = quick ? 3 : 10;
    const rows = await throughput(peers, rounds, seconds, console.log);
    printThroughput(rows, rounds, seconds);
  } finally {
    for (const p of started.reverse()) await p.stop();
  }
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at start`);
  if (wants('throughput')) await benchThroughput();
  if (wants('latency')) await latencyAdded({ seconds: quick ? 3 : Math.min(60, numberArg('seconds', 10)), rounds: quick ? 1 : Math.min(20, numberArg('rounds', 3)), rates: rateList(), probe: args.includes('--probe'), compareV8Pretenuring: args.includes('--compare-v8-pretenuring'), withBare: args.includes('--with-bare'), ...niceArg(), ...serveArgs() });
  if (wants('keys')) bytesPerKey(quick ? 100_000 : 1_000_000);
  if (wants('conns')) await heapPerConnection(quick ? 1_000 : 10_000);
  if (wants('ablation')) await ablation(quick ? 2 : numberArg('rounds', 4), quick ? 3 : Math.min(10, numberArg('seconds', 5)), console.log);
  if (wants('soak')) await soak(Math.min(60, numberArg('minutes', quick ? 1 : 10)), Math.min(200, numberArg('connections', 20)));
  console.log(`\nload average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
