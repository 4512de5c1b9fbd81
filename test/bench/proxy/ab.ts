/**
 * Paired A/B of `gatelab serve` from two (or more) checkouts, beside the bare undici proxy, on one
 * upstream: every side is started at once and measured in interleaved rounds (A B bare, then
 * bare B A, …), so the shared machine's drift falls on every side alike. CPU µs per request from
 * /proc over the requests wrk completed; each round's ratio to the bare proxy is printed too, since
 * the ratio moves less with the machine's load than the absolute figure.
 *
 *   npx tsx test/bench/proxy/ab.ts --roots=/tmp/base,/work/main [--rounds 8] [--seconds 5]
 *        [--restarts 1] [--workers 2] [--prof=DIR] [--no-bare] [--plugins=key-auth,rate-limiting]
 *        [--peers=bare:agent,bare:lean] [--stdout=null|pipe|file]
 *
 * `--restarts N` splits the rounds into N blocks and starts every side afresh (and in a rotated order)
 * for each block. Two processes of the same tree can differ by 4–7 µs per request for their whole
 * life on this machine (an A/A control, session 13's serve pass), so with one start per side a
 * difference that size is a property of the two processes, not of the code; over several starts it
 * averages out.
 *
 * `--peers` adds Node peers as sides after the roots (peers.ts startNodePeer: `bare:MODE` is a bare
 * proxy with another upstream client, peers/bare-client.ts; `bare:raw…` one with no node:http,
 * peers/raw-front.ts; `fastify` and the other policy peers of peers/node-peer.ts); with no roots only
 * peers are compared.
 *
 * Each side's CPU is also split into user and system time (the tree's utime and stime read around its
 * own measurement), and "cores" is req/s × CPU per request: how much of a core the side kept busy,
 * which is what turns a CPU figure into a req/s figure on this shared 2-core machine.
 *
 * A root may carry serve arguments and environment after `@`, to compare settings in one tree:
 * `--roots='/work/main,/work/main@--trace-ring 0,/work/main@GATELAB_BENCH_ABLATE=no-metrics'`.
 *
 * `--prof=DIR` starts each gatelab (and each `--peers` peer) under `node --cpu-prof` (written to DIR
 * when it stops; read it with profile-top.ts). A root is a checkout with its own node_modules (its
 * serve bundle is cached there), e.g. a `git worktree add --detach` copy whose node_modules holds
 * links to the main one's packages. Not a link of the whole node_modules: serve's bundle cache
 * (node_modules/.cache/gatelab, one manifest) would then be shared, and each root would start whichever
 * tree's bundle was built last; the roots are checked for that before anything starts.
 */
