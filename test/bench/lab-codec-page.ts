/**
 * The page side of lab-codec-browser.ts: simulates the big-run scenario in Chromium, cuts its events
 * where the lab's worker cuts them (a first batch of 2,000 events, then 20,000), and offers each part
 * of a round as its own synchronous call, so the driver can read the main thread's CPU time around
 * each: encode every batch with a fresh encoder, structured-clone each batch with its buffers
 * transferred (what postMessage does to it), decode them with a fresh decoder. Bundled by the
 * driver with `trace-codec-under-test` aliased to the codec being measured.
 */
import { loadScenarioText } from '../../engine/scenario/load.ts';
import { runVariant } from '../../engine/runtimes/sim/run-scenario.ts';
import { scenarioText } from '../browser/bench-scenario.ts';
// @ts-expect-error resolved by the driver's esbuild alias
import * as codec from 'trace-codec-under-test';

interface Batch {
  [k: string]: unknown;
}
interface Codec {
  TraceEncoder: new () => { encode(events: readonly object[]): Batch };
  TraceDecoder: new () => { decode(b: Batch): unknown[] };
  transferables(b: Batch): ArrayBuffer[];
}
const c = codec as Codec;

let batches: Array<readonly object[]> = [];
let eventCount = 0;
let encoded: Batch[] = [];
let copies: Batch[] = [];

function cut(events: readonly object[]): Array<readonly object[]> {
  const out: Array<readonly object[]> = [events.slice(0, 2_000)];
  for (let i = 2_000; i < events.length; i += 20_000) out.push(events.slice(i, i + 20_000));
  return out;
}

/**
 * Simulates the trace to measure. `warm`: first encode and decode a trace of another seed (the same
 * shapes, other strings), so the first round shows what is left once the code is warm.
 */
export async function prepare(requests: number, warm: boolean, yaml = ''): Promise<{ events: number; simulateMs: number }> {
  // `yaml`: another scenario's text (the driver's --war-story); else the generated rate-limit load.
  const loaded = loadScenarioText(yaml || scenarioText(requests), 'bench-large.yaml', () => {
    throw new Error('the bench scenario reads no other file');
  });
  if (!loaded.scenario) throw new Error(JSON.stringify(loaded.diagnostics));
  if (warm) {
    const other = await runVariant(loaded.scenario, 'base', { level: 'full', hash: false, seed: 2 });
    const enc = new c.TraceEncoder();
    const dec = new c.TraceDecoder();
    for (const b of cut(other.events)) {
      const e = enc.encode(b);
      dec.decode(structuredClone(e, { transfer: c.transferables(e) }));
    }
  }
  const s0 = performance.now();
  const run = await runVariant(loaded.scenario, 'base', { level: 'full', hash: false });
  const simulateMs = performance.now() - s0;
  batches = cut(run.events);
  eventCount = run.events.length;
  return { events: eventCount, simulateMs };
}

export function encodeAll(): void {
  const enc = new c.TraceEncoder();
  encoded = batches.map((b) => enc.encode(b));
}

export function cloneAll(): void {
  copies = encoded.map((e) => structuredClone(e, { transfer: c.transferables(e) }));
  encoded = [];
}

export function decodeAll(): void {
  const dec = new c.TraceDecoder();
  let n = 0;
  for (const b of copies) n += dec.decode(b).length;
  copies = [];
  if (n !== eventCount) throw new Error(`decoded ${n} of ${eventCount} events`);
}
