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
 *
 * Lanes (`lane()`): events that are scheduled in their own firing order — a fixed delay after now
 * (the front balancer's timeout), the finish times of a FIFO server (a replica's CPU) — wait in a
 * FIFO ring instead of the heap, and the heap holds one node per non-empty lane, keyed by the lane's
 * first event. In overload thousands of such events wait for seconds of virtual time; in the heap
 * each cost a sift through a dozen levels, in a lane an append and a read. The firing order does not
 * change: an event's (priority, sequence) key is taken from the same counter when it is scheduled,
 * a lane is sorted by (time, key), so its first event is its least, and the heap's least node is
 * the least event of all, exactly as with one heap (event-queue.test.ts checks it with fast-check).
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

/** Marks a heap slot that stands for a lane (its argument is the lane); never called. */
function laneNode(): void {
  throw new Error('a lane node is never fired as an event');
}

/** What a cancelled lane event fires instead of its handler: nothing, at the same time and order. */
function cancelled(): void {}

const LANE_CAPACITY = 16;

/**
 * Events scheduled in firing order, waiting in a ring (see the file comment); made by `EventQueue.lane`.
 * An event that would not be last in (time, priority, sequence) order goes to the heap instead, so a
 * lane is never wrong, only faster for events that do come in order.
 */
export class EventLane {
  /** Ring storage; the first pending event is at `first`, `length` events from there, wrapping. */
  times = new Float64Array(LANE_CAPACITY);
  keys = new Float64Array(LANE_CAPACITY);
  handlers = packedArray<EventHandler<any>>(LANE_CAPACITY);
  args = packedArray<unknown>(LANE_CAPACITY);
  first = 0;
  length = 0;
  /** How many events left the lane so far: an event's handle is this count when it was first, plus its offset. */
  fired = 0;
  /** The heap slot standing for this lane while it has events; -1 when it is empty. */
  slot = -1;
  /** The last event's time and key: a new one joins only after them. */
  lastTime = -Infinity;
  lastKey = -1;

  constructor(private readonly queue: EventQueue) {}

  /**
   * Like `EventQueue.schedule`. Returns a handle for `cancel`: the event's number in this lane, or -1
   * when it came out of order and went to the heap (it cannot be cancelled then, and fires as usual).
   */
  schedule<A>(time: number, priority: number, handler: EventHandler<A>, arg: A): number {
    return this.queue.scheduleInLane(this, time, priority, handler, arg);
  }

  /**
   * The event `handle` will not call its handler, and its argument is let go now (a timeout that no
   * longer matters stops holding what it was about). It still takes its turn at its time: the clock
   * and every other event's order are as if it had fired and done nothing. A handle that already
   * fired, or -1, is ignored.
   */
  cancel(handle: number): void {
    const offset = handle - this.fired;
    if (handle < 0 || offset < 0 || offset >= this.length) return;
    const i = (this.first + offset) & (this.times.length - 1);
    this.handlers[i] = cancelled;
    this.args[i] = undefined;
  }

  /** Appends at the end (the caller checked the order); grows the ring when it is full. */
  push(time: number, key: number, handler: EventHandler<any>, arg: unknown): number {
    if (this.length === this.times.length) this.grow();
    const i = (this.first + this.length) & (this.times.length - 1);
    this.times[i] = time;
    this.keys[i] = key;
    this.handlers[i] = handler;
    this.args[i] = arg;
    this.lastTime = time;
    this.lastKey = key;
    return this.fired + this.length++;
  }

  /** Doubles the ring, unwrapping it so the first event is at 0. */
  private grow(): void {
    const cap = this.times.length;
    const times = new Float64Array(cap * 2);
    const keys = new Float64Array(cap * 2);
    const handlers = packedArray<EventHandler<any>>(cap * 2);
    const args = packedArray<unknown>(cap * 2);
    for (let k = 0; k < this.length; k++) {
      const i = (this.first + k) & (cap - 1);
      times[k] = this.times[i] as number;
      keys[k] = this.keys[i] as number;
      handlers[k] = this.handlers[i];
      args[k] = this.args[i];
    }
    this.times = times;
    this.keys = keys;
    this.handlers = handlers;
    this.args = args;
    this.first = 0;
  }
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
  /** Events waiting, in the heap and in lanes (`count` is heap nodes, one per non-empty lane). */
  private pending = 0;

