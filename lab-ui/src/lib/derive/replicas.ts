/**
 * Each gateway replica's load over time, from the capacity model's `replica.queue` samples: CPU
 * utilisation, memory, slots in use and queue length, one line per replica; and the instants a
 * replica was OOM-killed (`breaker.transition` with machine `replica`), where its lines drop to 0. Empty for a trace without a
 * capacity model, so the chart that draws it shows only when there is something to show.
 */
import type { TraceEvent } from '../../../../engine/trace/events.ts';
import type { SeriesLine, SeriesPoint } from './limiter.ts';
import type { TraceIndex } from './trace-index.ts';

export type ReplicaMetric = 'cpu' | 'memory' | 'slots' | 'queued';

export const REPLICA_METRICS: ReadonlyArray<{ id: ReplicaMetric; label: string; unit: string }> = [
  { id: 'cpu', label: 'CPU utilisation', unit: '%' },
  { id: 'memory', label: 'Memory', unit: 'MiB' },
  { id: 'slots', label: 'Slots in use', unit: 'requests' },
  { id: 'queued', label: 'Queue length', unit: 'requests' },
];

export interface ReplicaMetricSeries {
  metric: ReplicaMetric;
  /** One line per replica, in the order replicas first reported; values in the metric's display unit. */
  lines: SeriesLine[];
  max: number;
}

export interface ReplicaSeries {
  replicas: string[];
  metrics: ReplicaMetricSeries[];
  /** OOM kills: when and which replica. */
  kills: Array<{ t: number; replica: string }>;
}

const MIB = 1024 * 1024;

/** The display value of one sample: CPU as a percentage, memory in MiB, counts as they are. */
function valueOf(metric: ReplicaMetric, e: Extract<TraceEvent, { type: 'replica.queue' }>): number {
  if (metric === 'cpu') return e.cpu * 100;
  if (metric === 'memory') return e.memory / MIB;
  return metric === 'slots' ? e.slots : e.queued;
}

/**
 * Built once per run; null when the trace has no `replica.queue` event. With the index's lists of
 * where those samples and the transitions are, it reads only them, not every event of the trace.
 */
export function replicaSeries(index: Pick<TraceIndex, 'events'> & Partial<Pick<TraceIndex, 'transitions' | 'replicaSamples'>>): ReplicaSeries | null {
  if (index.replicaSamples?.length === 0) return null;
  const points = new Map<string, Record<ReplicaMetric, SeriesPoint[]>>();
  const kills: ReplicaSeries['kills'] = [];
  const events = index.replicaSamples && index.transitions
    ? mergeIndices(index.replicaSamples, index.transitions).map((i) => index.events[i] as TraceEvent)
    : index.events;
  for (const e of events) {
    if (e.type === 'replica.queue') {
      let p = points.get(e.replica);
      if (!p) points.set(e.replica, (p = { cpu: [], memory: [], slots: [], queued: [] }));
      for (const { id } of REPLICA_METRICS) p[id].push({ t: e.t, v: valueOf(id, e) });
    } else if (e.type === 'breaker.transition' && e.machine === 'replica' && e.to === 'oom-killed') {
      const t = e.at ?? e.t;
      kills.push({ t, replica: e.subject });
      // The killed pod holds nothing and runs nothing, but no sample says so until it is back: the
      // lines used to stay at the last load (256 MiB, 2,401 slots, 100 % CPU) across the whole outage.
      const p = points.get(e.subject);
      if (p) for (const { id } of REPLICA_METRICS) p[id].push({ t, v: 0 });
    }
  }
  if (points.size === 0) return null;
  const replicas = [...points.keys()];
  const metrics = REPLICA_METRICS.map(({ id }) => {
    let max = 0;
    const lines = replicas.map((replica) => {
      const pts = (points.get(replica) as Record<ReplicaMetric, SeriesPoint[]>)[id];
      for (const p of pts) max = Math.max(max, p.v);
      return { group: replica, points: pts, times: Float64Array.from(pts, (p) => p.t) };
    });
    // CPU is a share of the limit: its axis always reaches 100 % so a saturated replica reads as such.
    return { metric: id, lines, max: id === 'cpu' ? Math.max(100, max) : max };
  });
  return { replicas, metrics, kills };
}

/** Two ascending index lists as one, in trace order. */
function mergeIndices(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) out.push(j >= b.length || (i < a.length && (a[i] as number) < (b[j] as number)) ? (a[i++] as number) : (b[j++] as number));
  return out;
}

/** Formats a metric's value for the "now" caption. */
export function formatReplicaValue(metric: ReplicaMetric, v: number | null): string {
  if (v === null) return '—';
  if (metric === 'cpu') return `${Math.round(v)} %`;
  if (metric === 'memory') return `${v.toFixed(0)} MiB`;
  return v.toLocaleString('en-US');
}
