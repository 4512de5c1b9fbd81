/**
 * The index's cumulative counters, built as ended requests arrive: cumulative[key][i] is how many of
 * the first i ended requests match key. Extended batch by batch while the trace streams in, so after
 * the last batch only the short tail is left (at 300k requests the whole pass was ≈ 0.1–0.2 s of CPU
 * and about 30 MB of arrays allocated at once, on the way to a playable trace).
 */
import { OUTCOMES } from './outcome.ts';
import type { RequestRow } from './trace-index.ts';

/**
 * Counter keys: 'ended', 'admitted' (a backend answered), 'outcome:<o>', 'status:<n>',
 * 'client:<c>:ended|admitted', and 'gateway-status:<o>:<n>' for the requests no backend answered, by
 * outcome and status — so the counters split them exactly as the charts colour them (outcomeOf).
 */
export class CumulativeBuilder {
  private n = 0;
  private capacity = 1024;
  private readonly arrays = new Map<string, Int32Array>();
  // Each key's array found by outcome, status or client: no key string is built per request.
  private readonly byOutcome = new Map<unknown, Int32Array>();
  private readonly byStatus = new Map<unknown, Int32Array>();
  private readonly byGatewayStatus = new Map<unknown, Int32Array>();
  private readonly endedByClient = new Map<unknown, Int32Array>();
  private readonly admittedByClient = new Map<unknown, Int32Array>();
  private ended: Int32Array;
  private admitted: Int32Array | undefined;

  constructor() {
    this.ended = this.counter('ended');
  }

  /** Counts the requests of `ends` past those already counted; `ends` only ever grows. */
  extend(ends: readonly RequestRow[]): void {
    const from = this.n;
    const to = ends.length;
    if (to <= from) return;
    if (to + 1 > this.capacity) this.grow(Math.max(this.capacity * 2, to + 1));
    // Mark +1 where each request matches, then one prefix sum per key over the new stretch only.
    for (let i = from; i < to; i++) {
      const r = ends[i] as RequestRow;
      this.ended[i + 1] = 1;
      this.keyed(this.byOutcome, r.outcome, 'outcome:', r.outcome)[i + 1] = 1;
      this.keyed(this.byStatus, r.status, 'status:', r.status)[i + 1] = 1;
      this.keyed(this.endedByClient, r.client, 'client:', `${r.client}:ended`)[i + 1] = 1;
      if (r.source === 'upstream') {
        (this.admitted ??= this.counter('admitted'))[i + 1] = 1;
        this.keyed(this.admittedByClient, r.client, 'client:', `${r.client}:admitted`)[i + 1] = 1;
      } else {
        // One number for the (outcome, status) pair: no key string is built per request.
        const pair = (r.status ?? 0) * OUTCOMES.length + OUTCOMES.indexOf(r.outcome);
        this.keyed(this.byGatewayStatus, pair, 'gateway-status:', `${r.outcome}:${r.status}`)[i + 1] = 1;
      }
    }
    for (const arr of this.arrays.values()) for (let i = from + 1; i <= to; i++) (arr[i] as number) += arr[i - 1] as number;
    this.n = to;
  }

  /** The counters, each n + 1 long; 'ended', 'admitted' and every status listed exist even at zero. */
  finish(statuses: readonly number[]): Map<string, Int32Array> {
    return this.counters(statuses, (arr, len) => arr.slice(0, len));
  }

  /**
   * The counters so far without copying (a streaming run's snapshot): views of the arrays being
   * built. Entries up to n never change once extended, and growing moves on to new arrays.
   */
  view(statuses: readonly number[]): Map<string, Int32Array> {
    return this.counters(statuses, (arr, len) => arr.subarray(0, len));
  }

  private counters(statuses: readonly number[], take: (arr: Int32Array, len: number) => Int32Array): Map<string, Int32Array> {
    for (const key of ['ended', 'admitted', ...statuses.map((s) => `status:${s}`)]) this.counter(key);
    const out = new Map<string, Int32Array>();
    for (const [key, arr] of this.arrays) out.set(key, take(arr, this.n + 1));
    return out;
  }

  private keyed(cache: Map<unknown, Int32Array>, k: unknown, prefix: string, suffix: string | number | null): Int32Array {
    let arr = cache.get(k);
    if (!arr) cache.set(k, (arr = this.counter(`${prefix}${suffix}`)));
    return arr;
  }

  private counter(key: string): Int32Array {
    let arr = this.arrays.get(key);
    // A key first seen now had no match before: its zeros up to here are its counts.
    if (!arr) this.arrays.set(key, (arr = new Int32Array(this.capacity)));
    return arr;
  }

  private grow(capacity: number): void {
    this.capacity = capacity;
    for (const [key, arr] of this.arrays) {
      const grown = new Int32Array(capacity);
      grown.set(arr.subarray(0, this.n + 1));
      this.arrays.set(key, grown);
    }
    // The caches held the old arrays: they refill from `arrays` on the next request that needs them.
    for (const cache of [this.byOutcome, this.byStatus, this.byGatewayStatus, this.endedByClient, this.admittedByClient]) cache.clear();
    this.ended = this.counter('ended');
    this.admitted = undefined;
  }
}
