/**
 * The trace hashes' cost per SHA-256 backend (docs/adr/0002): Node's native one, hash-wasm (what the
 * lab's worker uses) and @noble/hashes (pure JS, the fallback), on the same real trace — the war
 * story (test/bench/war-story.ts) at `decisions`, events kept, ≈ N MB of JSONL.
 *
 * Two tables, interleaved rounds, medians, CPU time:
 * - SHA-256 alone: MB/s over the trace's UTF-8 bytes, fed in 64 KB chunks as JsonlHasher feeds them;
 * - add: events/s and MB/s (of JSONL, for comparison) of the JSON-lines hash's whole path
 *   (JsonlHasher: JSON.stringify, UTF-8 encoding, SHA-256) per backend, beside the path before ADR 0002
 *   (one growing string, native hash of text), JSON.stringify alone (the floor the JSON lines pay),
 *   and the run's trace hash since issue #9, the structural compact form (TraceHasher), native.
 * Every JSON-lines digest must be the same (`same digest`), and so must the structural one across rounds. Bounded: a fixed trace, a fixed number of
 * rounds, and `run.ts` runs it in a child with a time limit.
 *
 *   npx tsx test/bench/hash.ts [megabytes=50] [rounds=3]
 */
import { runVariant } from '../../engine/runtimes/sim/run-scenario.ts';
import type { TraceEvent } from '../../engine/trace/events.ts';
import { JsonlHasher, TraceHasher } from '../../engine/trace/hash.ts';
import { createNativeByteHash, createNobleByteHash, createWasmByteHashFactory, type ByteHash } from '../../engine/trace/sha256-backends.ts';
import { stretchedWarStory } from './war-story.ts';
import { cpuSeconds, median, printTable } from './table.ts';

/** JSONL bytes per war-story request at `decisions` in a short run: the first guess at the run's size. */
const BYTES_PER_REQUEST = 5_100;
const CHUNK = 1 << 16;

interface Backend {
  name: string;
  create: () => ByteHash;
}

async function backends(): Promise<Backend[]> {
  const wasm = await createWasmByteHashFactory();
  const native = createNativeByteHash;
  return [
    { name: 'native (node:crypto)', create: () => native() as ByteHash },
    { name: 'hash-wasm', create: wasm },
    { name: '@noble/hashes', create: createNobleByteHash },
  ];
}

/** The war story at `decisions` with events kept, rerun longer until it yields `megabytes` of JSONL. */
async function traceEvents(megabytes: number): Promise<{ events: TraceEvent[]; requests: number }> {
  let requests = Math.ceil((megabytes * 1e6) / BYTES_PER_REQUEST);
  // Bounded: three tries. Longer runs shed more requests early (the overload's 504s), so bytes per request fall.
  for (let attempt = 0; ; attempt++) {
    const { scenario } = stretchedWarStory(requests);
    const run = await runVariant(scenario, 'base', { level: 'decisions', keepEvents: true });
    let bytes = 0;
    for (const e of run.events) bytes += JSON.stringify(e).length + 1;
    if (bytes >= megabytes * 1e6 * 0.95 || attempt === 2) return { events: run.events, requests: run.requests };
    requests = Math.ceil(requests * ((megabytes * 1e6) / bytes) * 1.05);
  }
}

function timed<T>(work: () => T): { cpu: number; value: T } {
  const cpu0 = cpuSeconds();
  const value = work();
  return { cpu: cpuSeconds() - cpu0, value };
}

function shaOnly(create: () => ByteHash, bytes: Uint8Array): string {
  const h = create();
  for (let at = 0; at < bytes.length; at += CHUNK) h.update(bytes.subarray(at, at + CHUNK));
  return h.hex();
}

function throughAdd(create: () => ByteHash, events: readonly TraceEvent[]): string {
  const h = new JsonlHasher(create());
  for (const e of events) h.add(e);
  return h.digest();
}

