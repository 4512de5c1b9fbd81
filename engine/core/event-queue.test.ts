import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventQueue, PRIORITY } from './event-queue.ts';

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
