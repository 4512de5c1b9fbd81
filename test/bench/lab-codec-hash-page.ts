/**
 * The page side of lab-codec-hash-browser.ts: simulates a load in Chromium, encodes it as the lab's
 * worker does (a first batch of 2,000 events, then 20,000) and keeps the batches; then each part is
 * one synchronous call the driver times by the main thread's CPU: the worker's hash after `done`
 * (`KeptBatches.hash` of the copy under test, over fresh copies of the kept batches), and, to see
 * where that time goes, the old path's pieces alone (decode; decode and JSON lines; SHA-256 of as
 * many bytes). Bundled by the driver with `kept-batches-under-test` aliased to the copy measured.
 */
import { loadScenarioText } from '../../engine/scenario/load.ts';
import { runVariant } from '../../engine/runtimes/sim/run-scenario.ts';
import { jsonlHash, prepareTraceHash, TraceHasher } from '../../engine/trace/hash.ts';
import { createByteHash } from '../../engine/trace/sha256-backends.ts';
import { TraceDecoder, TraceEncoder, type EncodedBatch } from '../../lab-ui/src/worker/trace-codec.ts';
import { scenarioText } from '../browser/bench-scenario.ts';
// @ts-expect-error resolved by the driver's esbuild alias
import * as kept from 'kept-batches-under-test';

/** Before issue #9 `hash()` gave the JSON lines' digest; since, both digests (kept-batches.ts's KeptHashes). */
interface Kept {
  keep(b: EncodedBatch): EncodedBatch;
  hash(): string | { traceHash: string; traceFileSha256: string };
}
const K = kept as { KeptBatches: new () => Kept };

let batches: EncodedBatch[] = [];
let expected = '';
/** The JSON lines' SHA-256: what a copy from before issue #9 returns, and `traceFileSha256` since. */
let expectedJsonl = '';
let bytes = 0;
let ready: Kept | undefined;

/** Simulates `requests` of the chosen load, keeps its encoded batches and the digest they must give. */
export async function prepare(requests: number, load: 'generated' | 'war-story', warStoryYaml: string): Promise<{ events: number; digest: string }> {
  await prepareTraceHash();
  const text = load === 'generated' ? scenarioText(requests) : warStoryYaml;
  const loaded = loadScenarioText(text, 'bench.yaml', () => {
    throw new Error('the bench scenario reads no other file');
  });
  if (!loaded.scenario) throw new Error(JSON.stringify(loaded.diagnostics));
  const run = await runVariant(loaded.scenario, 'base', { level: 'full', keepEvents: true });
  const events = run.events as readonly object[];
  const enc = new TraceEncoder();
  batches = [enc.encode(events.slice(0, 2_000))];
  for (let i = 2_000; i < events.length; i += 20_000) batches.push(enc.encode(events.slice(i, i + 20_000)));
  expected = run.traceHash;
  const h = new TraceHasher();
  for (const e of run.events) h.add(e);
  if (h.digest() !== expected) throw new Error('the run hash and the kept events disagree');
  expectedJsonl = jsonlHash(run.events);
  bytes = 0;
  for (const e of run.events) bytes += new TextEncoder().encode(`${JSON.stringify(e)}\n`).length;
  return { events: events.length, digest: expected };
}

/** Not timed: fresh copies of the kept batches, as the worker holds them at `done`. */
export function arm(): void {
  ready = new K.KeptBatches();
  for (const b of batches) ready.keep({ ...b, shapeIds: b.shapeIds.slice(), nums: b.nums.slice(), strIds: b.strIds.slice() });
}

/** The worker's hash after `done`: must give the run's digest. */
export function hash(): string {
  if (!ready) throw new Error('arm() first');
  const d = ready.hash();
  ready = undefined;
  const got = typeof d === 'string' ? d : `${d.traceHash} ${d.traceFileSha256}`;
  const want = typeof d === 'string' ? expectedJsonl : `${expected} ${expectedJsonl}`;
  if (got !== want) throw new Error(`digest ${got}, expected ${want}`);
  return got;
}

/** The old path's first piece alone: decode every batch into events. */
export function decodeOnly(): number {
  const dec = new TraceDecoder();
  let n = 0;
  for (const b of batches) n += dec.decode(b).length;
  return n;
}

/** Decode and the JSON lines, joined 16k characters at a time as JsonlHasher does, not hashed. */
export function decodeAndJsonOnly(): number {
  const dec = new TraceDecoder();
  let joined = '';
  let n = 0;
  for (const b of batches) {
    for (const e of dec.decode(b)) {
      joined += `${JSON.stringify(e)}\n`;
      if (joined.length >= 16_384) {
        n += joined.charCodeAt(joined.length >> 1);
        joined = '';
      }
    }
  }
  return n;
}

/** SHA-256 alone (the backend the worker uses) over as many bytes as the trace's JSON lines. */
export function shaOnly(): string {
  const h = createByteHash();
  const block = new Uint8Array(1 << 16).fill(97);
  let left = bytes;
  while (left >= block.length) {
    h.update(block);
    left -= block.length;
  }
  h.update(block.subarray(0, left));
  return h.hex();
}


