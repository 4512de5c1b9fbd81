/**
 * The simulation's agenda: a binary min-heap ordered by (time, priority, sequence). Equal times fire by
 * priority, then in insertion order, so a run never depends on how the heap happens to break ties.
 *
 * Entries live in parallel arrays rather than objects: the engine pushes millions of events a second
 * and an object per event would make the garbage collector the bottleneck.
 */
export type EventHandler<A = unknown> = (arg: A) => void;

/** Priorities inside one instant: lower fires first. Named so call sites say why they order. */
export const PRIORITY = {
  /** Config changes, outages and other scenario events apply before traffic at the same instant. */
  control: 0,
  /** Answers to effects (a Redis reply) before new arrivals at the same instant. */
  effect: 1,
  arrival: 2,
  /** Narration and sampling observe the state after everything else at that instant. */
  observe: 3,
} as const;

const SEQ_SPACE = 2 ** 44;

export class EventQueue {
  private times: number[] = [];
  private keys: number[] = [];
  private handlers: EventHandler<any>[] = [];
  private args: unknown[] = [];
  private seq = 0;
  private current = 0;

  get size(): number {
    return this.times.length;
  }

  /** The time of the event being (or last) fired. */
  get now(): number {
    return this.current;
  }

  schedule<A>(time: number, priority: number, handler: EventHandler<A>, arg: A): void {
    if (time < this.current) time = this.current;
    const key = priority * SEQ_SPACE + this.seq++;
    const times = this.times;
    const keys = this.keys;
    const handlers = this.handlers;
    const args = this.args;
    let i = times.length;
    times.push(time);
    keys.push(key);
    handlers.push(handler);
    args.push(arg);
    // Sift up.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent] as number;
      if (pt < time || (pt === time && (keys[parent] as number) < key)) break;
      times[i] = pt;
      keys[i] = keys[parent] as number;
      handlers[i] = handlers[parent] as EventHandler;
      args[i] = args[parent];
      i = parent;
    }
    times[i] = time;
    keys[i] = key;
    handlers[i] = handler;
    args[i] = arg;
  }

  /** Time of the next event, or Infinity when the agenda is empty. */
  peekTime(): number {
    return this.times.length > 0 ? (this.times[0] as number) : Infinity;
  }

  /** Fires the next event; returns false when there is none. */
  step(): boolean {
    const times = this.times;
    const n = times.length;
    if (n === 0) return false;
    const keys = this.keys;
    const handlers = this.handlers;
    const args = this.args;
    const handler = handlers[0] as EventHandler;
    const arg = args[0];
    this.current = times[0] as number;
    const lastT = times.pop() as number;
    const lastK = keys.pop() as number;
    const lastH = handlers.pop() as EventHandler;
    const lastA = args.pop();
    const size = n - 1;
    if (size > 0) {
      // Sift the last entry down from the root.
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= size) break;
        const r = l + 1;
        let c = l;
        let ct = times[l] as number;
        if (r < size) {
          const rt = times[r] as number;
          if (rt < ct || (rt === ct && (keys[r] as number) < (keys[l] as number))) {
            c = r;
            ct = rt;
          }
        }
        if (ct > lastT || (ct === lastT && (keys[c] as number) > lastK)) break;
        times[i] = ct;
        keys[i] = keys[c] as number;
        handlers[i] = handlers[c] as EventHandler;
        args[i] = args[c];
        i = c;
      }
      times[i] = lastT;
      keys[i] = lastK;
      handlers[i] = lastH;
      args[i] = lastA;
    }
    handler(arg);
    return true;
  }

  /** Fires every event with time ≤ until; the clock then rests at `until`. */
  runUntil(until: number): void {
    while (this.times.length > 0 && (this.times[0] as number) <= until) this.step();
    if (until > this.current && until !== Infinity) this.current = until;
  }
}
