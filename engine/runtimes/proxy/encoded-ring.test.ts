import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { TraceEvent } from '../../trace/events.ts';
import { EncodedEventRing } from './encoded-ring.ts';

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`[fast-check] encoded-ring seed=${seed} (replay: FC_SEED=${seed})`);

function decision(i: number): TraceEvent {
  return { type: 'plugin.decision', t: i, req: `req-${i}`, plugin: 'router', phase: 'access', verdict: 'next', reason: `event ${i} ü 😀` } as unknown as TraceEvent;
}

/** One step: keep the next event, or tell the ring the moment is quiet (it may encode then). */
type Step = { push: true } | { push: false };
const step: fc.Arbitrary<Step> = fc.oneof({ arbitrary: fc.constant({ push: true as const }), weight: 6 }, { arbitrary: fc.constant({ push: false as const }), weight: 1 });

describe('EncodedEventRing', () => {
  it('gives back exactly the last `capacity` events in their JSON form, whenever the batches are sealed', () => {
    fc.assert(
      // Long runs of pushes without a quiet moment cross the hard limit (four batches) that seals in push.
      fc.property(fc.integer({ min: 0, max: 300 }), fc.array(step, { maxLength: 2000, size: 'max' }), (capacity, steps) => {
        const ring = new EncodedEventRing(capacity);
        const pushed: TraceEvent[] = [];
        for (const s of steps) {
          if (!s.push) {
            ring.sealIfFull();
            continue;
          }
          const e = decision(pushed.length);
          pushed.push(e);
          ring.push(e);
        }
        const want = capacity === 0 ? [] : pushed.slice(Math.max(0, pushed.length - capacity));
        expect(ring.recent()).toStrictEqual(JSON.parse(JSON.stringify(want)));
      }),
      { seed, numRuns: 80 },
    );
  });

  it('keeps the last events after thousands of pushes with no quiet moment at all', () => {
    const ring = new EncodedEventRing(100);
    for (let i = 0; i < 5000; i++) ring.push(decision(i));
    expect(ring.recent().map((e) => e.t)).toEqual(Array.from({ length: 100 }, (_, k) => 4900 + k));
  });

  it('still answers an event pushed since the last seal, before any quiet moment', () => {
    const ring = new EncodedEventRing(10);
    for (let i = 0; i < 25; i++) ring.push(decision(i));
    ring.sealIfFull();
    ring.push(decision(25));
    expect(ring.recent().map((e) => e.t)).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
  });
});
