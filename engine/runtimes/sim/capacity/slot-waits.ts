/**
 * The `slot.wait` records of the capacity model: when a request that could not start at once on a
 * replica stops waiting for a slot, how long it waited, how many were waiting ahead of it when it
 * came, and how the wait ended. A request that got a slot at once has no record; its time is all
 * CPU and I/O. Made only when the trace keeps `slot.wait` (level full), so a run at `decisions`
 * keeps no arrival times and emits nothing (the model holds `undefined` instead of a recorder).
 */
import type { SlotWaitOutcome } from '../../../trace/events.ts';
import type { TraceSink } from '../../../trace/sink.ts';

/** What the recorder needs of a request: its id and the replica it waits on. */
export interface Waiter {
  readonly requestId: string;
  readonly replica: string;
}

interface Queued {
  at: number;
  ahead: number;
}

export class SlotWaits<T extends Waiter> {
  private readonly queued = new Map<T, Queued>();

  constructor(
    private readonly sink: TraceSink,
    private readonly now: () => number,
  ) {}

  /** The request joined the wait queue behind `ahead` others. */
  joined(call: T, ahead: number): void {
    this.queued.set(call, { at: this.now(), ahead });
  }

  /**
   * Its wait ended. A request the recorder never saw queue ends a wait of 0 ms with nobody ahead: it
   * was refused at once, or its own arrival set off the OOM kill.
   */
  ended(call: T, outcome: SlotWaitOutcome, aheadIfNew = 0): void {
    const q = this.queued.get(call);
    this.queued.delete(call);
    const t = this.now();
    this.sink.emit({
      type: 'slot.wait',
      t,
      req: call.requestId,
      replica: call.replica,
      ms: q ? round3(t - q.at) : 0,
      ahead: q ? q.ahead : aheadIfNew,
      outcome,
    });
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
