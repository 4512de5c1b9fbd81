/**
 * A Node benchmark, not a timed test: the page's own work on a streamed trace, apart from the browser.
 * The Kong war story stretched to N requests is run once and encoded in 20k-event batches as the lab's
 * worker posts them; then, `rounds` times, the batches are decoded as the page decodes them
 * (TraceDecoder) and indexed as the page indexes them (TraceIndexBuilder.add per batch), taking the
 * snapshots the page would take while the run streams (DEFAULT_SNAPSHOTS by event count; the page also
 * takes one after `maxWaitMs`). Prints the CPU ms of each per round, the snapshots' apart (their own
 * cost only: the views' work on each snapshot is the browser's). Run with --expose-gc so each round
 * starts without the last one's garbage:
 *   node --expose-gc --import tsx test/browser/bench-index.ts [requests=100000] [rounds=4]
 */
import { runVariant } from '../../engine/runtimes/sim/run-scenario.ts';
import type { TraceEvent } from '../../engine/trace/events.ts';
import { TraceIndexBuilder } from '../../lab-ui/src/lib/derive/trace-index.ts';
import { DEFAULT_SNAPSHOTS, snapshotDue } from '../../lab-ui/src/lib/streaming-index.ts';
import { TraceDecoder, TraceEncoder, type EncodedBatch } from '../../lab-ui/src/worker/trace-codec.ts';
import { stretchedWarStory } from '../bench/war-story.ts';

const requests = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 4);
const run = await runVariant(stretchedWarStory(requests).scenario, 'base', { level: 'full', keepEvents: true });
const encoder = new TraceEncoder();
const wire: EncodedBatch[] = [];
for (let at = 0; at < run.events.length; at += 20_000) wire.push(encoder.encode(run.events.slice(at, at + 20_000)));
// The page's copy is what it decoded; the run's own events are not needed past here.
const events = run.events.length;
run.events.length = 0;

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const collect = (globalThis as { gc?: () => void }).gc;
const decodeMs: number[] = [];
const indexMs: number[] = [];
const snapshotMs: number[] = [];
let snapshots = 0;
for (let r = 0; r < rounds; r++) {
  collect?.();
  // A decoder per round, as a page has one per run (its string table starts empty).
  const decoder = new TraceDecoder();
  let c0 = cpuMs();
  const batches = wire.map((b) => decoder.decode<TraceEvent>(b));
  decodeMs.push(Math.round(cpuMs() - c0));
  const builder = new TraceIndexBuilder();
  const soFar: TraceEvent[] = [];
  let published = 0;
  let index = 0;
  let snap = 0;
  snapshots = 0;
  for (const batch of batches) {
    for (const e of batch) soFar.push(e);
    c0 = cpuMs();
    builder.add(batch);
    const c1 = cpuMs();
    index += c1 - c0;
    if (!snapshotDue(DEFAULT_SNAPSHOTS, published, soFar.length, 0)) continue;
    published = soFar.length;
    builder.snapshot(soFar.slice());
    snap += cpuMs() - c1;
    snapshots++;
  }
  indexMs.push(Math.round(index));
  snapshotMs.push(Math.round(snap));
}
console.log(JSON.stringify({ requests: run.requests, events, decodeMs, indexMs, snapshots, snapshotMs }));
