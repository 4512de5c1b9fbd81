/**
 * The compact hashed form of the trace (issue #9, ADR 0002's ninth pass): SHA-256 over a tagged
 * binary stream of the events (grammar and dictionary: compact-format.ts) instead of their JSON lines.
 * The run's `traceHash` is this hasher in its structural mode (hash.ts's TraceHasher): at the war
 * story's `decisions` level it costs ≈ 1.6 µs per request in the run against ≈ 8.2 µs for the JSON
 * lines (docs/benchmarks.md, the trace hash's compact-form pass), which is what brings the 300k run
 * under issue #9's 2 s.
 *
 * The bytes are a pure function of each event's JSON value (`JSON.parse(JSON.stringify(event))`):
 * keys in the order JSON writes them, undefined/function values absent, -0 as 0, NaN and ±Infinity as
 * null. So a JSONL trace file re-hashes to the same digest once parsed (`compactHashOfJsonl`, and
 * `gatelab trace hash` for files of any size).
 *
 * Modes (what the hash pins):
 *   structural (the run's hash): every event and field, except `reason` and `data` of `plugin.decision`
 *     — the dropped fields are simply not written;
 *   lossless: every field. Injective on JSON values (the tests' decoder and their injectivity property
 *     use it), so it pins what the JSON lines pin.
 *
 * Strings are written in full every time. The prototype could also intern them (a REF to a string's
 * first appearance): half the bytes, a little cheaper alone, but dearer in the war story, where a Map
 * of tens of thousands of strings competes with the simulation for the CPU's caches
 * (docs/benchmarks.md, the trace hash's compact-form pass). Dropped; its tag stays reserved.
 */
import type { TraceEvent } from './events.ts';
import {
  ARR, DICT, END, F64, FALSE, FIRST_TYPE, INT, K_BODY, K_CLIENT, K_DATA, K_ERROR, K_GATEWAY_MS, K_HEADERS,
  K_HOST, K_METHOD, K_MS, K_PATH, K_PEER, K_PHASE, K_PLUGIN, K_REASON, K_REPLICA, K_REQ, K_ROUTE, K_SERVICE,
  K_SOURCE, K_STATUS, K_T, K_TARGET, K_TYPE, K_UPSTREAM_MS, K_URL, K_VERDICT, KEY_BASE, NULL, OBJ, RESPONSE,
  SEND, START, STR, STR_END, T_DECISION, T_END, T_RESPONSE, T_SEND, T_START, TRUE, TYPE,
  decisionKeysMatch, hasLoneSurrogate, isPlain, keysMatch, requestEndKeysMatch, stringBytes, wtf8,
} from './compact-format.ts';
import { createByteHash, type ByteHash } from './sha256-backends.ts';
import { utf8Write } from './utf8-write.ts';

export { COMPACT_DICTIONARY } from './compact-format.ts';

export type CompactMode = 'structural' | 'lossless';

export interface CompactOptions {
  /** 'structural' (the default, the run's hash) or 'lossless'. */
  mode?: CompactMode;
  hash?: ByteHash;
  /** false: every event through the generic writer (for the tests: the bytes must not change). */
  fastPaths?: boolean;
}

const BATCH_BYTES = 1 << 16;
/** Room kept for an event's fixed-size parts; strings and nested values check their own room. */
const EVENT_ROOM = 512;
/**
 * How the buffer never overflows: every event starts with EVENT_ROOM bytes free, and every write of
 * variable size (a string, a nested value) leaves EVENT_ROOM free after it, so the fixed-size
 * writes between them (keys and numbers: at most 14 × 11 bytes in a fast path) need no check.
 */
/** Strings up to this length go through a JS loop while they are ASCII; longer ones through utf8Write. */
const SHORT_STRING = 24;
/** Deeper nesting than this is treated as a cycle, as JSON.stringify would throw on one. */
const MAX_DEPTH = 100;

export class CompactTraceHasher {
  private readonly hash: ByteHash;
  // 16 and 8 KB batches measured the same as 64 KB in the war story (docs/benchmarks.md, the trace hash's compact-form pass).
  private readonly buf = new Uint8Array(BATCH_BYTES);
  private readonly view = new DataView(this.buf.buffer);
  private used = 0;
  readonly mode: CompactMode;
  /** Lossless: a decision's `reason` and `data` are written too. */
  private readonly all: boolean;
  private readonly fast: boolean;
  /** Bytes hashed so far (for the bench's bytes per request). */
  bytes = 0;

  constructor(opts: CompactOptions = {}) {
    this.hash = opts.hash ?? createByteHash();
    this.mode = opts.mode ?? 'structural';
    this.all = this.mode === 'lossless';
    this.fast = opts.fastPaths !== false;
  }

