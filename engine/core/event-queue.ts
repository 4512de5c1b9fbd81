/**
 * The simulation's agenda: a binary min-heap ordered by (time, priority, sequence). Equal times fire by
 * priority, then in insertion order, so a run never depends on how the heap happens to break ties.
 *
 * Layout, for speed (the engine pushes millions of events a second; `npm run bench` measures it
 * against a hand-written heap):
 * - The heap itself is two typed arrays, the event times and a slot number. Sifting moves 12 bytes
 *   per level and compares plain doubles; it never touches a JS object or array of pointers.
 * - Each event's order key, handler and argument live in its slot, which does not move while the
 *   event waits. The key is read only when two times are equal, which real schedules rarely produce.
 * - Freed slots are reused last-in first-out, so the few slots in use stay warm in the cache.
 * No object is allocated per event, so the garbage collector is not the bottleneck either.
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

/** priority × SEQ_SPACE + sequence stays an exact double for 2^44 events per priority. */
const SEQ_SPACE = 2 ** 44;

const INITIAL_CAPACITY = 64;

/** A packed (not holey) array of `undefined`: V8 keeps fast element access for packed arrays. */
function packedArray<T>(length: number): Array<T | undefined> {
  const out: Array<T | undefined> = [];
  for (let i = 0; i < length; i++) out.push(undefined);
  return out;
}

export class EventQueue {
  /** Heap order: times[i] and slotAt[i] describe the i-th heap node. */
  private times = new Float64Array(INITIAL_CAPACITY);
  private slotAt = new Int32Array(INITIAL_CAPACITY);
  private count = 0;
  /** Per slot: the (priority, sequence) key, the handler and its argument. */
  private keys = new Float64Array(INITIAL_CAPACITY);
  private handlers = packedArray<EventHandler<any>>(INITIAL_CAPACITY);
  private args = packedArray<unknown>(INITIAL_CAPACITY);
  /** Stack of free slot numbers; slots never handed out yet start at `slotsUsed`. */
  private freeSlots = new Int32Array(INITIAL_CAPACITY);
  private freeCount = 0;
  private slotsUsed = 0;
  private seq = 0;
  private current = 0;

  get size(): number {
    return this.count;
  }

  /** The time of the event being (or last) fired. */
  get now(): number {
    return this.current;
  }

  schedule<A>(time: number, priority: number, handler: EventHandler<A>, arg: A): void {
    if (time < this.current) time = this.current;
    if (this.count === this.times.length) this.grow();
    const slot = this.freeCount > 0 ? (this.freeSlots[--this.freeCount] as number) : this.slotsUsed++;
    const key = priority * SEQ_SPACE + this.seq++;
    const keys = this.keys;
    keys[slot] = key;
    this.handlers[slot] = handler;
    this.args[slot] = arg;
    const times = this.times;
    const slotAt = this.slotAt;
    // Sift up.
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent] as number;
      if (pt < time || (pt === time && (keys[slotAt[parent] as number] as number) < key)) break;
      times[i] = pt;
      slotAt[i] = slotAt[parent] as number;
      i = parent;
    }
    times[i] = time;
    slotAt[i] = slot;
  }

  /** Time of the next event, or Infinity when the agenda is empty. */
  peekTime(): number {
    return this.count > 0 ? (this.times[0] as number) : Infinity;
  }

  /** Fires the next event; returns false when there is none. */
  step(): boolean {
    if (this.count === 0) return false;
    const times = this.times;
    const slotAt = this.slotAt;
    const keys = this.keys;
    const top = slotAt[0] as number;
    this.current = times[0] as number;
    const size = --this.count;
    if (size > 0) {
      // Sift the last node down from the root.
      const lastT = times[size] as number;
      const lastS = slotAt[size] as number;
      const lastK = keys[lastS] as number;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= size) break;
        const r = l + 1;
        let c = l;
        let ct = times[l] as number;
        if (r < size) {
          const rt = times[r] as number;
          if (rt < ct || (rt === ct && (keys[slotAt[r] as number] as number) < (keys[slotAt[l] as number] as number))) {
            c = r;
            ct = rt;
          }
        }
        if (ct > lastT || (ct === lastT && (keys[slotAt[c] as number] as number) > lastK)) break;
        times[i] = ct;
        slotAt[i] = slotAt[c] as number;
        i = c;
      }
      times[i] = lastT;
      slotAt[i] = lastS;
    }
    const handler = this.handlers[top] as EventHandler;
    const arg = this.args[top];
    // Drop the references so a fired event's argument can be collected, then free the slot before
    // the handler runs: whatever it schedules may reuse it.
    this.handlers[top] = undefined;
    this.args[top] = undefined;
    this.freeSlots[this.freeCount++] = top;
    handler(arg);
    return true;
  }

  /** Fires every event with time ≤ until; the clock then rests at `until`. */
  runUntil(until: number): void {
    while (this.count > 0 && (this.times[0] as number) <= until) this.step();
    if (until > this.current && until !== Infinity) this.current = until;
  }

  /** Doubles every array; heap nodes and slots are equal in number, so they grow together. */
  private grow(): void {
    const capacity = this.times.length * 2;
    const widen = <T extends Float64Array | Int32Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    this.times = widen(this.times, (n) => new Float64Array(n));
    this.keys = widen(this.keys, (n) => new Float64Array(n));
    this.slotAt = widen(this.slotAt, (n) => new Int32Array(n));
    this.freeSlots = widen(this.freeSlots, (n) => new Int32Array(n));
    for (let i = this.handlers.length; i < capacity; i++) {
      this.handlers.push(undefined);
      this.args.push(undefined);
    }
  }
}
