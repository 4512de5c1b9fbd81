// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../../engine/trace/events.ts';
import { buildMachineTimelines } from './machines.ts';
import { replicaSeries } from './replicas.ts';
import { buildTraceIndex } from './trace-index.ts';
import { syntheticTrace } from './testing/synthetic.ts';

// Replay a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`sparse-events property seed: ${seed} (set FC_SEED to replay)`);

const extra = fc.oneof(
  fc.record({ t: fc.integer({ min: 0, max: 3000 }), replica: fc.constantFrom('gw-0', 'gw-1'), slots: fc.nat(8), queued: fc.nat(20), cpu: fc.double({ min: 0, max: 1, noNaN: true }) })
    .map((s): TraceEvent => ({ type: 'replica.queue', ...s, cpuBacklogMs: 0, memory: 64 * 1024 * 1024 })),
  fc.record({ t: fc.integer({ min: 0, max: 3000 }), machine: fc.constantFrom('circuit-breaker', 'replica'), to: fc.constantFrom('open', 'closed', 'oom-killed', 'running'), at: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: undefined }) })
    .map(({ t, machine, to, at }): TraceEvent => ({ type: 'breaker.transition', t, replica: 'gw-0', machine, subject: 'gw-0', from: 'x', to, reason: `to ${to}`, ...(at !== undefined ? { at } : {}) })),
);

describe('the index lists where transitions and replica samples are', () => {
  it('so the machine timelines and replica series read only those, and equal a scan of every event', () => {
    fc.assert(
      fc.property(fc.array(extra, { maxLength: 25 }), (more) => {
        const base = syntheticTrace([{ id: 'r1', at: 50, upstreamMs: 10 }, { id: 'r2', at: 900, upstreamMs: 30 }], { endT: 4000 });
        const end = base.pop() as TraceEvent;
        const events = [...base, ...more].sort((a, b) => a.t - b.t).concat(end);
        const index = buildTraceIndex(events);
        expect(index.transitions.map((i) => events[i]?.type).every((t) => t === 'breaker.transition')).toBe(true);
        expect(buildMachineTimelines(events, index.transitions)).toEqual(buildMachineTimelines(events));
        expect(replicaSeries(index)).toEqual(replicaSeries({ events }));
      }),
      { seed, numRuns: 200 },
    );
  });
});
