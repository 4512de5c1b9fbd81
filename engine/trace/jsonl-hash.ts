/**
 * The JSON-lines hash: SHA-256 over the JSONL form of the events (one JSON.stringify per event, then
 * '\n'), encoded as UTF-8 — exactly the bytes `gatelab run --trace` writes, so its digest is what
 * `sha256sum` prints for that file. Until issue #9 this was the run's `traceHash`; now the run hashes
 * the structural compact form (hash.ts) and this one pins every byte where a lossless pin is wanted:
 * the golden hashes' second column, the trace file's `traceFileSha256`, the lab's file hash.
 * `combineHashes` hashes its text with it too.
 *
 * The SHA-256 itself comes from sha256-backends.ts (native in Node, hash-wasm or @noble/hashes in
 * the browser); all three see the same bytes, so Node and the lab agree.
 */
import type { TraceEvent } from './events.ts';
import { createByteHash, type ByteHash } from './sha256-backends.ts';
import { nodeUtf8Writer, utf8Write } from './utf8-write.ts';

const encoder = new TextEncoder();
const NEWLINE = 0x0a;
/** Bytes encoded before one hash update: large enough that per-call costs vanish, small enough for cache. */
const BATCH_BYTES = 1 << 16;
/** A UTF-16 code unit never takes more than 3 UTF-8 bytes (a surrogate pair: 2 units, 4 bytes). */
const MAX_BYTES_PER_UNIT = 3;
/** Characters of joined event texts encoded at once where texts are joined (outside Node). */
const JOIN_CHARS = 16_384;

export class JsonlHasher {
  private readonly hash: ByteHash;
  // In Node each event's text is encoded straight into this buffer: no growing string of pending
  // events to flatten and re-encode at every flush (≈ 9 % of the hash's CPU on the war story's
  // trace). Elsewhere texts are joined first and encoded 16k characters at a time (`joinTexts`).
  // Either way the wasm and noble backends get the bytes they need without encoding a copy.
  private readonly buffer = new Uint8Array(BATCH_BYTES);
  private used = 0;
  /** A high surrogate that ended the last addText: the next text may complete its pair. */
  private carry = '';
  /**
   * Where events' texts are joined before one encode (see `joinTexts`), else undefined. Every JSON
   * text is well-formed UTF-16, so encoding the joined text gives the bytes of encoding each.
   */
  private joined: string | undefined;

  /**
   * @param joinTexts encode the events' JSON lines JOIN_CHARS characters at a time instead of one
   *   by one. Off in Node, whose Buffer writes at an offset with no view per call (utf8-write.ts);
   *   on elsewhere: in Chromium one `encodeInto` per event costs about twice as much per event as
   *   one per 16k characters of joined text (docs/benchmarks.md, the lab's eleventh pass).
   */
  constructor(hash: ByteHash = createByteHash(), joinTexts = nodeUtf8Writer === undefined) {
    this.hash = hash;
    if (joinTexts) this.joined = '';
  }

  add(event: TraceEvent): void {
    // A lone high surrogate left by addText goes first, as U+FFFD: no event text can complete it.
    if (this.carry !== '') this.writeCarry();
    if (this.joined !== undefined) {
      this.joined += `${JSON.stringify(event)}\n`;
      if (this.joined.length >= JOIN_CHARS) this.writeJoined();
      return;
    }
    this.write(JSON.stringify(event));
    if (this.used === BATCH_BYTES) this.flush();
    this.buffer[this.used++] = NEWLINE;
  }

  private writeJoined(): void {
    const text = this.joined as string;
    this.joined = '';
    this.write(text);
  }

  /** Raw text (lone surrogates become U+FFFD, as TextEncoder and Node's utf8 both do). */
  addText(text: string): void {
    if (this.joined) this.writeJoined();
    const whole = this.carry === '' ? text : this.carry + text;
    this.carry = '';
    const last = whole.charCodeAt(whole.length - 1);
    // Texts are one stream: a pair split between two calls must still encode as one character.
    if (last >= 0xd800 && last <= 0xdbff) {
      this.carry = whole.slice(-1);
      this.write(whole.slice(0, -1));
    } else this.write(whole);
  }

  digest(): string {
    if (this.joined) this.writeJoined();
    if (this.carry !== '') this.writeCarry();
    this.flush();
    return this.hash.hex();
  }

  private write(text: string): void {
    if (text.length * MAX_BYTES_PER_UNIT > BATCH_BYTES - this.used) {
      this.flush();
      // Too large for the buffer even when empty: encode it on its own.
      if (text.length * MAX_BYTES_PER_UNIT > BATCH_BYTES) {
        this.hash.update(encoder.encode(text));
        return;
      }
    }
    this.used += utf8Write(text, this.buffer, this.used);
  }

  /** Nothing came to complete the pair: the lone surrogate becomes U+FFFD, as it did in one string. */
  private writeCarry(): void {
    this.write(this.carry);
    this.carry = '';
  }

  private flush(): void {
    if (this.used === 0) return;
    this.hash.update(this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}

/** SHA-256 of `toJsonl(events)`: what `sha256sum` prints for the file `gatelab run --trace` writes. */
export function jsonlHash(events: readonly TraceEvent[]): string {
  const h = new JsonlHasher();
  for (const e of events) h.add(e);
  return h.digest();
}

/** A hash over several named hashes, e.g. the top-level hash over all variants of a scenario. */
export function combineHashes(parts: ReadonlyArray<readonly [string, string]>): string {
  const h = new JsonlHasher();
  for (const [name, hash] of parts) h.addText(`${name}\t${hash}\n`);
  return h.digest();
}