  get size(): number {
    return this.pending;
  }

  /** A new lane for events scheduled in their firing order (see the file comment). */
  lane(): EventLane {
    return new EventLane(this);
  }

  /** The time of the event being (or last) fired. */
  get now(): number {
    return this.current;
  }

  schedule<A>(time: number, priority: number, handler: EventHandler<A>, arg: A): void {
    if (time < this.current) time = this.current;
    this.pending++;
    this.insert(time, priority * SEQ_SPACE + this.seq++, handler, arg);
  }

  /** EventLane.schedule: into the lane when it comes after the lane's last event, else into the heap. */
  scheduleInLane<A>(lane: EventLane, time: number, priority: number, handler: EventHandler<A>, arg: A): number {
    if (time < this.current) time = this.current;
    this.pending++;
    const key = priority * SEQ_SPACE + this.seq++;
    if (time < lane.lastTime || (time === lane.lastTime && key < lane.lastKey)) {
      this.insert(time, key, handler, arg);
      return -1;
    }
    const handle = lane.push(time, key, handler, arg);
    // The lane was empty: it enters the heap, keyed by this event, its first.
    if (lane.length === 1) lane.slot = this.insert(time, key, laneNode, lane);
    return handle;
  }

  /** Puts a node for (time, key) into the heap; returns its slot. */
  private insert(time: number, key: number, handler: EventHandler<any>, arg: unknown): number {
    if (this.count === this.times.length) this.grow();
    const slot = this.freeCount > 0 ? (this.freeSlots[--this.freeCount] as number) : this.slotsUsed++;
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
    return slot;
  }

  /** Time of the next event, or Infinity when the agenda is empty. */
  peekTime(): number {
    return this.count > 0 ? (this.times[0] as number) : Infinity;
  }

  /** Fires the next event; returns false when there is none. */
  step(): boolean {
    if (this.count === 0) return false;
    const top = this.slotAt[0] as number;
    this.current = this.times[0] as number;
    this.pending--;
    let handler = this.handlers[top] as EventHandler;
    let arg = this.args[top];
    if (handler === laneNode) {
      // The lane's first event fires; the lane's node stays at the root, keyed by the next one, and
      // sinks to its place (its key only grew), or leaves the heap with the lane's last event.
      const lane = arg as EventLane;
      const i = lane.first;
      handler = lane.handlers[i] as EventHandler;
      arg = lane.args[i];
      lane.handlers[i] = undefined;
      lane.args[i] = undefined;
      lane.first = (i + 1) & (lane.times.length - 1);
      lane.fired++;
      if (--lane.length > 0) {
        const next = lane.first;
        this.keys[top] = lane.keys[next] as number;
        this.siftDown(0, this.count, lane.times[next] as number, top);
      } else {
        lane.slot = -1;
        lane.lastTime = -Infinity;
        lane.lastKey = -1;
        this.removeRoot(top);
      }
    } else {
      this.removeRoot(top);
    }
    handler(arg);
    return true;
  }

  /**
   * Takes the root node (slot `top`) out: the last node sifts down from the root. Drops the slot's
   * references so a fired event's argument can be collected, and frees the slot before the handler
   * runs: whatever it schedules may reuse it.
   */
  private removeRoot(top: number): void {
    const size = --this.count;
    if (size > 0) this.siftDown(0, size, this.times[size] as number, this.slotAt[size] as number);
    this.handlers[top] = undefined;
    this.args[top] = undefined;
    this.freeSlots[this.freeCount++] = top;
  }

  /** Places the node (t, s) at its place below heap index `i`, among the first `size` nodes. */
  private siftDown(i: number, size: number, t: number, s: number): void {
    const times = this.times;
    const slotAt = this.slotAt;
    const keys = this.keys;
    const k = keys[s] as number;
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
      if (ct > t || (ct === t && (keys[slotAt[c] as number] as number) > k)) break;
      times[i] = ct;
      slotAt[i] = slotAt[c] as number;
      i = c;
    }
    times[i] = t;
    slotAt[i] = s;
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