import { basename, join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { ALL_BENCH_PLUGINS, kongBenchConfig, type BenchPlugin } from './peers/kong-config.ts';
import { startGatelab, startNodePeer, startUpstream, type StdoutTarget } from './peers.ts';
import { freePort, processTree, type RunningPeer } from './process-tools.ts';
import { median, printTable } from '../table.ts';
import { cpuPerRequest, interleavedRounds } from './paired-rounds.ts';

const args = process.argv.slice(2);
const text = (name: string): string | undefined => {
  const at = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (at < 0) return undefined;
  return args[at]?.includes('=') ? args[at]?.slice(name.length + 3) : args[at + 1];
};
// Split before each path only, so a root's `@VAR=a,b` may hold commas.
const roots = (text('roots') ?? '').split(/,(?=\/)/).filter((r) => r !== '');
const peerKinds = (text('peers') ?? '').split(',').filter((p) => p !== '');
if (roots.length + peerKinds.length === 0) throw new Error('GL_E_BENCH_ARGS: --roots=A,B names the checkouts to compare (or --peers=K1,K2 the Node peers)');
const rounds = Math.min(40, Number(text('rounds') ?? 8));
const restarts = Math.max(1, Math.min(rounds, Number(text('restarts') ?? 1)));
const seconds = Math.min(10, Number(text('seconds') ?? 5));
const workers = text('workers') === undefined ? undefined : Number(text('workers'));
const prof = text('prof');
const withBare = !args.includes('--no-bare');
const pluginsText = text('plugins');
const plugins = pluginsText === undefined ? ALL_BENCH_PLUGINS : (pluginsText.split(',').filter((p) => p !== '') as BenchPlugin[]);

/** Where each gatelab side's access log goes (peers.ts StdoutTarget); /dev/null by default. */
const stdoutTarget = (text('stdout') ?? 'null') as StdoutTarget;
if (!['null', 'pipe', 'file'].includes(stdoutTarget)) throw new Error(`GL_E_BENCH_ARGS: --stdout=null|pipe|file, not '${stdoutTarget}'`);

/**
 * Refuses two different roots whose serve bundle caches are one directory (a symlinked node_modules):
 * a bundle counts as fresh when the starting root's sources are older than it, so each root could run
 * another's code and the comparison would measure nothing.
 */
function checkOwnBundleCaches(rootSpecs: string[]): void {
  const cacheOf = new Map<string, string>();
  for (const spec of rootSpecs) {
    const root = resolve(spec.split('@')[0] ?? '');
    const cache = join(root, 'node_modules', '.cache', 'gatelab');
    mkdirSync(cache, { recursive: true });
    const real = realpathSync(cache);
    const other = [...cacheOf].find(([r, c]) => c === real && r !== root);
    if (other) throw new Error(`GL_E_BENCH_ARGS: ${root} and ${other[0]} share one serve bundle cache (${real}): give each checkout its own node_modules directory of links (mkdir R/node_modules; ln -s MAIN/node_modules/* MAIN/node_modules/.bin R/node_modules/)`);
    cacheOf.set(root, real);
  }
}

/** utime and stime of a process tree in µs (/proc/PID/stat fields 14 and 15; USER_HZ 100). */
function cpuUserSystem(pid: number): [number, number] {
  let user = 0;
  let system = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      user += Number(fields[11]) * 1e4;
      system += Number(fields[12]) * 1e4;
    } catch {
      // gone meanwhile
    }
  }
  return [user, system];
}

