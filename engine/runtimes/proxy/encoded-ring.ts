/**
 * The last N trace events, kept as UTF-8 JSON bytes rather than as live objects.
 *
 * Why: a ring of 10,000 event objects keeps every event alive through one or two scavenges, so each
 * one is copied, promoted and later collected in old space. Here an event stays an object only while
 * its batch fills (about eight requests, so it dies young); then the batch is serialised with one
 * JSON.stringify and copied into a reusable byte buffer that the collector never scans or moves.
 * Readers get the events back through JSON.parse: exactly what `/trace` always sent of them, since it
 * sent JSON.stringify of each kept event. (V8's structured-clone `serialize` was tried and dropped:
 * it promoted more than the ring of objects — 2.2 against 0.9 KB per request in pipeline-only.ts —
 * seemingly because each serializer, and every object it has seen, lives until a full GC.)
 *
 * An event that fits a template of an earlier one (event-templates.ts: the same JSON but for `t`
 * and `req`) is not stringified at all: its batch keeps the template, `t` in a Float64Array and the
 * request id, and `recent` rebuilds its JSON from them. An event that fits a kind's holed template
 * (the same JSON but for a few string and number leaves) is kept as the template and its hole values:
 * numbers in a Float64Array, strings as code units per batch (below). Only the others go through
 * JSON.stringify as events.
 *
 * A slot keeps two byte buffers: the UTF-8 JSON array of the events stringified whole (none, most of
 * the time), and the holed events' strings as their raw UTF-16 code units, back to back, with each
 * string's length beside them. The strings were one JSON array per batch until session 15: a
 * JSON.stringify, a concatenation and a UTF-16 to UTF-8 transcoding of ≈ 2,000 mostly two-byte
 * characters per batch (the rate limit's reason carries an en dash), where a join and one copy of
 * the code units keep the same strings; code units also keep a lone surrogate exactly, as JSON did.
 */
import type { TraceEvent } from '../../trace/events.ts';
import { EventTemplate, EventTemplates } from './event-templates.ts';
import type { HoledTemplate } from './event-templates-holed.ts';

/** What a batch keeps per event: its exact template, its holed template (with its hole values kept apart), or null (stringified). */
type Kept = EventTemplate | HoledTemplate | null;

/**
 * Events per batch (8 requests' worth at `decisions`). Sealing a batch blocks the event loop for one
 * stringify (≈ 2 µs per event on the bench machine), so batches stay small: 64 events hold it for
 * 0.12–0.17 ms, while 256 held it for 0.5–0.7 ms every 32 requests, with no saving per event.
 */
const MAX_BATCH = 64;
/**
 * A batch is sealed when its owner says the moment is quiet (`sealIfFull`, which LiveSink calls at a
 * request's end, after its answer was written) so the stringify does not sit between a request and
 * its answer; only a batch this many times the batch size is sealed inside `push` itself.
 */
const HARD_LIMIT_BATCHES = 4;
/** Spare room when a slot's buffer grows, so a slightly longer batch next time still fits. */
const GROWTH_SLACK = 1.25;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** A slot whose events all fitted a template has no JSON: it shares this empty buffer. */
const EMPTY_BYTES = new Uint8Array(0);
/** Two bytes per UTF-16 code unit in a slot's string buffer. */
const UNIT_BYTES = 2;

