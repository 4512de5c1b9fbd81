/**
 * Properties of the capacity pieces: the FIFO CPU server, the slot pool and its queue, and memory.
 * Set FC_SEED to replay a failing run.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CpuServer } from './cpu-server.ts';
import { SlotPool } from './slots.ts';
import { memoryInUse, overLimit, requestsThatFit } from './memory.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] capacity seed=${seed} (replay: FC_SEED=${seed})`);
const params = { seed, numRuns: 200 };

const jobs = fc.array(fc.record({ gapMs: fc.double({ min: 0, max: 5, noNaN: true }), cpuUs: fc.integer({ min: 0, max: 5000 }) }), { maxLength: 60 });

describe('CpuServer (FIFO at `cores` CPU-seconds per second)', () => {
  it('a job alone takes cpuUs / cores of wall time', () => {
    const cpu = new CpuServer(0.25);
    expect(cpu.submit(10, 337)).toBeCloseTo(10 + 0.337 / 0.25, 9);
  });

  it('finish times never decrease (FIFO), no job ends before its own work is done, and work is conserved', () => {
    fc.assert(
      fc.property(jobs, fc.constantFrom(0.25, 0.5, 1, 2), (js, cores) => {
        const cpu = new CpuServer(cores);
        let t = 0;
        let last = 0;
        let work = 0;
        for (const j of js) {
          t += j.gapMs;
          const done = cpu.submit(t, j.cpuUs);
          expect(done).toBeGreaterThanOrEqual(last - 1e-9);
          expect(done).toBeGreaterThanOrEqual(t + j.cpuUs / 1000 / cores - 1e-9);
          last = done;
          work += j.cpuUs / 1000 / cores;
        }
        // Once everything is done, the busy time is exactly the work submitted.
        expect(cpu.busyUpTo(last + 1)).toBeCloseTo(work, 6);
      }),
      params,
    );
  });

  it('utilisation over a window is never above 1', () => {
    fc.assert(
      fc.property(jobs, (js) => {
        const cpu = new CpuServer(0.25);
        let t = 0;
        let prevBusy = 0;
        for (const j of js) {
          t += j.gapMs + 0.001;
          cpu.submit(t, j.cpuUs);
          const busy = cpu.busyUpTo(t);
          expect(busy - prevBusy).toBeLessThanOrEqual(j.gapMs + 0.001 + 1e-9);
          prevBusy = busy;
        }
      }),
      params,
    );
  });

  it('rejects a server without cores', () => {
    expect(() => new CpuServer(0)).toThrow();
  });
});

describe('SlotPool (slots, then a bounded FIFO queue, then refusal)', () => {
  it('never runs more than the slots, never queues more than the queue, serves the queue in order', () => {
    const ops = fc.array(fc.oneof(fc.constant('arrive' as const), fc.constant('release' as const), fc.constant('expire' as const)), { maxLength: 200 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 8 }), ops, (slots, queue, script) => {
        const pool = new SlotPool<number>({ slots, queue });
        let n = 0;
        let running = 0;
        const waiting: number[] = [];
        for (const op of script) {
          if (op === 'arrive') {
            const id = n++;
            const full = running === slots && waiting.length === queue;
            const a = pool.arrive(id);
            expect(a).toBe(running < slots ? 'run' : full ? 'refused' : 'queued');
            if (a === 'run') running++;
            else if (a === 'queued') waiting.push(id);
          } else if (op === 'release' && running > 0) {
            const next = pool.release();
            running--;
            expect(next).toBe(waiting[0]);
            if (next !== undefined) {
              waiting.shift();
              running++;
            }
          } else if (op === 'expire' && waiting.length > 0) {
            const last = waiting.pop() as number;
            expect(pool.expire(last)).toBe(true);
            expect(pool.expire(last)).toBe(false);
          }
          expect(pool.inUse).toBe(running);
          expect(pool.queued).toBe(waiting.length);
          expect(pool.inUse).toBeLessThanOrEqual(slots);
          expect(pool.queued).toBeLessThanOrEqual(queue);
        }
      }),
      params,
    );
  });

  it('without limits everything runs', () => {
    const pool = new SlotPool<number>({});
    for (let i = 0; i < 10_000; i++) expect(pool.arrive(i)).toBe('run');
    expect(pool.inUse).toBe(10_000);
  });

  it('clear empties the pool and hands back the queued entries', () => {
    const pool = new SlotPool<string>({ slots: 1, queue: 5 });
    pool.arrive('a');
    pool.arrive('b');
    pool.arrive('c');
    expect(pool.clear()).toEqual(['b', 'c']);
    expect(pool.inUse + pool.queued).toBe(0);
  });
});

describe('memory', () => {
  const m = { limitBytes: 256 * 1024 ** 2, baseBytes: 106 * 1024 ** 2, perRequestBytes: 64 * 1024 };

  it('the Kong pod fits 2,400 requests in 256 MiB, the 2,401st kills it', () => {
    expect(requestsThatFit(m)).toBe(2400);
    expect(overLimit(m, 2400)).toBe(false);
    expect(overLimit(m, 2401)).toBe(true);
  });

  it('over the limit exactly when more requests than fit are held', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4096 }), fc.integer({ min: 0, max: 512 }), fc.integer({ min: 0, max: 10_000 }), (limitMi, perKi, held) => {
        const mm = { limitBytes: (limitMi + 100) * 1024 ** 2, baseBytes: 100 * 1024 ** 2, perRequestBytes: perKi * 1024 };
        expect(overLimit(mm, held)).toBe(held > requestsThatFit(mm));
        expect(memoryInUse(mm, held)).toBe(mm.baseBytes + held * mm.perRequestBytes);
      }),
      params,
    );
  });

  it('no limit, no OOM', () => {
    expect(overLimit({ baseBytes: 1, perRequestBytes: 1 }, 1e9)).toBe(false);
  });
});
