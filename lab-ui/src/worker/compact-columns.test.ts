// @vitest-environment node
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompactTraceHasher } from '../../../engine/trace/compact-hash.ts';
import type { TraceEvent } from '../../../engine/trace/events.ts';
import { traceHash } from '../../../engine/trace/hash.ts';
import { loadScenario } from '../../../engine/scenario/load.ts';
import { runVariant } from '../../../engine/runtimes/sim/run-scenario.ts';
import { CompactColumns } from './compact-columns.ts';
import { KeptBatches } from './kept-batches.ts';
import { TraceEncoder } from './trace-codec.ts';

// Replay a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`compact-columns property seed: ${seed} (set FC_SEED to replay)`);

/** Strings JSON escapes or UTF-8 encodes oddly: quotes, backslashes, controls, 2- to 4-byte characters, lone surrogates. */
const oddString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('"', '\\', '\\u0041', '\u0000\u001f\u007f\b\f\n\r\t', '\ud800', 'a\udfffb', '\udbff\udc00', '\ud83d\ude00', '— en–dash', '\u2028\u2029', '\u07ff\u0800\uffff', 'x'.repeat(70), 'é'.repeat(30)),
);
/** Numbers on either side of the int32 / float64 / null split. */
const oddNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(-0, 0, 1e21, -1e21, 1e-7, 5e-324, Number.MAX_VALUE, Number.NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31), 2 ** 31 - 1, -(2 ** 31) - 1, 2 ** 53, 0.1 + 0.2),
);
const leaf = fc.oneof(oddNumber, oddString, fc.boolean(), fc.constant(null), fc.constant(undefined));
/** Keys from the compact dictionary (one byte), including `type` nested and event-type names as keys, and others. */
const key = fc.oneof(oddString, fc.constantFrom('0', '17', '__proto__', 't', 'type', 'reason', 'data', 'status', 'headers', 'plugin.decision', 'requests'));
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(key, tie('v'), { maxKeys: 4, noNullPrototype: true })),
})).v;
/** Every event type, a type that names none, a dictionary key that is no type, and odd `type` values. */
const type = fc.oneof(
  fc.constantFrom('run.start', 'config.load', 'request.start', 'plugin.decision', 'upstream.send', 'upstream.response', 'request.end', 'span', 'run.end', 'no.such', 't', 'reason'),
  leaf,
);
/** Events: a type (sometimes missing, or not first), a time, a decision's fields, then anything JSON-like. */
const event = fc
  .record({
    type,
    t: oddNumber,
    reason: fc.oneof(oddString, value),
    data: value,
    rest: fc.dictionary(key, value, { maxKeys: 5, noNullPrototype: true }),
    layout: fc.constantFrom('typed', 'decision', 'untyped', 'late'),
  })
  .map(({ type, t, reason, data, rest, layout }) => {
    if (layout === 'decision') return { type, t, req: 'r1', plugin: 'p', phase: 'access', verdict: 'allow', reason, ...(typeof data === 'number' ? { status: data } : {}), data };
    if (layout === 'untyped') return { t, ...rest };
    if (layout === 'late') return { t, reason, ...rest, type, data };
    return { type, t, ...rest };
  });

/** A ByteHash that keeps the bytes it is given. */
function collector(): { parts: number[]; update: (b: Uint8Array) => void; hex: () => string } {
  const parts: number[] = [];
  return { parts, update: (b) => { for (const x of b) parts.push(x); }, hex: () => '' };
}

/** CompactTraceHasher's structural bytes for `events`. */
function hasherBytes(events: readonly object[], fastPaths: boolean): number[] {
  const c = collector();
  const h = new CompactTraceHasher({ hash: c, fastPaths });
  for (const e of events) h.add(e as TraceEvent);
  h.digest();
  return c.parts;
}

/** The columns' compact bytes for `events` encoded in batches of `size`; undefined when a shape is refused. */
function columnBytes(events: readonly object[], size: number, opts: { compile: boolean; outBytes: number; tableLimit: number }): number[] | undefined {
  const parts: number[] = [];
  const cols = new CompactColumns((b) => { for (const x of b) parts.push(x); }, { compile: opts.compile, outBytes: opts.outBytes });
  const enc = new TraceEncoder({ tableLimit: opts.tableLimit });
  for (let i = 0; i < events.length; i += size) {
    const batch = enc.encode(events.slice(i, i + size));
    if (!cols.prepare(batch)) return undefined;
    cols.write(batch);
  }
  cols.end();
  return parts;
}

describe('the structural compact form from the codec columns', () => {
  it.each([['generated writers', true], ['plain writers (code generation refused)', false]] as const)(
    'writes CompactTraceHasher\'s bytes, at any batch size, output size and string-table limit (%s)',
    (_, compile) => {
      fc.assert(
        fc.property(
          fc.array(event, { maxLength: 30 }),
          fc.integer({ min: 1, max: 12 }),
          fc.constantFrom(512, 2048, 1 << 16),
          fc.constantFrom(0, 3, 1 << 16),
          (events, size, outBytes, tableLimit) => {
            const got = columnBytes(events, size, { compile, outBytes, tableLimit });
            expect(got).toBeDefined();
            const want = hasherBytes(events, true);
            expect(got).toEqual(want);
            expect(hasherBytes(events, false)).toEqual(want);
          },
        ),
        { seed, numRuns: 400 },
      );
    },
  );

  it('refuses an event that is no object, so the caller decodes', () => {
    expect(new CompactColumns(() => undefined).prepare(new TraceEncoder().encode(['x'] as unknown as object[]))).toBe(false);
  });
});

function firstDifference(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const FILES = ['scenarios/rate-limiting/boundary-burst.yaml', 'scenarios/canary/shadow-traffic.yaml', 'scenarios/observability/trace-propagation.yaml', 'scenarios/auth/jwks-cache.yaml'];

describe('the structural compact form from the columns on scenario traces', () => {
  it.each(FILES.map((f) => [f]))('%s: the run\'s traceHash, generated and plain', async (file) => {
    const scenario = loadScenario(join(ROOT, file), (p) => readFileSync(resolve(p), 'utf8')).scenario;
    expect(scenario, file).toBeDefined();
    const variant = scenario!.variants[0]?.name ?? 'base';
    for (const level of ['decisions', 'full'] as const) {
      const run = await runVariant(scenario!, variant, { level });
      const events = run.events as unknown as object[];
      expect(traceHash(run.events)).toBe(run.traceHash);
      const want = hasherBytes(events, true);
      for (const compile of [true, false]) {
        const got = columnBytes(events, 500, { compile, outBytes: 1 << 16, tableLimit: 1 << 10 }) ?? [];
        // Where the bytes first differ (-1: nowhere), not a diff of megabytes.
        expect(firstDifference(got, want), `${file} ${level} compile=${compile}`).toBe(-1);
      }
      const encoder = new TraceEncoder({ tableLimit: 1 << 10 });
      const kept = new KeptBatches();
      for (let i = 0; i < events.length; i += 700) kept.keep(encoder.encode(events.slice(i, i + 700)));
      expect(kept.hash().traceHash, `${file} ${level} kept`).toBe(run.traceHash);
    }
  }, 120_000);
});