/** The path before docs/adr/0002: events appended to one string, handed to node:crypto as text every 64K chars. */
async function stringBatchesNative(): Promise<(events: readonly TraceEvent[]) => string> {
  const { createHash } = await import('node:crypto');
  return (events) => {
    const h = createHash('sha256');
    let pending = '';
    for (const e of events) {
      pending += `${JSON.stringify(e)}\n`;
      if (pending.length > 65536) {
        h.update(pending, 'utf8');
        pending = '';
      }
    }
    return h.update(pending, 'utf8').digest('hex');
  };
}

/** The run's trace hash (structural compact form), native SHA-256. */
function structural(events: readonly TraceEvent[]): string {
  const h = new TraceHasher();
  for (const e of events) h.add(e);
  return h.digest();
}

function stringifyOnly(events: readonly TraceEvent[]): string {
  let chars = 0;
  for (const e of events) chars += JSON.stringify(e).length + 1;
  return String(chars);
}

export async function benchHash(megabytes: number, rounds: number): Promise<void> {
  const { events, requests } = await traceEvents(megabytes);
  const bytes = new TextEncoder().encode(events.map((e) => `${JSON.stringify(e)}\n`).join(''));
  const mb = bytes.length / 1e6;
  const list = await backends();
  const sha = new Map<string, number[]>(list.map((b) => [b.name, []]));
  const before = await stringBatchesNative();
  const BEFORE = 'native, string batches (before)';
  const FLOOR = 'JSON.stringify alone (floor)';
  const STRUCTURAL = 'structural compact form (TraceHasher, the run\'s traceHash), native';
  const add = new Map<string, number[]>([...list.map((b) => [b.name, []] as [string, number[]]), [BEFORE, []], [FLOOR, []], [STRUCTURAL, []]]);
  const digests = new Set<string>();
  const structuralDigests = new Set<string>();
  for (let r = 0; r < rounds; r++) {
    // Rotate who goes first each round, so a neighbour's burst does not always land on one backend.
    const order = list.map((_, i) => list[(i + r) % list.length] as Backend);
    for (const b of order) {
      const s = timed(() => shaOnly(b.create, bytes));
      sha.get(b.name)?.push(s.cpu);
      const a = timed(() => throughAdd(b.create, events));
      add.get(b.name)?.push(a.cpu);
      digests.add(s.value).add(a.value);
    }
    const old = timed(() => before(events));
    add.get(BEFORE)?.push(old.cpu);
    digests.add(old.value);
    add.get(FLOOR)?.push(timed(() => stringifyOnly(events)).cpu);
    const s = timed(() => structural(events));
    add.get(STRUCTURAL)?.push(s.cpu);
    structuralDigests.add(s.value);
  }
  const nativeSha = median(sha.get(list[0]?.name ?? '') ?? []);
  printTable(
    `SHA-256 alone over ${mb.toFixed(1)} MB of war-story JSONL (${events.length.toLocaleString('en')} events), 64 KB updates, median of ${rounds} round(s), CPU time`,
    ['backend', 'MB/s', 'vs native', 'same digest'],
    list.map((b) => {
      const cpu = median(sha.get(b.name) ?? []);
      return [b.name, (mb / cpu).toFixed(0), `${(cpu / nativeSha).toFixed(1)} × the time`, digests.size === 1 ? 'yes' : 'NO'];
    }),
  );
  const nativeAdd = median(add.get(list[0]?.name ?? '') ?? []);
  printTable(
    `add over the same events: JSON lines (JsonlHasher: JSON.stringify + UTF-8 + SHA-256) and the structural hash, median of ${rounds} round(s), CPU time`,
    ['path', 'events/s', 'MB/s of JSONL', 'µs per war-story request', 'vs native JSON lines'],
    [...add].map(([name, cpus]) => {
      const cpu = median(cpus);
      return [name, `${((events.length / cpu) / 1e6).toFixed(2)}M`, (mb / cpu).toFixed(0), ((cpu / requests) * 1e6).toFixed(1), `${(cpu / nativeAdd).toFixed(2)} ×`];
    }),
  );
  if (digests.size !== 1) console.log(`DIGESTS DIFFER: ${[...digests].join(' ')}`);
  if (structuralDigests.size !== 1) console.log(`STRUCTURAL DIGESTS DIFFER: ${[...structuralDigests].join(' ')}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchHash(Number(process.argv[2] ?? 50), Number(process.argv[3] ?? 3));
}
