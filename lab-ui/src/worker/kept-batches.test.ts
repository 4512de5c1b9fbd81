// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { jsonlHash, traceHash } from '../../../engine/trace/hash.ts';
import type { TraceEvent } from '../../../engine/trace/events.ts';
import { KeptBatches } from './kept-batches.ts';
import { TraceEncoder, transferables } from './trace-codec.ts';
import { JsonlColumns } from './trace-jsonl.ts';

// Event-like objects: a type, a time, and values of every kind the codec carries.
const value = fc.oneof(fc.double(), fc.string(), fc.boolean(), fc.constant(null), fc.constant(undefined));
const event = fc.record({ type: fc.constantFrom('request.start', 'plugin.decision', 'request.end'), t: fc.nat(), a: value, b: fc.dictionary(fc.constantFrom('x', 'y', 'z'), value) });

describe('KeptBatches', () => {
  // Both digests, as the CLI gives them (issue #9): the run's structural traceHash, and the JSON
  // lines' SHA-256 (traceFileSha256) — from the columns, or from decoded events where code generation is refused.
  it.each([['generated JSON-lines writers', false], ['code generation refused', true]] as const)('hashes what it kept as the events themselves hash, after the posted buffers moved away (%s)', (_, refused) => {
    const spy = refused ? vi.spyOn(JsonlColumns.prototype, 'prepare').mockReturnValue(false) : undefined;
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), fc.integer({ min: 1, max: 25 }), (events, size) => {
        const encoder = new TraceEncoder();
        const kept = new KeptBatches();
        for (let i = 0; i < events.length; i += size) {
          const posted = kept.keep(encoder.encode(events.slice(i, i + size)));
          // What postMessage does to the posted batch: its buffers are detached here.
          structuredClone(posted, { transfer: transferables(posted) });
          expect(posted.nums.byteLength).toBe(0);
        }
        const evs = events as unknown as TraceEvent[];
        expect(kept.hash()).toEqual({ traceHash: traceHash(evs), traceFileSha256: jsonlHash(evs) });
      }),
      { numRuns: 100 },
    );
    if (spy) {
      expect(spy).toHaveBeenCalled();
      spy.mockRestore();
    }
  });

  it('writes only the structural hash when the JSON lines\' digest is not asked for', () => {
    const prepare = vi.spyOn(JsonlColumns.prototype, 'prepare');
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), fc.integer({ min: 1, max: 25 }), (events, size) => {
        const encoder = new TraceEncoder();
        const kept = new KeptBatches();
        for (let i = 0; i < events.length; i += size) kept.keep(encoder.encode(events.slice(i, i + size)));
        expect(kept.hash({ file: false })).toEqual({ traceHash: traceHash(events as unknown as TraceEvent[]), traceFileSha256: '' });
      }),
      { numRuns: 50 },
    );
    // No JSON lines were prepared, let alone written.
    expect(prepare).not.toHaveBeenCalled();
    prepare.mockRestore();
  });
});

describe('TraceEncoder add and take', () => {
  it('writes the same batch from slices added one by one as from one encode', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 10 }), (events, cuts) => {
        const whole = new TraceEncoder().encode(events);
        const sliced = new TraceEncoder();
        for (let i = 0, c = 0; i < events.length; c++) {
          const n = cuts[c % cuts.length] as number;
          sliced.add(events.slice(i, i + n));
          i += n;
        }
        expect(sliced.pending).toBe(events.length);
        expect(sliced.take()).toEqual(whole);
        expect(sliced.pending).toBe(0);
      }),
      { numRuns: 100 },
    );
  });
});
