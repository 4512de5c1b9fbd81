/**
 * The worker's own copy of the trace it streamed, in the codec's wire form, for hashing it after
 * `done`. The engine can then hand events over and drop them: 2.4M event objects held to the end of
 * a 300k-request run cost the worker ≈ 1 s of garbage collection (docs/benchmarks.md, the lab's
 * eleventh pass), while the encoded columns are a few flat buffers the collector never walks.
 *
 * Two digests come out, as `gatelab run --trace` gives them (issue #9):
 * - `traceHash`, the run's trace hash: the structural compact form (engine/trace/hash.ts), written
 *   straight from the columns too (compact-columns.ts: the bytes CompactTraceHasher gives the decoded
 *   events); from decoded events only for a shape it cannot write;
 * - `traceFileSha256`, the SHA-256 of the trace's JSON lines (what `sha256sum` prints for the CLI's
 *   trace file), read straight from the columns (trace-jsonl.ts: the same bytes as
 *   `JSON.stringify(event) + '\n'`); where code generation is refused, from the decoded events too.
 * Both are computed batch by batch in one pass, each batch let go once hashed.
 */
import { JsonlHasher, TraceHasher } from '../../../engine/trace/hash.ts';
import { createByteHash } from '../../../engine/trace/sha256-backends.ts';
import type { TraceEvent } from '../../../engine/trace/events.ts';
import { TraceDecoder, type EncodedBatch } from './trace-codec.ts';
import { JsonlColumns } from './trace-jsonl.ts';
import { CompactColumns } from './compact-columns.ts';

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

  /**
   * Both digests of everything kept, batch by batch in one pass, letting each go once hashed. With
   * `file: false` only the structural hash: the JSON lines are neither written nor hashed, and
   * `traceFileSha256` is ''.
   */
  hash(opts: { file?: boolean } = {}): KeptHashes {
    const file = opts.file !== false;
    const batches = this.batches;
    this.batches = [];
    const structural = createByteHash();
    const compact = new CompactColumns((bytes) => structural.update(bytes));
    const sha = file ? createByteHash() : undefined;
    const lines = sha ? new JsonlColumns((bytes) => sha.update(bytes)) : undefined;
    // Where a shape cannot be written from the columns (code generation refused for the JSON lines;
    // an event that is no object, or too deep, for either), that digest comes from decoded events.
    const fromColumns = (b: EncodedBatch | undefined): boolean => compact.prepare(b as EncodedBatch);
    const slowHash = batches.every(fromColumns) ? undefined : new TraceHasher();
    const jsonl = !lines || batches.every((b) => lines.prepare(b as EncodedBatch)) ? undefined : new JsonlHasher();
    const decoder = slowHash || jsonl ? new TraceDecoder() : undefined;
    for (let i = 0; i < batches.length; i++) {
      const batch = batches[i] as EncodedBatch;
      batches[i] = undefined;
      if (!jsonl) lines?.write(batch);
      if (!slowHash) compact.write(batch);
      if (decoder) for (const e of decoder.decode<TraceEvent>(batch)) {
        slowHash?.add(e);
        jsonl?.add(e);
      }
    }
    if (!jsonl) lines?.end();
    if (!slowHash) compact.end();
    return { traceHash: slowHash ? slowHash.digest() : structural.hex(), traceFileSha256: jsonl ? jsonl.digest() : (sha?.hex() ?? '') };
  }
}

/** The run's trace hash and the SHA-256 of its JSON lines (`gatelab run --trace`'s file). */
export interface KeptHashes {
  traceHash: string;
  traceFileSha256: string;
}
