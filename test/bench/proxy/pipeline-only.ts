/**
 * Where a proxied request's CPU goes, without sockets: the Gateway pipeline with the bench's Kong
 * config (key-auth, rate-limiting, request-transformer) run N times in-process against an upstream
 * that answers at once, with the trace going to (a) no one, (b) the proxy's LiveSink alone, (c) the
 * LiveSink plus the access log and metrics subscribers `gatelab serve` attaches. CPU µs per request,
 * median of rounds. Subtracting this from the proxy's CPU per request leaves the HTTP and socket work.
 *
 * `--plugins=key-auth,rate-limiting` runs another policy set (`--plugins=` for the empty pipeline), to
 * price one plugin in-process as the proxy ablation prices it on sockets. `--ring=N` sizes the
 * LiveSink's `/trace` ring (default: serve's default), to price what keeping the last N events costs.
 *
 *   npx tsx test/bench/proxy/pipeline-only.ts [N] [rounds] [--plugins=a,b] [--ring=N]
 */
import { Gateway } from '../../../engine/pipeline/gateway.ts';
import { HeaderMap } from '../../../engine/pipeline/headers.ts';
import type { PipelineHost } from '../../../engine/pipeline/host.ts';
import { LiveSink } from '../../../engine/runtimes/proxy/live-sink.ts';
import { AccessLogBuilder } from '../../../engine/observe/access-log.ts';
import { formatUpstreamInfo } from '../../../engine/observe/access-log-format.ts';
import { MetricsRegistry } from '../../../engine/observe/metrics.ts';
import type { TraceSink } from '../../../engine/trace/sink.ts';
import { kongIr } from '../../support/kong-config.ts';
import { kongBenchConfig } from './peers.ts';
import { ALL_BENCH_PLUGINS, type BenchPlugin } from './peers/kong-config.ts';
import { BENCH_KEY } from './peers/policies.ts';
import { cpuSeconds, median, printTable } from '../table.ts';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const N = Number(positional[0] ?? 20_000);
const ROUNDS = Number(positional[1] ?? 3);
const pluginsArg = process.argv.find((a) => a.startsWith('--plugins='))?.slice('--plugins='.length);
const PLUGINS = pluginsArg === undefined ? ALL_BENCH_PLUGINS : (pluginsArg.split(',').filter((p) => p !== '') as BenchPlugin[]);
const unknown = PLUGINS.filter((p) => !ALL_BENCH_PLUGINS.includes(p));
if (unknown.length > 0) throw new Error(`--plugins: unknown ${unknown.join(', ')}; known: ${ALL_BENCH_PLUGINS.join(', ')}`);
const ringArg = process.argv.find((a) => a.startsWith('--ring='))?.slice('--ring='.length);
const RING = ringArg === undefined ? undefined : Number(ringArg);
if (RING !== undefined && !(Number.isInteger(RING) && RING >= 1)) throw new Error(`--ring: a whole number of events ≥ 1, not '${ringArg}'`);
const ir = kongIr(kongBenchConfig(9, PLUGINS));

const NULL_SINK: TraceSink = { level: 'decisions', wants: () => false, emit: () => undefined } as unknown as TraceSink;

function makeSink(kind: string): TraceSink {
  if (kind === 'none') return NULL_SINK;
  const sink = new LiveSink('decisions', RING);
  if (kind === 'live+log+metrics') {
    const builder = new AccessLogBuilder(Date.now());
    const metrics = new MetricsRegistry();
    // The line is formatted, as serve does, but not written: this bench is about CPU, not I/O.
    sink.subscribe((e) => {
      const r = builder.add(e);
      if (r) void formatUpstreamInfo(r);
    });
    sink.subscribe((e) => metrics.add(e));
  }
  return sink;
}

async function run(kind: string, n: number): Promise<number> {
  const sink = makeSink(kind);
  const gateway = new Gateway(ir, 'gw-0', Date.now());
  const started = Date.now();
  const host: PipelineHost = {
    replica: 'gw-0',
    sink,
    now: () => Date.now(),
    traceTime: () => Date.now() - started,
    draw: () => 0.5,
    perform: (_e, _id, _p, done) => queueMicrotask(() => done({ ok: true })),
    callUpstream: (_call, done) => {
      const headers = new HeaderMap();
      headers.append('content-type', 'text/plain');
      headers.append('content-length', '3');
      queueMicrotask(() => done({ ok: true, status: 200, headers, body: 'ok\n' }));
    },
  } as PipelineHost;
  const t0 = cpuSeconds();
  for (let i = 0; i < n; i++) {
    const headers = new HeaderMap();
    headers.append('Host', '127.0.0.1:8000');
    headers.append('User-Agent', 'wrk');
    headers.append('apikey', BENCH_KEY);
    await new Promise<void>((resolve) => {
      gateway.handle(
        { id: `req-${i}`, method: 'GET', scheme: 'http', host: '127.0.0.1:8000', port: 8000, path: '/bench', query: '', headers, peerIp: '127.0.0.1' },
        host,
        (handled) => {
          if (handled.response.status !== 200) throw new Error(`status ${handled.response.status}`);
          resolve();
        },
      );
    });
  }
  return ((cpuSeconds() - t0) * 1e6) / n;
}

async function main(): Promise<void> {
  const kinds = ['none', 'live', 'live+log+metrics'];
  for (const k of kinds) await run(k, Math.min(N, 5000));
  const results = new Map(kinds.map((k) => [k, [] as number[]]));
  for (let r = 0; r < ROUNDS; r++) for (const k of r % 2 ? [...kinds].reverse() : kinds) results.get(k)?.push(await run(k, N));
  printTable(
    `Pipeline only (no sockets): the bench's Kong config with ${PLUGINS.length ? PLUGINS.join(' + ') : 'no plugins'}, ${N.toLocaleString('en')} requests × ${ROUNDS} rounds, CPU µs per request (median)`,
    ['trace goes to', 'CPU µs/request', 'per round'],
    kinds.map((k) => [k, median(results.get(k) ?? []).toFixed(1), (results.get(k) ?? []).map((v) => v.toFixed(1)).join(' / ')]),
  );
}

void main();
