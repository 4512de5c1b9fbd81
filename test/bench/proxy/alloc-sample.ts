/**
 * Where `gatelab serve` allocates per request: serve under wrk -c50 with the inspector open, V8's
 * sampling heap profiler on (objects later collected by minor and major GC included, so short-lived
 * garbage counts), bytes per request by allocation site, bundle frames mapped back to the sources
 * through the bundle's source map.
 *
 *   npx tsx test/bench/proxy/alloc-sample.ts [--root=DIR] [--seconds 6] [--top 40]
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { WebSocket } from 'undici';
import { freePort } from './process-tools.ts';
import { startGatelab, startUpstream } from './peers.ts';
import { runWrk } from './wrk.ts';
import { BENCH_KEY } from './peers/policies.ts';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const at = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (at < 0) return undefined;
  return args[at]?.includes('=') ? args[at]?.slice(name.length + 3) : args[at + 1];
};
const root = opt('root');
const seconds = Math.min(10, Number(opt('seconds') ?? 6));
const top = Number(opt('top') ?? 40);

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  selfSize: number;
  id: number;
  children: SamplingNode[];
}

/** A tiny CDP client over the inspector's WebSocket: one request at a time is all this needs. */
async function inspector(port: number): Promise<{ send: (method: string, params?: object) => Promise<Record<string, unknown>>; close: () => void }> {
  const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
  const ws = new WebSocket(list[0]!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let next = 1;
  const waiting = new Map<number, (r: Record<string, unknown>) => void>();
  ws.onmessage = (m: { data: unknown }) => {
    const msg = JSON.parse(String(m.data)) as { id?: number; result?: Record<string, unknown>; error?: unknown };
    if (msg.id !== undefined) waiting.get(msg.id)?.(msg.result ?? { error: msg.error });
  };
  return {
    send: (method, params = {}) =>
      new Promise((resolve) => {
        const id = next++;
        waiting.set(id, resolve);
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}

const maps = new Map<string, SourceMap | null>();
function where(f: SamplingNode['callFrame']): string {
  let map = maps.get(f.url);
  if (map === undefined) {
    map = null;
    if (f.url.includes('.cache/gatelab/serve-')) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(`${f.url.replace(/^file:\/\//, '')}.map`, 'utf8')));
      } catch {
        map = null;
      }
    }
    maps.set(f.url, map);
  }
  const name = f.functionName || '(anonymous)';
  if (map) {
    const e = map.findEntry(f.lineNumber, f.columnNumber) as { originalSource?: string; originalLine?: number };
    if (e.originalSource) return `${name} ${e.originalSource.replace(/^.*?\/(engine|node_modules)\//, '$1/')}:${(e.originalLine ?? 0) + 1}`;
  }
  return `${name} ${f.url.replace(/^.*\/node_modules\//, '').replace(/^file:.*\//, '')}:${f.lineNumber + 1}`;
}

const upstreamPort = await freePort();
const upstream = await startUpstream(upstreamPort);
const port = await freePort();
const inspectPort = await freePort();
const serve = await startGatelab({ port, adminPort: await freePort(), upstreamPort, root, nodeArgs: [`--inspect=127.0.0.1:${inspectPort}`] });
try {
  await runWrk({ port, seconds: 4, headers: { apikey: BENCH_KEY } });
  const cdp = await inspector(inspectPort);
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  const r = await runWrk({ port, seconds, headers: { apikey: BENCH_KEY } });
  const { profile } = (await cdp.send('HeapProfiler.stopSampling')) as { profile: { head: SamplingNode } };
  cdp.close();
  const bySite = new Map<string, number>();
  let total = 0;
  const walk = (node: SamplingNode, parent: string): void => {
    const here = node.callFrame.url === '' && node.callFrame.functionName === '' ? parent : where(node.callFrame);
    if (node.selfSize > 0) {
      bySite.set(here, (bySite.get(here) ?? 0) + node.selfSize);
      total += node.selfSize;
    }
    for (const c of node.children) walk(c, here);
  };
  walk(profile.head, '(root)');
  console.log(`${r.requests} requests in ${seconds} s (${Math.round(r.rps)} req/s): ${(total / r.requests / 1024).toFixed(1)} KB allocated per request`);
  for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${String(Math.round(bytes / r.requests)).padStart(6)} B  ${site}`);
} finally {
  await serve.stop();
  await upstream.stop();
}