  add(event: TraceEvent): void {
    if (this.used > BATCH_BYTES - EVENT_ROOM) this.flush();
    const e = event as unknown as Record<string, unknown>;
    // Fast paths: the hot types' fields written by hand, when their keys are the expected ones.
    // Each writes exactly what `object` would for the same JSON value (compact-hash.test.ts checks it).
    if (this.fast) switch (event.type) {
      case 'plugin.decision':
        if (decisionKeysMatch(e) && typeof e.toJSON !== 'function') return this.decision(e);
        break;
      case 'request.start':
        if (keysMatch(e, START) && typeof e.toJSON !== 'function') return this.requestStart(e);
        break;
      case 'request.end':
        if (requestEndKeysMatch(e) && typeof e.toJSON !== 'function') return this.requestEnd(e);
        break;
      case 'upstream.send':
        if (keysMatch(e, SEND) && typeof e.toJSON !== 'function') return this.upstreamSend(e);
        break;
      case 'upstream.response':
        if (keysMatch(e, RESPONSE) && typeof e.toJSON !== 'function') return this.upstreamResponse(e);
        break;
    }
    this.event(e);
  }

  digest(): string {
    this.flush();
    return this.hash.hex();
  }

  // --- fast paths -------------------------------------------------------------------------------

  private open(type: number): void {
    const b = this.buf;
    let o = this.used;
    b[o++] = OBJ;
    b[o++] = KEY_BASE + K_TYPE;
    b[o++] = TYPE;
    b[o++] = type;
    this.used = o;
  }

  private close(): void {
    this.buf[this.used++] = END;
  }

  private key(k: number): void {
    this.buf[this.used++] = KEY_BASE + k;
  }

  /** A field whose value is usually a string: JSON's rules for any other value. */
  private sField(k: number, v: unknown): void {
    if (typeof v === 'string') {
      this.key(k);
      this.string(v);
    } else this.field(k, v);
  }

  /** A field whose value is usually a number. */
  private nField(k: number, v: unknown): void {
    if (typeof v === 'number') {
      this.key(k);
      this.number(v);
    } else this.field(k, v);
  }

  /** Any value under a dictionary key, absent when JSON would leave it out. */
  private field(k: number, v: unknown): void {
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return;
    this.key(k);
    this.value(v, 1);
    this.room(EVENT_ROOM);
  }

  private decision(e: Record<string, unknown>): void {
    this.open(T_DECISION);
    this.nField(K_T, e.t);
    this.sField(K_REQ, e.req);
    this.sField(K_PLUGIN, e.plugin);
    this.sField(K_PHASE, e.phase);
    this.sField(K_VERDICT, e.verdict);
    if (this.all) this.sField(K_REASON, e.reason);
    this.nField(K_STATUS, e.status);
    if (this.all) this.field(K_DATA, e.data);
    this.close();
  }

  private requestStart(e: Record<string, unknown>): void {
    this.open(T_START);
    this.nField(K_T, e.t);
    this.sField(K_REQ, e.req);
    this.sField(K_CLIENT, e.client);
    this.sField(K_REPLICA, e.replica);
    this.sField(K_METHOD, e.method);
    this.sField(K_URL, e.url);
    this.sField(K_PEER, e.peerIp);
    this.field(K_HEADERS, e.headers);
    this.close();
  }

  private requestEnd(e: Record<string, unknown>): void {
    this.open(T_END);
    this.nField(K_T, e.t);
    this.sField(K_REQ, e.req);
    this.sField(K_CLIENT, e.client);
    this.sField(K_REPLICA, e.replica);
    this.nField(K_STATUS, e.status);
    this.sField(K_SOURCE, e.source);
    this.sField(K_ROUTE, e.route);
    this.sField(K_SERVICE, e.service);
    this.nField(K_MS, e.ms);
    this.nField(K_GATEWAY_MS, e.gatewayMs);
    this.nField(K_UPSTREAM_MS, e.upstreamMs);
    this.field(K_HEADERS, e.headers);
    this.field(K_BODY, e.body);
    this.close();
  }

  private upstreamSend(e: Record<string, unknown>): void {
    this.open(T_SEND);
    this.nField(K_T, e.t);
    this.sField(K_REQ, e.req);
    this.sField(K_SERVICE, e.service);
    this.sField(K_TARGET, e.target);
    this.sField(K_METHOD, e.method);
    this.sField(K_HOST, e.host);
    this.sField(K_PATH, e.path);
    this.field(K_HEADERS, e.headers);
    this.close();
  }

  private upstreamResponse(e: Record<string, unknown>): void {
    this.open(T_RESPONSE);
    this.nField(K_T, e.t);
    this.sField(K_REQ, e.req);
    this.nField(K_STATUS, e.status);
    this.nField(K_MS, e.ms);
    this.field(K_ERROR, e.error);
    this.close();
  }

  // --- the generic writer -----------------------------------------------------------------------

