import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventQueue, PRIORITY, type EventHandler } from './event-queue.ts';

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

describe('EventQueue', () => {
  it('fires by time, then priority, then insertion order', () => {
    const q = new EventQueue();
    const fired: string[] = [];
    const log = (s: string) => fired.push(s);
    q.schedule(10, PRIORITY.arrival, log, 'c');
    q.schedule(5, PRIORITY.arrival, log, 'a');
    q.schedule(10, PRIORITY.control, log, 'b');
    q.schedule(10, PRIORITY.arrival, log, 'd');
    while (q.step());
    expect(fired).toEqual(['a', 'b', 'c', 'd']);
    expect(q.now).toBe(10);
  });

  it('never goes back in time: an event scheduled in the past fires now', () => {
    const q = new EventQueue();
    const times: number[] = [];
    q.schedule(5, 0, () => q.schedule(1, 0, () => times.push(q.now), undefined), undefined);
    while (q.step());
    expect(times).toEqual([5]);
  });

  it('runUntil stops at the boundary and leaves later events queued', () => {
    const q = new EventQueue();
    const fired: number[] = [];
    for (const t of [1, 2, 3, 4]) q.schedule(t, 0, (x: number) => fired.push(x), t);
    q.runUntil(2.5);
    expect(fired).toEqual([1, 2]);
    expect(q.now).toBe(2.5);
    expect(q.size).toBe(2);
  });

  it('matches a stable sort of (time, priority, sequence) for any schedule (fast-check)', () => {
    console.log(`event-queue property seed: ${seed}`);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 3 })), { maxLength: 300 }),
        (items) => {
          const q = new EventQueue();
          const fired: number[] = [];
          items.forEach(([t, p], i) => q.schedule(t, p, (x: number) => fired.push(x), i));
          while (q.step());
          const expected = items
            .map(([t, p], i) => ({ t, p, i }))
            .sort((a, b) => a.t - b.t || a.p - b.p || a.i - b.i)
            .map((e) => e.i);
          expect(fired).toEqual(expected);
        },
      ),
      { seed },
    );
  });
});

/**
 * The reference for lanes: every pending event in one list, the next one found by scanning for the
 * least (time, priority, sequence). A lane here only decides which events are cancellable: an event
 * joins its lane when the lane is empty or it comes after the lane's last event, as the spec says;
 * otherwise it goes to the heap, gets no handle and fires as usual whatever is cancelled.
 */
class ReferenceQueue {
  now = 0;
  private seq = 0;
  private readonly pending: Array<{ time: number; priority: number; seq: number; lane: number; handler: EventHandler<any>; arg: unknown }> = [];

  get size(): number {
    return this.pending.length;
  }

  schedule<A>(lane: number, time: number, priority: number, handler: EventHandler<A>, arg: A): number {
    const e = { time: Math.max(time, this.now), priority, seq: this.seq++, lane, handler: handler as EventHandler<any>, arg: arg as unknown };
    if (lane >= 0) {
      const inLane = this.pending.filter((x) => x.lane === lane);
      const last = inLane[inLane.length - 1];
      if (last && (e.time < last.time || (e.time === last.time && (e.priority < last.priority || (e.priority === last.priority && e.seq < last.seq))))) e.lane = -1;
    }
    this.pending.push(e);
    return e.lane >= 0 ? e.seq : -1;
  }

  cancel(handle: number): void {
    const e = this.pending.find((x) => x.seq === handle && x.lane >= 0);
    if (e) {
      e.handler = () => {};
      e.arg = undefined;
    }
  }

  step(): boolean {
    if (this.pending.length === 0) return false;
    let best = 0;
    for (let i = 1; i < this.pending.length; i++) {
      const a = this.pending[i]!;
      const b = this.pending[best]!;
      if (a.time < b.time || (a.time === b.time && (a.priority < b.priority || (a.priority === b.priority && a.seq < b.seq)))) best = i;
    }
    const [e] = this.pending.splice(best, 1);
    this.now = e!.time;
    e!.handler(e!.arg);
    return true;
  }
}

