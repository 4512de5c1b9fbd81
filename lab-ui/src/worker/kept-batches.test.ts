// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { traceHash } from '../../../engine/trace/hash.ts';
import type { TraceEvent } from '../../../engine/trace/events.ts';
import { KeptBatches } from './kept-batches.ts';
import { TraceEncoder, transferables } from './trace-codec.ts';

// Event-like objects: a type, a time, and values of every kind the codec carries.
const value = fc.oneof(fc.double(), fc.string(), fc.boolean(), fc.constant(null), fc.constant(undefined));
const event = fc.record({ type: fc.constantFrom('request.start', 'plugin.decision', 'request.end'), t: fc.nat(), a: value, b: fc.dictionary(fc.constantFrom('x', 'y', 'z'), value) });

describe('KeptBatches', () => {
  it('hashes what it kept as the events themselves hash, after the posted buffers moved away', () => {
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
        expect(kept.hash()).toBe(traceHash(events as unknown as TraceEvent[]));
      }),
      { numRuns: 100 },
    );
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