  /** A whole event: an object whose `type` value, if a known one, is written as its dictionary index. */
  private event(e: Record<string, unknown>): void {
    if (!isPlain(e)) {
      this.event(JSON.parse(JSON.stringify(e)) as Record<string, unknown>);
      return;
    }
    // The structural form leaves out a decision's words and details (what the run's hash pins: hash.ts).
    const drop = !this.all && e.type === 'plugin.decision';
    this.room(1);
    this.buf[this.used++] = OBJ;
    for (const k of Object.keys(e)) {
      const v = e[k];
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      if (drop && (k === 'reason' || k === 'data')) continue;
      this.objectKey(k);
      const t = k === 'type' && typeof v === 'string' ? DICT.get(v) : undefined;
      if (t !== undefined && t >= FIRST_TYPE) {
        this.room(2);
        this.buf[this.used++] = TYPE;
        this.buf[this.used++] = t;
      } else this.value(v, 1);
    }
    this.room(1);
    this.buf[this.used++] = END;
  }

  private objectKey(k: string): void {
    const i = DICT.get(k);
    if (i !== undefined) {
      this.room(1);
      this.key(i);
    } else this.string(k);
  }

  private value(v: unknown, depth: number): void {
    switch (typeof v) {
      case 'string':
        this.string(v);
        return;
      case 'number':
        this.room(9);
        this.number(v);
        return;
      case 'boolean':
        this.room(1);
        this.buf[this.used++] = v ? TRUE : FALSE;
        return;
      case 'object':
        break;
      default:
        // undefined, a function or a symbol where JSON writes null (in an array); bigint throws there.
        if (typeof v === 'bigint') throw new TypeError('Do not know how to serialize a BigInt');
        this.room(1);
        this.buf[this.used++] = NULL;
        return;
    }
    if (v === null) {
      this.room(1);
      this.buf[this.used++] = NULL;
      return;
    }
    if (depth > MAX_DEPTH) throw new TypeError('Converting circular structure to JSON');
    if (!isPlain(v)) {
      this.value(JSON.parse(JSON.stringify(v)), depth);
      return;
    }
    this.room(1);
    if (Array.isArray(v)) {
      this.buf[this.used++] = ARR;
      for (const item of v as unknown[]) this.value(item, depth + 1);
    } else {
      this.buf[this.used++] = OBJ;
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) {
        const x = o[k];
        if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
        this.objectKey(k);
        this.value(x, depth + 1);
      }
    }
    this.room(1);
    this.buf[this.used++] = END;
  }

  // --- leaves -----------------------------------------------------------------------------------

  /** A number as JSON has it: int32 (−0 is 0) or float64; NaN and ±Infinity are null. */
  private number(v: number): void {
    const b = this.buf;
    let o = this.used;
    if ((v | 0) === v) {
      b[o++] = INT;
      this.view.setInt32(o, v, true);
      this.used = o + 4;
    } else if (v - v === 0) {
      b[o++] = F64;
      this.view.setFloat64(o, v, true);
      this.used = o + 8;
    } else {
      b[o] = NULL;
      this.used = o + 1;
    }
  }

  /** STR, the string's UTF-8 bytes (WTF-8 for lone surrogates), 0xFF. */
  private string(s: string): void {
    const n = s.length;
    if (this.used + 3 * n + 2 + EVENT_ROOM > BATCH_BYTES) {
      this.flush();
      if (3 * n + 2 + EVENT_ROOM > BATCH_BYTES) {
        this.hashBytes(Uint8Array.of(STR));
        this.hashBytes(stringBytes(s));
        this.hashBytes(Uint8Array.of(STR_END));
        return;
      }
    }
    const b = this.buf;
    const o = this.used;
    b[o] = STR;
    if (n <= SHORT_STRING) {
      // Short strings: a JS loop is cheaper than a call into the Buffer module, while they are ASCII.
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        b[o + 1 + i] = c;
      }
      if (i === n) {
        b[o + 1 + n] = STR_END;
        this.used = o + n + 2;
        return;
      }
    }
    const w = utf8Write(s, b, o + 1);
    // Non-ASCII: UTF-8 would turn a lone surrogate into U+FFFD; write those strings as WTF-8 instead.
    if (w !== n && hasLoneSurrogate(s)) {
      const bytes = wtf8(s);
      b.set(bytes, o + 1);
      b[o + 1 + bytes.length] = STR_END;
      this.used = o + bytes.length + 2;
      return;
    }
    b[o + 1 + w] = STR_END;
    this.used = o + w + 2;
  }

  private room(n: number): void {
    if (this.used + n > BATCH_BYTES) this.flush();
  }

  private hashBytes(bytes: Uint8Array): void {
    this.bytes += bytes.length;
    this.hash.update(bytes);
  }

  private flush(): void {
    if (this.used === 0) return;
    this.hashBytes(this.buf.subarray(0, this.used));
    this.used = 0;
  }
}
