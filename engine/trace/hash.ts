/**
 * The trace hash: SHA-256 over the JSONL form of the events. @noble/hashes is pure JavaScript, so
 * Node and the browser's worker compute the same bytes the same way.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { TraceEvent } from './events.ts';

const encoder = new TextEncoder();

export class TraceHasher {
  private readonly hash = sha256.create();
  private pending = '';

  add(event: TraceEvent): void {
    this.pending += `${JSON.stringify(event)}\n`;
    // Feed the hash in chunks: one update per event would be slow, one giant string would be large.
    if (this.pending.length > 65536) this.flush();
  }

  addText(text: string): void {
    this.pending += text;
    if (this.pending.length > 65536) this.flush();
  }

  digest(): string {
    this.flush();
    return bytesToHex(this.hash.digest());
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.hash.update(encoder.encode(this.pending));
    this.pending = '';
  }
}

export function traceHash(events: readonly TraceEvent[]): string {
  const h = new TraceHasher();
  for (const e of events) h.add(e);
  return h.digest();
}

/** A hash over several named hashes, e.g. the top-level hash over all variants of a scenario. */
export function combineHashes(parts: ReadonlyArray<readonly [string, string]>): string {
  const h = new TraceHasher();
  for (const [name, hash] of parts) h.addText(`${name}\t${hash}\n`);
  return h.digest();
}
