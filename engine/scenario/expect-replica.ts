/**
 * The `replica` expectation subject: what a dashboard of the gateway's pods would read — CPU against
 * its limit, memory, queue and slots — from the replica.queue samples the simulator emits. Each CPU
 * sample is the utilisation since that replica's previous sample, so a mean weights every sample by
 * the time it covers; otherwise irregular sampling (samples are taken when the queue changes) would
 * over-count busy moments.
 */
import type { ReplicaQueueEvent } from '../trace/events.ts';
import type { ExpectationSubject } from './types.ts';
import type { Measured } from './expect.ts';

type ReplicaSubject = Extract<ExpectationSubject, { kind: 'replica' }>;

const MIB = 1024 * 1024;

function reading(e: ReplicaQueueEvent, field: ReplicaSubject['field']): number {
  if (field === 'cpu') return e.cpu * 100;
  if (field === 'memory') return e.memory / MIB;
  return field === 'queued' ? e.queued : e.slots;
}

function rounded(v: number): number {
  return Math.round(v * 1000) / 1000;
}

export function replicaReading(s: ReplicaSubject, samples: readonly ReplicaQueueEvent[]): Measured {
  const previousT = new Map<string, number>();
  let max = -Infinity;
  let last: number | undefined;
  let weighted = 0;
  let span = 0;
  let n = 0;
  for (const e of samples) {
    const since = previousT.get(e.replica) ?? 0;
    previousT.set(e.replica, e.t);
    if (s.replica !== undefined && e.replica !== s.replica) continue;
    if (e.t < s.fromMs || e.t >= s.toMs) continue;
    const v = reading(e, s.field);
    n++;
    max = Math.max(max, v);
    last = v;
    // CPU is a rate over the interval the sample closes; gauges hold from one sample to the next, so
    // the interval before a sample is the fair weight for both.
    const dt = Math.max(0, e.t - Math.max(since, s.fromMs));
    weighted += v * dt;
    span += dt;
  }
  if (n === 0) return { missing: `no replica.queue samples${s.replica !== undefined ? ` for ${s.replica}` : ''} in the window` };
  if (s.stat === 'max') return { value: rounded(max) };
  if (s.stat === 'last') return { value: rounded(last as number) };
  return { value: rounded(span > 0 ? weighted / span : max) };
}
