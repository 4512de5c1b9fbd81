/**
 * The "base run / with your choice" table of a diagnose exercise's fix. It printed each number as it
 * came ("1182.2 ms" beside "1166 ms"), gave no change, and did not say which row the fix is judged
 * on, so a student had to find "CPU per request" among seven rows and subtract in their head. Each
 * row now has one precision for both runs, the change in per cent, and the judged row is flagged.
 */
import type { Exercise, RunReading, RunSummary } from './exercise-protocol.ts';
import { formatMemory } from './exercise-helpers.ts';

type Metric = Extract<Exercise, { kind: 'diagnose' }>['diagnose']['questions'][number]['metric'];

export interface CompareRow {
  name: string;
  before: string;
  after: string;
  /** "−3 %", "+12 %", "no change", or '' where either run has no reading. */
  change: string;
  /** The reading the question judges a fix by. */
  judged: boolean;
}

const JUDGED_ROW: Partial<Record<Metric, string>> = {
  'request-time-p99': 'request_time p99',
  'gateway-p99': 'request_time − upstream_time p99',
  'cpu-per-request': 'CPU per request',
};

const fixed = (digits: number, unit: string) => (v: number | null): string => (v === null ? '—' : `${v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false })} ${unit}`);

/** The change from `before` to `after` in whole per cent (one decimal under 1 %), signed with a real minus. */
export function percentChange(before: number | null, after: number | null): string {
  if (before === null || after === null) return '';
  if (before === 0) return after === 0 ? 'no change' : '';
  const pct = ((after - before) / before) * 100;
  const shown = Math.abs(pct) < 1 ? Math.round(Math.abs(pct) * 10) / 10 : Math.round(Math.abs(pct));
  if (shown === 0) return 'no change';
  return `${pct < 0 ? '−' : '+'}${shown} %`;
}

export function compareRows(base: RunReading, run: RunSummary, runPeakBytes: number | null, metric: Metric): CompareRow[] {
  const ms = fixed(1, 'ms');
  const rows: Array<[string, number | null, number | null, (v: number | null) => string]> = [
    ['request_time p99', base.requestTimeP99, run.requestTimeP99, ms],
    ['upstream_time p99', base.upstreamP99, run.upstreamP99, ms],
    ['request_time − upstream_time p99', base.gatewayP99, run.gatewayP99, ms],
    ['CPU', base.cpuPercent, run.cpuPercent, fixed(1, '%')],
    ['CPU per request', base.cpuPerRequestUs, run.cpuPerRequestUs, fixed(0, 'µs')],
  ];
  const judged = JUDGED_ROW[metric];
  return [
    ...rows.map(([name, a, b, f]) => ({ name, before: f(a), after: f(b), change: percentChange(a, b), judged: name === judged })),
    { name: 'peak memory (one replica)', before: formatMemory(base.peakMemoryBytes), after: formatMemory(runPeakBytes), change: percentChange(base.peakMemoryBytes, runPeakBytes), judged: false },
    { name: 'replicas', before: String(base.replicas), after: String(run.replicas), change: base.replicas === run.replicas ? 'no change' : `${run.replicas - base.replicas > 0 ? '+' : '−'}${Math.abs(run.replicas - base.replicas)}`, judged: false },
  ];
}
