/**
 * The worker's own copy of the trace it streamed, in the codec's wire form, for hashing it after
 * `done`. The engine can then hand events over and drop them: 2.4M event objects held to the end of
 * a 300k-request run cost the worker ≈ 1 s of garbage collection (docs/benchmarks.md, the lab's
 * eleventh pass), while the encoded columns are a few flat buffers the collector never walks.
 * Decoding gives events equal to the engine's, keys in order (trace-codec.test.ts), so their JSON
 * lines and the digest are the same (test/scenarios/hash-after-run.test.ts, the browser tests).
 */
import { TraceHasher } from '../../../engine/trace/hash.ts';
import type { TraceEvent } from '../../../engine/trace/events.ts';
import { TraceDecoder, type EncodedBatch } from './trace-codec.ts';

export class KeptBatches {
  private batches: Array<EncodedBatch | undefined> = [];

  /**
   * Keeps a copy of `batch` and returns the batch to post: its buffers are transferred, so the kept
   * columns must be copies. The shape and string lists are not transferred (structured clone copies
   * them) and are kept as they are.
   */
  keep(batch: EncodedBatch): EncodedBatch {
    this.batches.push({ ...batch, shapeIds: batch.shapeIds.slice(), nums: batch.nums.slice(), strIds: batch.strIds.slice() });
    return batch;
  }

  /** The trace hash of everything kept, decoding batch by batch and letting each go once hashed. */
  hash(): string {
    const decoder = new TraceDecoder();
    const hasher = new TraceHasher();
    const batches = this.batches;
    this.batches = [];
    for (let i = 0; i < batches.length; i++) {
      const events = decoder.decode<TraceEvent>(batches[i] as EncodedBatch);
      batches[i] = undefined;
      for (const e of events) hasher.add(e);
    }
    return hasher.digest();
  }
}
