/**
 * A HashingSink that also hands its events to a listener while the run goes, so a caller (the lab's
 * worker) can show the start of a long run before its end is simulated. It only reads what the
 * parent collects: the hash and every result are the same with or without it. With `keepSlices`
 * false each slice is dropped once handed over, so the sink's `events` end as the tail not yet handed
 * over: a caller with its own form of the trace (the worker encodes each slice) then does not hold
 * millions of event objects to the run's end (docs/benchmarks.md, the lab's thirteenth pass).
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
}

export class StreamingSink extends HashingSink {
  /** Kept events already handed to the listener (always 0 when slices are not kept). */
  private sent = 0;
  private lastT = Number.NaN;

  constructor(
    level: TraceLevel,
    private readonly stream: TraceStream,
    hashing = true,
    /** false: drop each slice once the listener has it. */
    private readonly keepSlices = true,
  ) {
    super(level, true, hashing);
  }

  override emit(event: TraceEvent): void {
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
