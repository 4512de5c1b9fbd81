/**
 * A HashingSink that also hands its events to a listener while the run goes, so a caller (the lab's
 * worker) can show the start of a long run before its end is simulated. It only reads what the
 * parent collects: the hash and every result are the same with or without it. With `keepSlices`
 * false each slice is dropped once handed over, so the sink's `events` end as the tail not yet handed
 * over: a caller with its own form of the trace (the worker encodes each slice) then does not hold
 * millions of event objects to the run's end (docs/benchmarks.md, the lab's thirteenth pass).
 *
 * With `keepSlices` false and an `onEvent` listener the sink holds nothing at all: each event goes to
 * the listener inside `emit`, and the sink declares `retainsEvents: false`, so the hosts may refill
 * one object per event kind (trace/sink.ts). No event then outlives the call that built it, which
 * the young generation collects for free (docs/benchmarks.md, the lab's eighteenth pass).
 */
import type { TraceEvent, TraceLevel } from '../../trace/events.ts';
import { HashingSink } from './hashing-sink.ts';

export interface TraceStream {
  /**
   * The events collected since the previous call, in trace order. Called once at least `every` are
   * waiting and the clock moves on, so a slice never splits one instant: everything at the slice's
   * last time is in it. The caller delivers what is left once the run returns.
   */
  onEvents: (events: readonly TraceEvent[]) => void;
  every: number;
  /**
   * Used instead of `onEvents` when the sink keeps no slice: each event as it is emitted. The
   * listener must be done with the event when it returns (keep no reference to it or to anything in
   * it that a host may refill): the sink tells the hosts they may hand it one object again and again.
   */
  onEvent?: (event: TraceEvent) => void;
}

export class StreamingSink extends HashingSink {
  /** Kept events already handed to the listener (always 0 when slices are not kept). */
  private sent = 0;
  private lastT = Number.NaN;
  /** Set when each event goes straight to the listener: nothing is collected. */
  private readonly each: ((event: TraceEvent) => void) | undefined;

  constructor(
    level: TraceLevel,
    private readonly stream: TraceStream,
    hashing = true,
    /** false: drop each slice once the listener has it. */
    private readonly keepSlices = true,
  ) {
    super(level, true, hashing);
    this.each = keepSlices ? undefined : stream.onEvent;
  }

  override get retainsEvents(): boolean {
    return this.each === undefined;
  }

  override emit(event: TraceEvent): void {
    const each = this.each;
    if (each !== undefined) {
      if (!this.wants(event.type)) return;
      if (this.hashing) this.hasher.add(event);
      each(event);
      return;
    }
    if (event.t !== this.lastT) {
      this.lastT = event.t;
      if (this.events.length - this.sent >= this.stream.every) this.flush();
    }
    super.emit(event);
  }

  private flush(): void {
    if (!this.keepSlices) {
      // `events` is the parent's readonly array: empty it in place, handing over what it held.
      this.stream.onEvents(this.events.splice(0));
      return;
    }
    const slice = this.events.slice(this.sent);
    this.sent = this.events.length;
    this.stream.onEvents(slice);
  }
}