/** Starts every side (gatelab roots, Node peers, the bare proxy), in `rotate`d order; the list keeps the sides' own order. */
async function startSides(upstreamPort: number, block: number, started: RunningPeer[]): Promise<RunningPeer[]> {
  const makers: Array<() => Promise<RunningPeer>> = [];
  const profName = (base: string): string => (restarts > 1 ? `${base}-b${block}` : base);
  for (const [i, spec] of roots.entries()) {
    makers.push(async () => {
      const [root = '', ...extras] = spec.split('@');
      const env: Record<string, string> = {};
      const extraArgs: string[] = [];
      for (const extra of extras) {
        const eq = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(extra);
        if (eq) env[eq[1] as string] = eq[2] as string;
        else extraArgs.push(...extra.split(' ').filter((w) => w !== ''));
      }
      const name = `${i}:${basename(root)}${extras.length ? `@${extras.join('@')}` : ''}`;
      return startGatelab({
        port: await freePort(),
        adminPort: await freePort(),
        upstreamPort,
        config: kongBenchConfig(upstreamPort, plugins),
        name,
        root,
        env,
        extraArgs,
        stdout: stdoutTarget,
        ...(workers ? { workers } : {}),
        ...(prof ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${prof}`, `--cpu-prof-name=${profName(`${basename(root)}-${i}`)}.cpuprofile`] } : {}),
      });
    });
  }
  for (const [i, kind] of peerKinds.entries()) {
    // A directory per peer and V8's own file names: tsx's loader thread writes a profile too, and
    // with one name it would overwrite the main thread's (the largest file in the directory).
    const profDir = `${prof}/${profName(`${kind.replace(/[^a-z0-9-]/gi, '_')}-${i}`)}`;
    makers.push(async () => startNodePeer(kind, await freePort(), upstreamPort, prof ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []));
  }
  if (withBare) makers.push(async () => startNodePeer('undici-bare', await freePort(), upstreamPort));
  const sides = new Array<RunningPeer>(makers.length);
  for (let k = 0; k < makers.length; k++) {
    const at = (k + block) % makers.length;
    const peer = await (makers[at] as () => Promise<RunningPeer>)();
    started.push(peer);
    sides[at] = peer;
  }
  return sides;
}

async function main(): Promise<void> {
  checkOwnBundleCaches(roots);
  const started: RunningPeer[] = [];
  const load = [loadavg()[0] as number];
  try {
    const upstream = await startUpstream(await freePort());
    started.push(upstream);
    const us: number[][] = [];
    const rps: number[][] = [];
    const userUs: number[][] = [];
    const systemUs: number[][] = [];
    let names: string[] = [];
    let done = 0;
    for (let block = 0; block < restarts; block++) {
      const blockRounds = Math.floor((rounds * (block + 1)) / restarts) - Math.floor((rounds * block) / restarts);
      const sides = await startSides(upstream.port, block, started);
      names = sides.map((s) => s.name);
      // Two warm-ups each: JIT, upstream connections, the trace ring filled.
      for (let w = 0; w < 2; w++) for (const s of sides) await cpuPerRequest(s, 5);
      const thisRound: number[] = [];
      // Every side's user/system counters, re-read after each measurement: the next side's measurement
      // starts right after, so its delta covers its own round (the idle sides add next to nothing).
      let snap = sides.map((s) => cpuUserSystem(s.pid));
      const measured = await interleavedRounds(sides, blockRounds, seconds, {
        measured: (_round, i, r) => {
          thisRound[i] = r.us;
          const [u, sy] = cpuUserSystem((sides[i] as RunningPeer).pid);
          const [u0, sy0] = snap[i] as [number, number];
          const share = u - u0 + (sy - sy0) > 0 ? (u - u0) / (u - u0 + (sy - sy0)) : 0;
          (userUs[i] ??= []).push(r.us * share);
          (systemUs[i] ??= []).push(r.us * (1 - share));
          snap = sides.map((s) => cpuUserSystem(s.pid));
        },
        round: () => {
          load.push(loadavg()[0] as number);
          console.log(`round ${++done}/${rounds}${restarts > 1 ? ` (start ${block + 1}/${restarts})` : ''}: ${sides.map((s, i) => `${s.name} ${thisRound[i]?.toFixed(1)}`).join(', ')} CPU µs/req`);
        },
      });
      sides.forEach((_, i) => {
        (us[i] ??= []).push(...(measured.us[i] as number[]));
        (rps[i] ??= []).push(...(measured.rps[i] as number[]));
      });
      // Stopped before the next block starts its own processes (the upstream stays).
      for (const p of [...sides].reverse()) {
        await p.stop();
        started.splice(started.indexOf(p), 1);
      }
    }
    const bareUs = withBare ? (us[names.length - 1] as number[]) : undefined;
    const first = us[0] as number[];
    printTable(
      `A/B: wrk -t1 -c50, ${rounds} × ${seconds} s interleaved${restarts > 1 ? `, every side started ${restarts} times` : ''}, ${roots.length === 0 ? 'Node peers only' : plugins.length ? plugins.join(' + ') : 'no plugins'}${workers ? `, --workers ${workers}` : ''}, access log to ${stdoutTarget === 'null' ? '/dev/null' : `a ${stdoutTarget}`}; load average ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)}`,
      ['side', 'req/s', 'CPU µs/req', 'user µs/req', 'system µs/req', 'cores', '÷ side 0 (median of rounds)', '− side 0 µs (median of rounds)', 'lower than side 0 in', 'req/s ÷ bare', 'per round µs/req'],
      names.map((name, i) => {
        const mine = us[i] as number[];
        const lower = mine.filter((v, r) => v < (first[r] as number)).length;
        return [
          name,
          median(rps[i] as number[]).toFixed(0),
          median(mine).toFixed(1),
          median(userUs[i] as number[]).toFixed(1),
          median(systemUs[i] as number[]).toFixed(1),
          median(mine.map((v, r) => (v * ((rps[i] as number[])[r] as number)) / 1e6)).toFixed(2),
          `${median(mine.map((v, r) => v / (first[r] as number))).toFixed(3)}×`,
          i === 0 ? '—' : median(mine.map((v, r) => v - (first[r] as number))).toFixed(1),
          i === 0 ? '—' : `${lower}/${rounds}`,
          bareUs ? `${median((rps[i] as number[]).map((v, r) => v / ((rps[names.length - 1] as number[])[r] as number))).toFixed(2)}×` : '—',
          mine.map((v) => v.toFixed(0)).join(' '),
        ];
      }),
    );
  } finally {
    for (const p of started.reverse()) await p.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
