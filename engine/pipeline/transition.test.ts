import { describe, expect, it } from 'vitest';
import { TraceCollector } from '../trace/sink.ts';
import type { PipelineHost } from './host.ts';
import { emitTransition } from './transition.ts';

/** Only what emitTransition reads of a host: its sink, clocks and replica. */
function hostAt(now: number, traceNow: number, sink: TraceCollector): PipelineHost {
  return { sink, replica: 'gw-0', now: () => now, traceTime: () => traceNow } as unknown as PipelineHost;
}

describe('emitTransition', () => {
  it('writes a rollout move’s weight before and after (the canary-rollout plugin’s path into the trace)', () => {
    const sink = new TraceCollector('summary');
    emitTransition(hostAt(1_000_000, 5000, sink), { machine: 'canary-rollout', subject: 'p', from: 'progressing', to: 'progressing', reason: 'r', at: 999_000, weight: { from: 10, to: 25 } });
    expect(sink.events).toEqual([{ type: 'breaker.transition', t: 5000, replica: 'gw-0', machine: 'canary-rollout', subject: 'p', from: 'progressing', to: 'progressing', reason: 'r', weight: { from: 10, to: 25 }, at: 4000 }]);
  });

  it('writes no weight for a machine that has none (a breaker’s event is as before)', () => {
    const sink = new TraceCollector('summary');
    emitTransition(hostAt(0, 10, sink), { machine: 'circuit-breaker', subject: 'b', from: 'CLOSED', to: 'OPEN', reason: 'r' });
    expect(sink.events[0]).not.toHaveProperty('weight');
  });
});