export class EncodedEventRing {
  /** Events of the batch being filled, still as objects. */
  private pending: TraceEvent[] = [];
  private readonly batchSize: number;
  /** `push` seals at once when this many events are pending (no quiet moment came). */
  private readonly hardLimit: number;
  /**
   * Full batches. `slotBytes[i]` holds `slotUsed[i]` meaningful bytes: the UTF-8 JSON array of the
   * batch's events that fit no template (0 bytes when every event fitted one). `slotUnits[i]` holds
   * the string hole values of the events that fit a holed one as UTF-16LE code units, one after the
   * other, `slotStringLengths[i][j]` code units for the j-th of `slotStrings[i]` strings. Event k of
   * the batch (k < `slotEvents[i]`) is the exact template `slotTemplates[i][k]` with time
   * `slotTimes[i][k]` and id `slotReqs[i][k]`; where that is a holed template, the template with its
   * next number holes from `slotNumbers[i]` and next strings from `slotUnits[i]`; where it is null,
   * the next event of the JSON array. The buffers are made once per slot and reused (grown when a
   * batch needs more), so a batch allocates nothing that outlives it but its request ids.
   */
  private readonly slotBytes: Uint8Array[] = [];
  private readonly slotUsed: number[] = [];
  private readonly slotUnits: Buffer[] = [];
  private readonly slotStringLengths: Uint32Array[] = [];
  private readonly slotStrings: number[] = [];
  private readonly slotEvents: number[] = [];
  private readonly slotTemplates: Kept[][] = [];
  private readonly slotTimes: Float64Array[] = [];
  private readonly slotReqs: string[][] = [];
  private readonly slotNumbers: Float64Array[] = [];
  private readonly templates = new EventTemplates();
  /** While a batch is sealed (reused): its events that fit no template, the hole values of those that fit a holed one, each event's template. */
  private readonly misses: TraceEvent[] = [];
  private readonly holeStrings: string[] = [];
  private holeNumbers = new Float64Array(256);
  private chosen: Kept[] = [];
  private readonly slotCount: number;
  /** The slot the next full batch overwrites (the oldest once every slot is used). */
  private nextSlot = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`ring capacity must be a whole number ≥ 0, not ${capacity}`);
    this.batchSize = Math.max(1, Math.min(MAX_BATCH, capacity));
    this.hardLimit = this.batchSize * HARD_LIMIT_BATCHES;
    // Enough full batches to hold `capacity` events even when the pending batch is empty (a sealed
    // batch holds at least batchSize events, more when its seal waited for a quiet moment).
    this.slotCount = Math.ceil(capacity / this.batchSize);
  }

  /** Keeps the event; encodes its batch only when far past full (see `sealIfFull` for the usual way). */
  push(event: TraceEvent): void {
    if (this.capacity === 0) return;
    this.pending.push(event);
    if (this.pending.length >= this.hardLimit) this.seal();
  }

  /** Encodes the pending batch once it holds a batch's worth: call it when no answer is waiting. */
  sealIfFull(): void {
    if (this.pending.length >= this.batchSize) this.seal();
  }

  /** The last `capacity` events (fewer until that many were pushed), oldest first, in their JSON form. */
  recent(): TraceEvent[] {
    const out: TraceEvent[] = [];
    const filled = this.slotBytes.length;
    const first = filled < this.slotCount ? 0 : this.nextSlot;
    for (let k = 0; k < filled; k++) {
      const slot = (first + k) % filled;
      const used = this.slotUsed[slot] as number;
      const misses = used === 0 ? [] : (JSON.parse(decoder.decode((this.slotBytes[slot] as Uint8Array).subarray(0, used))) as TraceEvent[]);
      const strings = this.stringsOf(slot);
      const numbers = this.slotNumbers[slot] as Float64Array;
      const templates = this.slotTemplates[slot] as Kept[];
      const times = this.slotTimes[slot] as Float64Array;
      const reqs = this.slotReqs[slot] as string[];
      let m = 0;
      let n = 0;
      let s = 0;
      for (let i = 0; i < (this.slotEvents[slot] as number); i++) {
        const template = templates[i];
        if (template instanceof EventTemplate) out.push(JSON.parse(template.json(times[i] as number, reqs[i] as string)) as TraceEvent);
        else if (template) {
          out.push(JSON.parse(template.json(numbers, n, strings, s)) as TraceEvent);
          n += template.numberHoles;
          s += template.holeCount - template.numberHoles;
        } else out.push(misses[m++] as TraceEvent);
      }
    }
    // The pending batch goes through JSON too, so every event reads the same whenever it is asked for.
    if (this.pending.length > 0) for (const e of JSON.parse(JSON.stringify(this.pending)) as TraceEvent[]) out.push(e);
    return out.length > this.capacity ? out.slice(out.length - this.capacity) : out;
  }

  /** A slot's string hole values, in the order `collect` gave them. */
  private stringsOf(slot: number): string[] {
    const count = this.slotStrings[slot] as number;
    const lengths = this.slotStringLengths[slot] as Uint32Array;
    let units = 0;
    for (let j = 0; j < count; j++) units += lengths[j] as number;
    const all = (this.slotUnits[slot] as Buffer).toString('utf16le', 0, units * UNIT_BYTES);
    const strings = new Array<string>(count);
    let at = 0;
    for (let j = 0; j < count; j++) {
      const end = at + (lengths[j] as number);
      strings[j] = all.slice(at, end);
      at = end;
    }
    return strings;
  }

  private growHoleNumbers(need: number): void {
    const grown = new Float64Array(Math.max(need, this.holeNumbers.length * 2));
    grown.set(this.holeNumbers);
    this.holeNumbers = grown;
  }

  private seal(): void {
    const pending = this.pending;
    const count = pending.length;
    // Which events fit a template is decided first, into scratch arrays; the slot is written only
    // once JSON.stringify of the others has succeeded, so a throw leaves the ring as it was.
    const chosen = this.chosen.length >= count ? this.chosen : (this.chosen = new Array<Kept>(count).fill(null));
    const misses = this.misses;
    const strings = this.holeStrings;
    let numberCount = 0;
    let missText: string;
    let joined: string;
    try {
      for (let i = 0; i < count; i++) {
        const event = pending[i] as TraceEvent;
        const template = this.templates.find(event as unknown as Record<string, unknown>) ?? null;
        chosen[i] = template;
        if (!template) misses.push(event);
        else if (!(template instanceof EventTemplate)) {
          if (numberCount + template.numberHoles > this.holeNumbers.length) this.growHoleNumbers(numberCount + template.numberHoles);
          numberCount = template.collect(event as unknown as Record<string, unknown>, this.holeNumbers, numberCount, strings);
        }
      }
      missText = misses.length === 0 ? '' : JSON.stringify(misses);
      // One flat string of every hole string, copied below as code units; the lengths split it again.
      joined = strings.length === 0 ? '' : strings.length === 1 ? (strings[0] as string) : strings.join('');
    } catch (e) {
      misses.length = 0;
      strings.length = 0;
      throw e;
    }
    this.pending = [];
    const slot = this.nextSlot;
    let templates = this.slotTemplates[slot];
    let times = this.slotTimes[slot];
    let reqs = this.slotReqs[slot];
    if (!templates || !times || !reqs || times.length < count) {
      const room = Math.max(count, this.hardLimit);
      templates = this.slotTemplates[slot] = new Array<Kept>(room).fill(null);
      times = this.slotTimes[slot] = new Float64Array(room);
      reqs = this.slotReqs[slot] = new Array<string>(room).fill('');
    }
    for (let i = 0; i < count; i++) {
      const template = chosen[i] as Kept;
      templates[i] = template;
      if (template instanceof EventTemplate) {
        const event = pending[i] as TraceEvent & { req: string };
        times[i] = event.t;
        reqs[i] = event.req;
      }
      chosen[i] = null;
    }
    this.slotEvents[slot] = count;
    let numbers = this.slotNumbers[slot];
    if (!numbers || numbers.length < numberCount) numbers = this.slotNumbers[slot] = new Float64Array(Math.max(numberCount, 64));
    numbers.set(this.holeNumbers.subarray(0, numberCount));
    this.keepStrings(slot, strings, joined);
    strings.length = 0;
    misses.length = 0;
    let bytes = this.slotBytes[slot];
    let written = 0;
    if (missText.length > 0) {
      let result = bytes ? encoder.encodeInto(missText, bytes) : undefined;
      if (!bytes || !result || result.read < missText.length) {
        // Most event text is one byte per code unit in UTF-8; three bytes per unit always fit.
        bytes = new Uint8Array(Math.ceil(missText.length * GROWTH_SLACK));
        result = encoder.encodeInto(missText, bytes);
        if (result.read < missText.length) {
          bytes = new Uint8Array(missText.length * 3);
          result = encoder.encodeInto(missText, bytes);
        }
      }
      written = result.written;
    }
    this.slotBytes[slot] = bytes ?? EMPTY_BYTES;
    this.slotUsed[slot] = written;
    this.nextSlot = (slot + 1) % this.slotCount;
  }

  /** Copies the batch's string hole values into the slot as code units, with their lengths. */
  private keepStrings(slot: number, strings: readonly string[], joined: string): void {
    let lengths = this.slotStringLengths[slot];
    if (!lengths || lengths.length < strings.length) lengths = this.slotStringLengths[slot] = new Uint32Array(Math.max(64, Math.ceil(strings.length * GROWTH_SLACK)));
    for (let j = 0; j < strings.length; j++) lengths[j] = (strings[j] as string).length;
    this.slotStrings[slot] = strings.length;
    let units = this.slotUnits[slot];
    const need = joined.length * UNIT_BYTES;
    if (!units || units.length < need) units = this.slotUnits[slot] = Buffer.allocUnsafe(Math.ceil(need * GROWTH_SLACK));
    // UTF-16LE is the string's own code units: copied as they are, a lone surrogate included.
    if (need > 0) units.write(joined, 0, need, 'utf16le');
  }
}
