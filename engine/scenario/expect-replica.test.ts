/** The `replica` subject: resource readings a dashboard of the gateway's pods would show. */
import { describe, expect, it } from 'vitest';
import type { ReplicaQueueEvent } from '../trace/events.ts';
import { replicaReading } from './expect-replica.ts';

const sample = (t: number, replica: string, cpu: number, memoryMiB = 100, queued = 0, slots = 0): ReplicaQueueEvent =>
  ({ type: 'replica.queue', t, replica, cpu, cpuBacklogMs: 0, memory: memoryMiB * 1024 * 1024, queued, slots }) as ReplicaQueueEvent;

const all = { kind: 'replica' as const, fromMs: 0, toMs: Infinity };

describe('replica subject', () => {
  // gw-0: 100 % for the first second, 50 % for the next three.
  const samples = [sample(1000, 'gw-0', 1, 120, 4, 8), sample(4000, 'gw-0', 0.5, 300, 0, 2), sample(2000, 'gw-1', 0.2, 90)];

  it('CPU mean is weighted by the time each sample covers, not by the number of samples', () => {
    expect(replicaReading({ ...all, replica: 'gw-0', field: 'cpu', stat: 'mean' }, samples)).toEqual({ value: 62.5 });
  });

  it('max, last and the gauges in their units (memory in MiB)', () => {
    expect(replicaReading({ ...all, replica: 'gw-0', field: 'cpu', stat: 'max' }, samples)).toEqual({ value: 100 });
    expect(replicaReading({ ...all, replica: 'gw-0', field: 'memory', stat: 'last' }, samples)).toEqual({ value: 300 });
    expect(replicaReading({ ...all, field: 'memory', stat: 'max' }, samples)).toEqual({ value: 300 });
    expect(replicaReading({ ...all, replica: 'gw-0', field: 'queued', stat: 'max' }, samples)).toEqual({ value: 4 });
    expect(replicaReading({ ...all, replica: 'gw-0', field: 'slots', stat: 'last' }, samples)).toEqual({ value: 2 });
  });

  it('the window is half-open and clips the first interval at its start', () => {
    // [2s, 4s]: only the 4 s sample counts, weighted over 2 s.
    expect(replicaReading({ kind: 'replica', replica: 'gw-0', field: 'cpu', stat: 'mean', fromMs: 2000, toMs: 4001 }, samples)).toEqual({ value: 50 });
    expect(replicaReading({ kind: 'replica', replica: 'gw-0', field: 'cpu', stat: 'max', fromMs: 0, toMs: 4000 }, samples)).toEqual({ value: 100 });
  });

  it('no sample for the replica or window is reported as missing, not as 0', () => {
    const r = replicaReading({ ...all, replica: 'gw-7', field: 'cpu', stat: 'max' }, samples);
    expect(r).toEqual({ missing: 'no replica.queue samples for gw-7 in the window' });
  });
});
