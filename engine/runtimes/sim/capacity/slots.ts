/**
 * Slots and the wait queue in front of them: at most `slots` requests in progress on a replica; more
 * wait in a bounded FIFO queue (nginx: worker_connections in use, the rest in the listen backlog);
 * one more than the queue holds is refused. A queued request that waited longer than the queue
 * timeout is dropped when its timer fires (`expire`). Pure bookkeeping: the caller owns the clock.
 */
export type Admission = 'run' | 'queued' | 'refused';

export interface SlotLimits {
  /** Requests in progress at once (undefined = unlimited). */
  slots?: number;
  /** Requests that may wait for a slot (undefined = unlimited). */
  queue?: number;
}

export class SlotPool<T> {
  private running = 0;
  private readonly waiting: T[] = [];
  private head = 0;

  constructor(private readonly limits: SlotLimits) {}

  get inUse(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length - this.head;
  }

  arrive(entry: T): Admission {
    if (this.limits.slots === undefined || this.running < this.limits.slots) {
      this.running++;
      return 'run';
    }
    if (this.limits.queue !== undefined && this.queued >= this.limits.queue) return 'refused';
    this.waiting.push(entry);
    return 'queued';
  }

  /** A running request finished; returns the queued entry that takes its slot, if any. */
  release(): T | undefined {
    this.running = Math.max(0, this.running - 1);
    if (this.queued === 0) return undefined;
    const next = this.waiting[this.head] as T;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
    this.running++;
    return next;
  }

  /** Removes a still-queued entry (its queue timeout fired); false when it already got a slot. */
  expire(entry: T): boolean {
    const i = this.waiting.indexOf(entry, this.head);
    if (i < 0) return false;
    this.waiting.splice(i, 1);
    return true;
  }

  /** Empties the pool (the replica was killed); returns every queued entry. */
  clear(): T[] {
    const out = this.waiting.slice(this.head);
    this.waiting.length = 0;
    this.head = 0;
    this.running = 0;
    return out;
  }
}
