/**
 * A Node benchmark of the lab worker's trace path besides the engine (not a timed test): the
 * big-run scenario of test/browser/bench-large.ts at N requests is simulated once with its events
 * kept and cut where the worker cuts them (a first batch of 2,000 events, then 20,000), then, each
 * round, a fresh encoder encodes every batch, each batch goes through a structured clone with its
 * buffers transferred (what postMessage does to it on both sides) and a fresh decoder decodes it.
 * Prints one JSON line: CPU ms (process.cpuUsage) of the first round (the worker's case: one run,
 * code cold) and the median of the rest, per part, and the bytes and strings that crossed.
 *   npx tsx test/bench/lab-codec.ts [requests] [rounds] [--codec path/to/trace-codec.ts] [--war-story]
 * `--war-story` encodes the Kong war story's overload stretched to N requests (bench-war-story.ts,
 * what `bench-large.ts --war-story` opens) instead of the generated load.
 * `--codec` loads another copy of the codec (a baseline worktree's), so two trees can be compared
 * in alternating processes on the same machine.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadScenarioText } from '../../engine/scenario/load.ts';
import { runVariant } from '../../engine/runtimes/sim/run-scenario.ts';
import { scenarioText } from '../browser/bench-scenario.ts';
import { warStoryText } from '../browser/bench-war-story.ts';

interface Batch {
  strings: unknown;
  [k: string]: unknown;
}
interface CodecModule {
  TraceEncoder: new () => { encode(events: readonly object[]): Batch };
  TraceDecoder: new () => { decode(b: Batch): unknown[] };
  transferables(b: Batch): ArrayBuffer[];
}

const args = process.argv.slice(2);
const warStoryAt = args.indexOf('--war-story');
const warStory = warStoryAt >= 0;
if (warStory) args.splice(warStoryAt, 1);
const codecAt = args.indexOf('--codec');
const codecPath = codecAt >= 0 ? args.splice(codecAt, 2)[1] : undefined;
const requests = Number(args[0] ?? 100_000);
const rounds = Math.min(20, Math.max(1, Number(args[1] ?? 5)));
const codec = (await import(codecPath ? pathToFileURL(resolve(codecPath)).href : '../../lab-ui/src/worker/trace-codec.ts')) as CodecModule;

const loaded = loadScenarioText(warStory ? warStoryText(requests).text : scenarioText(requests), 'bench-large.yaml', () => {
  throw new Error('the bench scenario reads no other file');
});
if (!loaded.scenario) throw new Error(JSON.stringify(loaded.diagnostics));
const run = await runVariant(loaded.scenario, 'base', { level: 'full', hash: false });
const events = run.events as readonly object[];
const batches: Array<readonly object[]> = [events.slice(0, 2_000)];
for (let i = 2_000; i < events.length; i += 20_000) batches.push(events.slice(i, i + 20_000));

const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

interface Round {
  encodeMs: number;
  cloneMs: number;
  decodeMs: number;
  bytes: number;
  strings: number;
}

function oneRound(): Round {
  const enc = new codec.TraceEncoder();
  const dec = new codec.TraceDecoder();
  const r: Round = { encodeMs: 0, cloneMs: 0, decodeMs: 0, bytes: 0, strings: 0 };
  let decoded = 0;
  for (const b of batches) {
    const c0 = cpu();
    const encoded = enc.encode(b);
    const c1 = cpu();
    const moved = codec.transferables(encoded);
    for (const buf of moved) r.bytes += buf.byteLength;
    r.strings += Array.isArray(encoded.strings) ? encoded.strings.length : 0;
    const copy = structuredClone(encoded, { transfer: moved });
    const c2 = cpu();
    decoded += dec.decode(copy).length;
    const c3 = cpu();
    r.encodeMs += c1 - c0;
    r.cloneMs += c2 - c1;
    r.decodeMs += c3 - c2;
  }
  if (decoded !== events.length) throw new Error(`decoded ${decoded} of ${events.length} events`);
  return r;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const all: Round[] = [];
for (let i = 0; i < rounds; i++) all.push(oneRound());
const show = (list: Round[]) => ({
  encodeMs: Math.round(median(list.map((x) => x.encodeMs))),
  cloneMs: Math.round(median(list.map((x) => x.cloneMs))),
  decodeMs: Math.round(median(list.map((x) => x.decodeMs))),
});
const first = all[0] as Round;
console.log(
  JSON.stringify({
    codec: codecPath ?? 'this tree',
    requests: run.requests,
    events: events.length,
    rounds,
    first: show([first]),
    ...(all.length > 1 ? { rest: show(all.slice(1)) } : {}),
    bytes: first.bytes,
    strings: first.strings,
  }),
);
