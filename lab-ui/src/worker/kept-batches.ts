/**
 * The worker's own copy of the trace it streamed, in the codec's wire form, for hashing it after
 * `done`. The engine can then hand events over and drop them: 2.4M event objects held to the end of
 * a 300k-request run cost the worker ≈ 1 s of garbage collection (docs/benchmarks.md, the lab's
 * eleventh pass), while the encoded columns are a few flat buffers the collector never walks.
 * The hash reads the JSON lines' bytes straight from the columns (trace-jsonl.ts: the same bytes as
 * `JSON.stringify(event) + '\n'`, so the same digest as the CLI's); where code generation is
 * refused it decodes the events and hashes them as the engine does.
 */
import { TraceHasher } from '../../../engine/trace/hash.ts';
import { createByteHash } from '../../../engine/trace/sha256-backends.ts';
import type { TraceEvent } from '../../../engine/trace/events.ts';
import { TraceDecoder, type EncodedBatch } from './trace-codec.ts';
import { JsonlColumns } from './trace-jsonl.ts';

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

  /** The trace hash of everything kept, batch by batch, letting each go once hashed. */
  hash(): string {
    const batches = this.batches;
    this.batches = [];
    const sha = createByteHash();
    const lines = new JsonlColumns((bytes) => sha.update(bytes));
    if (!batches.every((b) => lines.prepare(b as EncodedBatch))) return decodedHash(batches);
    for (let i = 0; i < batches.length; i++) {
      lines.write(batches[i] as EncodedBatch);
      batches[i] = undefined;
    }
    lines.end();
    return sha.hex();
  }
}

/** The hash through decoded events, for where the JSON-lines writers cannot be generated. */
function decodedHash(batches: Array<EncodedBatch | undefined>): string {
  const decoder = new TraceDecoder();
  const hasher = new TraceHasher();
  for (let i = 0; i < batches.length; i++) {
    const events = decoder.decode<TraceEvent>(batches[i] as EncodedBatch);
    batches[i] = undefined;
    for (const e of events) hasher.add(e);
  }
  return hasher.digest();
}
