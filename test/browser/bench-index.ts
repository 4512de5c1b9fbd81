/**
 * A Node benchmark, not a timed test: the page's own work on a streamed trace, apart from the browser.
 * The Kong war story stretched to N requests is run once and encoded in 20k-event batches as the lab's
 * worker posts them; then, `rounds` times, the batches are decoded as the page decodes them
 * (TraceDecoder) and indexed as the page indexes them (TraceIndexBuilder.add per batch). Prints the
 * CPU ms of each per round. Run with --expose-gc so each round starts without the last one's garbage:
 *   node --expose-gc --import tsx test/browser/bench-index.ts [requests=100000] [rounds=4]
 */
import { runVariant } from '../../engine/runtimes/sim/run-scenario.ts';
import type { TraceEvent } from '../../engine/trace/events.ts';
import { TraceIndexBuilder } from '../../lab-ui/src/lib/derive/trace-index.ts';
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
for (let r = 0; r < rounds; r++) {
  collect?.();
  // A decoder per round, as a page has one per run (its string table starts empty).
  const decoder = new TraceDecoder();
  let c0 = cpuMs();
  const batches = wire.map((b) => decoder.decode<TraceEvent>(b));
  decodeMs.push(Math.round(cpuMs() - c0));
  c0 = cpuMs();
  const builder = new TraceIndexBuilder();
  for (const batch of batches) builder.add(batch);
  indexMs.push(Math.round(cpuMs() - c0));
}
console.log(JSON.stringify({ requests: run.requests, events, decodeMs, indexMs }));
