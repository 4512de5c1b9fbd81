// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../../engine/trace/events.ts';
import { valueAt } from './limiter.ts';
import { formatReplicaValue, replicaSeries } from './replicas.ts';
import { buildTraceIndex } from './trace-index.ts';
import { syntheticTrace } from './testing/synthetic.ts';

const MIB = 1024 * 1024;
const sample = (t: number, replica: string, slots: number, queued: number, cpu: number, memory: number): TraceEvent => ({
  type: 'replica.queue',
  t,
  replica,
  slots,
  queued,
  cpu,
  cpuBacklogMs: 0,
  memory,
});

function withSamples(extra: TraceEvent[]): TraceEvent[] {
  const base = syntheticTrace([{ id: 'r1', at: 50 }], { endT: 2000 });
  const end = base.pop() as TraceEvent;
  return [...base, ...extra].sort((a, b) => a.t - b.t).concat(end);
}

describe('replicaSeries', () => {
  it('is null for a trace without replica.queue events (the chart is not shown)', () => {
    expect(replicaSeries(buildTraceIndex(syntheticTrace([{ id: 'r1', at: 50 }])))).toBeNull();
  });

  it('turns samples into one line per replica per metric, in display units', () => {
    const index = buildTraceIndex(
      withSamples([
        sample(100, 'gw-0', 2, 0, 0.25, 110 * MIB),
        sample(100, 'gw-1', 1, 0, 0.1, 107 * MIB),
        sample(200, 'gw-0', 8192, 40, 1, 250 * MIB),
      ]),
    );
    const s = replicaSeries(index);
    expect(s?.replicas).toEqual(['gw-0', 'gw-1']);
    const by = (m: string) => s?.metrics.find((x) => x.metric === m);
    expect(by('cpu')?.lines[0]?.points.map((p) => p.v)).toEqual([25, 100]);
    expect(by('memory')?.lines[0]?.points.map((p) => p.v)).toEqual([110, 250]);
    expect(by('slots')?.max).toBe(8192);
    expect(by('queued')?.lines[1]?.points.map((p) => [p.t, p.v])).toEqual([[100, 0]]);
    // The value a replica holds at the cursor is its latest sample at or before it.
    const gw0 = by('queued')?.lines[0];
    expect(gw0 && valueAt(gw0, 150)).toBe(0);
    expect(gw0 && valueAt(gw0, 250)).toBe(40);
    expect(gw0 && valueAt(gw0, 50)).toBeNull();
  });

  it('keeps the CPU axis at 100 % or more, and lists OOM kills', () => {
    const kill: TraceEvent = { type: 'breaker.transition', t: 300, replica: 'gw-0', machine: 'replica', subject: 'gw-0', from: 'running', to: 'oom-killed', reason: 'OOMKilled' };
    const back: TraceEvent = { type: 'breaker.transition', t: 1300, replica: 'gw-0', machine: 'replica', subject: 'gw-0', from: 'oom-killed', to: 'running', reason: 'restarted' };
    const s = replicaSeries(buildTraceIndex(withSamples([sample(100, 'gw-0', 1, 0, 0.2, 100 * MIB), kill, back])));
    expect(s?.metrics.find((m) => m.metric === 'cpu')?.max).toBe(100);
    expect(s?.kills).toEqual([{ t: 300, replica: 'gw-0' }]);
  });

  it('drops a killed replica to nothing held and no CPU until its next sample (kong-bottleneck overload)', () => {
    const kill: TraceEvent = { type: 'breaker.transition', t: 300, replica: 'gw-0', machine: 'replica', subject: 'gw-0', from: 'running', to: 'oom-killed', reason: 'OOMKilled' };
    const back: TraceEvent = { type: 'breaker.transition', t: 1300, replica: 'gw-0', machine: 'replica', subject: 'gw-0', from: 'oom-killed', to: 'running', reason: 'restarted' };
    const s = replicaSeries(buildTraceIndex(withSamples([sample(290, 'gw-0', 2401, 3, 1, 256 * MIB), kill, back, sample(1310, 'gw-0', 1, 0, 0, 106 * MIB)])));
    const line = (m: string) => s?.metrics.find((x) => x.metric === m)?.lines[0];
    // The chart said 2,401 slots, 256 MiB and 100 % CPU all through the ten seconds the pod was dead.
    for (const m of ['cpu', 'memory', 'slots', 'queued']) {
      const l = line(m);
      expect(l && valueAt(l, 800), m).toBe(0);
      expect(l && valueAt(l, 299), m).toBeGreaterThan(0);
    }
    expect(line('slots') && valueAt(line('slots')!, 1310)).toBe(1);
    // The axis still reaches the load before the kill.
    expect(s?.metrics.find((m) => m.metric === 'slots')?.max).toBe(2401);
  });

  it('formats values for the caption', () => {
    expect(formatReplicaValue('cpu', 99.6)).toBe('100 %');
    expect(formatReplicaValue('memory', 255.7)).toBe('256 MiB');
    expect(formatReplicaValue('queued', 1234)).toBe('1,234');
    expect(formatReplicaValue('slots', null)).toBe('—');
  });
});
