// LocalCounters keeps its counters in typed-array columns; these tests pin that it decides, sizes
// and snapshots exactly as the plain state-object store it replaced (semantics §1: Kong fixed windows).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kongFixedWindow, kongStateIsStale, newKongDecision, type KongFixedWindowDecision, type KongLimits, type KongWindowState } from './math/kong-fixed-window.ts';
import { LocalCounters, snapshotStates, type CounterSnapshot } from './policy-local.ts';

// Engine code takes no randomness from the machine: the seed is fixed unless FC_SEED names another.
const seed = Number(process.env['FC_SEED'] ?? 20_261_126);
console.log(`[fast-check] policy-local seed=${seed} (replay: FC_SEED=${seed})`);

/** The store as it was before the columns: identifier → state object, swept when the map doubles. */
class ObjectCounters {
  private readonly byIdentifier = new Map<string, KongWindowState>();
  private sweepAt = 1024;

  check(limits: KongLimits, identifier: string, nowMs: number): KongFixedWindowDecision {
    const { decision, state } = kongFixedWindow(limits, this.byIdentifier.get(identifier) ?? {}, nowMs);
    if (Object.keys(state).length > 0) this.byIdentifier.set(identifier, state);
    else this.byIdentifier.delete(identifier);
    if (this.byIdentifier.size >= this.sweepAt) this.sweep(nowMs);
    return decision;
  }

  sweep(nowMs: number): void {
    for (const [id, state] of this.byIdentifier) if (kongStateIsStale(state, nowMs)) this.byIdentifier.delete(id);
    this.sweepAt = Math.max(1024, this.byIdentifier.size * 2);
  }

  get size(): number {
    return this.byIdentifier.size;
  }

  snapshot(nowMs: number): CounterSnapshot {
    return snapshotStates(this.byIdentifier, nowMs);
  }
}

const LIMIT_SETS: KongLimits[] = [{ second: 2 }, { minute: 3 }, { second: 1, minute: 4, hour: 6 }, { day: 5, month: 7 }, { month: 2, year: 3 }, { second: 3, year: 9 }];
// Near month and year ends, where a 30-day or 365-day TTL can end before the calendar window does.
const STARTS = [Date.UTC(2026, 0, 1, 12, 0, 5), Date.UTC(2026, 0, 31, 23, 59, 58), Date.UTC(2024, 1, 28, 23, 59, 59), Date.UTC(2025, 11, 31, 23, 59, 50)];

const step = fc.record({
  client: fc.integer({ min: 0, max: 12 }),
  // Mostly small steps (same second, same minute), some that cross hours, days and months.
  advanceMs: fc.oneof(fc.integer({ min: 0, max: 1_500 }), fc.integer({ min: 0, max: 90_000 }), fc.constantFrom(3_600_000, 86_400_000, 31 * 86_400_000)),
  sweep: fc.boolean(),
});

describe('LocalCounters (columns) against the state-object store it replaced', () => {
  it('gives the same decision, size and snapshot after every request', () => {
    fc.assert(
      fc.property(fc.constantFrom(...LIMIT_SETS), fc.constantFrom(...STARTS), fc.array(step, { minLength: 1, maxLength: 120 }), (limits, start, steps) => {
        const columns = new LocalCounters();
        const objects = new ObjectCounters();
        let now = start;
        for (const s of steps) {
          now += s.advanceMs;
          const id = `10.0.0.${s.client}`;
          expect(columns.check(limits, id, now)).toEqual(objects.check(limits, id, now));
          if (s.sweep) {
            columns.sweep(now);
            objects.sweep(now);
          }
          expect(columns.size).toBe(objects.size);
          expect(columns.snapshot(now)).toEqual(objects.snapshot(now));
          // Same key order too: the lab lists identifiers in the order the snapshot gives them.
          expect(Object.keys(columns.snapshot(now))).toEqual(Object.keys(objects.snapshot(now)));
        }
      }),
      { seed, numRuns: 300 },
    );
  });

  it('agrees even when the limits differ from call to call (counters of other periods are dropped)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...STARTS), fc.array(fc.tuple(step, fc.constantFrom(...LIMIT_SETS)), { minLength: 1, maxLength: 80 }), (start, steps) => {
        const columns = new LocalCounters();
        const objects = new ObjectCounters();
        let now = start;
        for (const [s, limits] of steps) {
          now += s.advanceMs;
          const id = `10.0.0.${s.client % 3}`;
          expect(JSON.stringify(columns.check(limits, id, now))).toBe(JSON.stringify(objects.check(limits, id, now)));
          expect(columns.size).toBe(objects.size);
          expect(JSON.stringify(columns.snapshot(now))).toBe(JSON.stringify(objects.snapshot(now)));
        }
      }),
      { seed, numRuns: 300 },
    );
  });

  it('refilling one shared decision (`into`) gives the fresh decision each time, key order included', () => {
    fc.assert(
      fc.property(fc.constantFrom(...STARTS), fc.array(fc.tuple(step, fc.constantFrom(...LIMIT_SETS)), { minLength: 1, maxLength: 80 }), (start, steps) => {
        const columns = new LocalCounters();
        const objects = new ObjectCounters();
        // One decision refilled across clients and limit sets (rows grow and shrink with the periods).
        const shared = newKongDecision();
        let now = start;
        for (const [s, limits] of steps) {
          now += s.advanceMs;
          const id = `10.0.0.${s.client % 4}`;
          const fresh = objects.check(limits, id, now);
          const got = columns.check(limits, id, now, shared);
          expect(got).toBe(shared);
          expect(got).toStrictEqual(fresh);
          // The rows become headers and sentences in the trace: the same keys in the same order.
          expect(JSON.stringify(got)).toBe(JSON.stringify(fresh));
          expect(JSON.stringify(columns.snapshot(now))).toBe(JSON.stringify(objects.snapshot(now)));
        }
      }),
      { seed, numRuns: 300 },
    );
  });

  it('reuses released slots and grows past its first columns without mixing clients up', () => {
    const columns = new LocalCounters();
    const objects = new ObjectCounters();
    const limits: KongLimits = { second: 1, minute: 2 };
    let now = Date.UTC(2026, 0, 1, 0, 0, 0);
    // 3,000 clients: more than the first 64 slots and than the 1,024 that triggers a sweep; then a
    // minute later every counter is stale, the sweep frees them all and new clients take their slots.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 3_000; i++) {
        const id = `c${round}-${i % 1_500}`;
        expect(columns.check(limits, id, now)).toEqual(objects.check(limits, id, now));
      }
      expect(columns.size).toBe(objects.size);
      expect(columns.snapshot(now)).toEqual(objects.snapshot(now));
      now += 61_000;
    }
  });
});
