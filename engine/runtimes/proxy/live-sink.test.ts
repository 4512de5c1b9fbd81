import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { TraceEvent } from '../../trace/events.ts';
import { LiveSink } from './live-sink.ts';

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

function endEvent(i: number): TraceEvent {
  return { type: 'request.end', t: i, req: `req-${i}`, client: '10.0.0.1', replica: 'gw-0', status: 200, source: 'service', route: null, service: null, ms: 0 } as unknown as TraceEvent;
}

describe('LiveSink ring', () => {
  it('keeps exactly the last ringSize events, oldest first, however many were emitted', () => {
    console.log(`live-sink property seed: ${seed}`);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 200 }), (ringSize, emitted) => {
        const sink = new LiveSink('decisions', ringSize);
        for (let i = 0; i < emitted; i++) sink.emit(endEvent(i));
        const kept = sink.recent().map((e) => e.t);
        const first = Math.max(0, emitted - ringSize);
        expect(kept).toEqual(Array.from({ length: emitted - first }, (_, k) => first + k));
      }),
      { seed },
    );
  });

  it('still sends every event to subscribers once the ring is full', () => {
    const sink = new LiveSink('decisions', 3);
    const seen: number[] = [];
    sink.subscribe((e) => seen.push(e.t));
    for (let i = 0; i < 7; i++) sink.emit(endEvent(i));
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(sink.recent().map((e) => e.t)).toEqual([4, 5, 6]);
  });
});
