/**
 * The run's trace hash (issue #9, ADR 0002's ninth pass): SHA-256 over the structural compact form of
 * the kept events (compact-hash.ts): every event and every field, except the `reason` and `data` of
 * `plugin.decision`. It pins what a run does — which events, in which order, at which times, every
 * verdict, status, route, target and header — at ≈ a fifth of the JSON lines' price in the run, which
 * is what brings the 300k war story under issue #9's 2 s. It does not pin a decision's wording or its
 * details: the golden pins (test/scenarios/golden/trace-hashes.json) therefore also keep the
 * JSON-lines hash of the kept events (jsonl-hash.ts), which pins every byte.
 *
 * Its bytes depend on the events' JSON values only, so a trace file written by `gatelab run --trace`
 * hashes to the run's `traceHash` once parsed (`gatelab trace hash FILE`, or `traceHashOfJsonl`);
 * `sha256sum FILE` gives the file's `traceFileSha256` (the JSON-lines hash) instead.
 */
import type { TraceEvent } from './events.ts';
import { CompactTraceHasher, type CompactOptions } from './compact-hash.ts';
import type { ByteHash } from './sha256-backends.ts';

export { prepareTraceHash } from './sha256-backends.ts';
export { JsonlHasher, jsonlHash, combineHashes } from './jsonl-hash.ts';

/** The run's hasher: the structural compact form. The name stays, so its callers did not change. */
export class TraceHasher extends CompactTraceHasher {
  constructor(hash?: ByteHash) {
    super(hash ? { hash } : {});
  }
}

/** The run's trace hash of `events` (what runVariant's `traceHash` is for the same kept events). */
export function traceHash(events: Iterable<TraceEvent>): string {
  const h = new TraceHasher();
  for (const e of events) h.add(e);
  return h.digest();
}

/** The compact digest of events. */
export function compactTraceHash(events: Iterable<TraceEvent>, opts: CompactOptions = {}): string {
  const h = new CompactTraceHasher(opts);
  for (const e of events) h.add(e);
  return h.digest();
}

/**
 * Re-hashes a JSONL trace file (what `gatelab run --trace` writes) to the compact digest: each line
 * parsed and added. The digest equals the run's, since the bytes depend on the JSON value only.
 */
export function compactHashOfJsonl(text: string, opts: CompactOptions = {}): string {
  const h = new CompactTraceHasher(opts);
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end > start) h.add(JSON.parse(text.slice(start, end)) as TraceEvent);
    start = end + 1;
  }
  return h.digest();
}