/** A schedule into the heap (lane -1) or a lane, a cancel of an earlier lane event, or a step. */
type Op =
  | { op: 'schedule'; lane: number; at: 'delay' | 'now' | 'free'; dt: number; priority: number; nest: boolean }
  | { op: 'cancel'; pick: number }
  | { op: 'step' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('schedule' as const),
      lane: fc.integer({ min: -1, max: 2 }),
      // Mostly the lane's fixed delay (in order, as the front timeout), sometimes now or anything (out of order, ties).
      at: fc.constantFrom('delay' as const, 'delay' as const, 'now' as const, 'free' as const),
      dt: fc.integer({ min: 0, max: 12 }),
      priority: fc.integer({ min: 0, max: 3 }),
      nest: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('step' as const) }) },
);

const LANE_DELAY = [5, 0, 3];

/** Runs `ops` on a queue seen through `sched`/`cancel`; returns what fired when, and the size after each op. */
function play(
  ops: readonly Op[],
  q: { readonly now: number; readonly size: number; step(): boolean },
  sched: (lane: number, time: number, priority: number, handler: EventHandler<number>, arg: number) => number,
  cancel: (lane: number, handle: number) => void,
): { log: string[]; handles: number[] } {
  const log: string[] = [];
  const handles: number[] = [];
  const lanesOf: number[] = [];
  let id = 0;
  const add = (lane: number, time: number, priority: number, nest: boolean): void => {
    const me = id++;
    // A nesting event schedules one more into lane 0 at its fixed delay when it fires, as handlers do.
    const h = sched(lane, time, priority, (x) => {
      log.push(`${x}@${q.now}`);
      if (nest) add(0, q.now + (LANE_DELAY[0] as number), 1, false);
    }, me);
    if (lane >= 0) {
      handles.push(h);
      lanesOf.push(lane);
    }
  };
  for (const o of ops) {
    if (o.op === 'schedule') {
      const time = o.at === 'now' ? q.now : o.at === 'delay' && o.lane >= 0 ? q.now + (LANE_DELAY[o.lane] as number) : q.now + o.dt - 2;
      add(o.lane, time, o.at === 'delay' ? 1 : o.priority, o.nest);
    } else if (o.op === 'cancel') {
      if (handles.length > 0) cancel(lanesOf[o.pick % handles.length] as number, handles[o.pick % handles.length] as number);
    } else q.step();
    log.push(`size ${q.size} now ${q.now}`);
  }
  while (q.step());
  log.push(`end now ${q.now}`);
  return { log, handles };
}

describe('EventQueue lanes', () => {
  it('fire exactly what one heap fires, a cancelled event as a no-op in its turn (fast-check)', () => {
    console.log(`event-queue lanes property seed: ${seed}`);
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => {
        const q = new EventQueue();
        const lanes = [q.lane(), q.lane(), q.lane()];
        const real = play(ops, q, (lane, t, p, h, a) => (lane < 0 ? (q.schedule(t, p, h, a), -1) : lanes[lane]!.schedule(t, p, h, a)), (lane, h) => lanes[lane]!.cancel(h));
        const r = new ReferenceQueue();
        // The reference's handles are sequence numbers; the real lane's are its own counts: map by position.
        const refHandles: number[] = [];
        const expected = play(ops, r, (lane, t, p, h, a) => {
          const handle = r.schedule(lane, t, p, h, a);
          if (lane >= 0) refHandles.push(handle);
          return handle;
        }, (_lane, h) => r.cancel(h));
        expect(real.log).toEqual(expected.log);
        // The same events joined their lanes (a handle) or went to the heap (-1).
        expect(real.handles.map((h) => h >= 0)).toEqual(expected.handles.map((h) => h >= 0));
      }),
      { seed, numRuns: 500 },
    );
  });

  it('lets go of a cancelled event\'s argument at once', () => {
    const q = new EventQueue();
    const lane = q.lane();
    const seen: unknown[] = [];
    const arg = { big: 'x' };
    const h = lane.schedule(10, PRIORITY.effect, (a) => seen.push(a), arg);
    lane.schedule(11, PRIORITY.effect, (a) => seen.push(a), 'second');
    lane.cancel(h);
    expect((lane as unknown as { args: unknown[] }).args.includes(arg)).toBe(false);
    while (q.step());
    expect(seen).toEqual(['second']);
    expect(q.now).toBe(11);
  });
});
