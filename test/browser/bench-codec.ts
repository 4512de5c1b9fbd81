/**
 * A Node benchmark of the lab's trace wire codec (lab-ui/src/worker/trace-codec.ts), not a timed
 * test: the big-run scenario of bench-large.ts at N requests (30k by default) is simulated once, then
 * its trace is encoded and decoded in 20,000-event batches, `rounds` times, a new encoder and
 * decoder each round as in a run, with per-shape generated code or with the generic walk. Prints the
 * median CPU ms (process.cpuUsage, so other processes on a shared machine count less) as one JSON line.
 *   npx tsx test/browser/bench-codec.ts [requests] [rounds] [generated|generic|both]
 * Compare the two modes in separate processes, as the worker runs one: in one process they share
 * the encoder's call sites and each slows the other's JIT (`both` is only a quick look).
 */
import { loadScenarioText } from '../../engine/scenario/load.ts';
import { runVariant } from '../../engine/runtimes/sim/run-scenario.ts';
import { TraceDecoder, TraceEncoder, type EncodedBatch } from '../../lab-ui/src/worker/trace-codec.ts';
import { scenarioText } from './bench-scenario.ts';

const requests = Number(process.argv[2] ?? 30_000);
const rounds = Math.min(20, Math.max(1, Number(process.argv[3] ?? 5)));
const mode = process.argv[4] ?? 'both';
if (!['generated', 'generic', 'both'].includes(mode)) throw new Error(`mode must be generated, generic or both, not '${mode}'`);
const BATCH = 20_000;

const loaded = loadScenarioText(scenarioText(requests), 'bench-large.yaml', () => {
  throw new Error('the bench scenario reads no other file');
});
if (!loaded.scenario) throw new Error(JSON.stringify(loaded.diagnostics));
const run = await runVariant(loaded.scenario, 'base', { level: 'full' });
const events = run.events as readonly object[];

function cpuMs(work: () => void): number {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

function measure(compile: boolean): { encodeMs: number; decodeMs: number } {
  const enc = new TraceEncoder({ compile });
  const batches: EncodedBatch[] = [];
  const encodeMs = cpuMs(() => {
    for (let i = 0; i < events.length; i += BATCH) batches.push(enc.encode(events.slice(i, i + BATCH)));
  });
  const dec = new TraceDecoder({ compile });
  let decoded = 0;
  const decodeMs = cpuMs(() => {
    for (const b of batches) decoded += dec.decode(b).length;
  });
  if (decoded !== events.length) throw new Error(`decoded ${decoded} of ${events.length} events`);
  return { encodeMs, decodeMs };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const results = { generated: [] as Array<{ encodeMs: number; decodeMs: number }>, generic: [] as Array<{ encodeMs: number; decodeMs: number }> };
const modes = mode === 'both' ? [true, false] : [mode === 'generated'];
for (let r = 0; r < rounds; r++) {
  // Alternate which goes first so warm-up and the machine's load fall on both alike.
  for (const compile of r % 2 === 0 ? modes : [...modes].reverse()) results[compile ? 'generated' : 'generic'].push(measure(compile));
}
const summary = (list: Array<{ encodeMs: number; decodeMs: number }>) => ({
  encodeMs: Math.round(median(list.map((x) => x.encodeMs))),
  decodeMs: Math.round(median(list.map((x) => x.decodeMs))),
});
const shown = Object.fromEntries(Object.entries(results).filter(([, list]) => list.length > 0).map(([k, list]) => [k, summary(list)]));
console.log(JSON.stringify({ requests: run.requests, events: events.length, rounds, ...shown }));
