/**
 * A HashingSink that also hands the kept events to a listener while the run goes, so a caller (the
 * lab's worker) can show the start of a long run before its end is simulated. It only reads what the
 * parent keeps: the hash, the kept events and every result are the same with or without it.
 */
import type { TraceEvent, TraceLevel } from '../../trace/events.ts';
import { HashingSink } from './hashing-sink.ts';

export interface TraceStream {
  /**
   * The events kept since the previous call, in trace order. Called once at least `every` are
   * waiting and the clock moves on, so a slice never splits one instant: everything at the slice's
   * last time is in it. The caller delivers what is left once the run returns.
   */
  onEvents: (events: readonly TraceEvent[]) => void;
  every: number;
}

export class StreamingSink extends HashingSink {
  /** Kept events already handed to the listener. */
  private sent = 0;
  private lastT = Number.NaN;

  constructor(
    level: TraceLevel,
    private readonly stream: TraceStream,
    hashing = true,
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
    const slice = this.events.slice(this.sent);
    this.sent = this.events.length;
    this.stream.onEvents(slice);
  }
}
