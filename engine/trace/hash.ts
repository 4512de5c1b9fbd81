/**
 * The trace hash: SHA-256 over the JSONL form of the events. @noble/hashes is pure JavaScript, so
 * Node and the browser's worker compute the same bytes the same way.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { TraceEvent } from './events.ts';

const encoder = new TextEncoder();

/** The incremental hash both implementations offer: feed text, then take the hex digest once. */
interface TextHash {
  update(text: string): void;
  hex(): string;
}

interface NodeHash {
  update(data: string, encoding: 'utf8'): NodeHash;
  digest(encoding: 'hex'): string;
}
type CreateHash = (algorithm: 'sha256') => NodeHash;

/**
 * Node's native SHA-256 when the runtime offers it synchronously (process.getBuiltinModule, Node ≥
 * 20.16), else @noble/hashes (the browser's worker). Both are SHA-256 over the same UTF-8 bytes, so the
 * digest is the same; the native one is several times faster on a 300k-request trace. Lone surrogates
 * become U+FFFD in both encoders (TextEncoder and Buffer's utf8).
 */
const nativeCreateHash: CreateHash | undefined = (() => {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return undefined;
  try {
    const crypto = proc.getBuiltinModule('node:crypto') as { createHash?: CreateHash } | undefined;
    return typeof crypto?.createHash === 'function' ? crypto.createHash : undefined;
  } catch {
    return undefined;
  }
})();

function createTextHash(): TextHash {
  if (nativeCreateHash) {
    const h = nativeCreateHash('sha256');
    return { update: (text) => void h.update(text, 'utf8'), hex: () => h.digest('hex') };
  }
  const h = sha256.create();
  return { update: (text) => void h.update(encoder.encode(text)), hex: () => bytesToHex(h.digest()) };
}

export class TraceHasher {
  private readonly hash = createTextHash();
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
    return this.hash.hex();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.hash.update(this.pending);
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
