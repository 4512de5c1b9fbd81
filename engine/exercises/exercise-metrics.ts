/**
 * The readings a diagnosis is judged on, from one run's trace: the exercise's dashboard (request_time
 * and upstream_time p99, the gateway's own share, CPU) and each request's request_time − upstream_time.
 */
import type { Scenario } from '../scenario/types.ts';
import type { RequestEndEvent, TraceEvent } from '../trace/events.ts';
import { percentile } from '../trace/summary.ts';
import type { DiagnosisMetric, PlaceMeasure } from './exercise-types.ts';

export interface RunSummary {
  variant: string;
  title: string;
  requests: number;
  replicas: number;
  /** request_time p99 as the client sees it, ms. */
  requestTimeP99: number | null;
  upstreamP99: number | null;
  /** request_time − upstream_time, p50 and p99, ms. */
  gatewayP50: number | null;
  gatewayP99: number | null;
  /** What is neither gateway nor backend: the client's network legs, p99 ms. */
  networkP99: number | null;
  /** Mean CPU utilisation of the replicas over the run, 0–100 (null without a capacity model). */
  cpuPercent: number | null;
  /** CPU time one request cost the gateway, µs (null without a capacity model). */
  cpuPerRequestUs: number | null;
  /** Requests by final status. */
  statuses: Record<string, number>;
}

/** One row of the live dashboard: a request's total time and the part of it spent in the gateway. */
export interface RequestTiming {
  req: string;
  /** When it ended, ms since start. */
  t: number;
  requestMs: number;
  upstreamMs: number | null;
  gatewayMs: number;
}

const p = (values: number[], q: number): number | null => percentile([...values].sort((a, b) => a - b), q);
const round = (v: number | null, digits = 1): number | null => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);

export function summarizeRun(events: readonly TraceEvent[], scenario: Scenario, variant: string): RunSummary {
  const ends = events.filter((e): e is RequestEndEvent => e.type === 'request.end');
  const statuses: Record<string, number> = {};
  for (const e of ends) statuses[e.status] = (statuses[e.status] ?? 0) + 1;
  const upstream = ends.flatMap((e) => (e.upstreamMs === null ? [] : [e.upstreamMs]));
  const network = ends.map((e) => Math.max(0, e.ms - e.gatewayMs - (e.upstreamMs ?? 0)));
  // Each replica.queue sample holds the utilisation since the replica's previous sample (or the start).
  const busyMs = new Map<string, number>();
  const lastT = new Map<string, number>();
  for (const e of events) {
    if (e.type !== 'replica.queue') continue;
    const since = lastT.get(e.replica) ?? 0;
    busyMs.set(e.replica, (busyMs.get(e.replica) ?? 0) + e.cpu * (e.t - since));
    lastT.set(e.replica, e.t);
  }
  let cpuPercent: number | null = null;
  let cpuPerRequestUs: number | null = null;
  if (busyMs.size > 0 && scenario.capacity) {
    const shares = [...busyMs.entries()].map(([r, busy]) => busy / Math.max(1, lastT.get(r) ?? 1));
    cpuPercent = (100 * shares.reduce((a, b) => a + b, 0)) / shares.length;
    const cores = scenario.capacity.cpuMillicores / 1000;
    const totalBusy = [...busyMs.values()].reduce((a, b) => a + b, 0);
    cpuPerRequestUs = ends.length === 0 ? null : (totalBusy * cores * 1000) / ends.length;
  }
  return {
    variant,
    title: scenario.variants.find((v) => v.name === variant)?.title ?? scenario.title,
    requests: ends.length,
    replicas: scenario.replicas,
    requestTimeP99: round(p(ends.map((e) => e.ms), 99)),
    upstreamP99: round(p(upstream, 99)),
    gatewayP50: round(p(ends.map((e) => e.gatewayMs), 50)),
    gatewayP99: round(p(ends.map((e) => e.gatewayMs), 99)),
    networkP99: round(p(network, 99)),
    cpuPercent: round(cpuPercent),
    cpuPerRequestUs: round(cpuPerRequestUs, 0),
    statuses,
  };
}

export function requestTimings(events: readonly TraceEvent[]): RequestTiming[] {
  return events
    .filter((e): e is RequestEndEvent => e.type === 'request.end')
    .map((e) => ({ req: e.req, t: e.t, requestMs: e.ms, upstreamMs: e.upstreamMs, gatewayMs: e.gatewayMs }));
}

/** The reading a place is judged by: the part of request_time p99 spent there. */
export function placeValue(summary: RunSummary, measure: PlaceMeasure): number | null {
  if (measure === 'gateway-p99') return summary.gatewayP99;
  return measure === 'upstream-p99' ? summary.upstreamP99 : summary.networkP99;
}

/** The reading a fix is judged by. */
export function metricValue(summary: RunSummary, metric: Exclude<DiagnosisMetric, 'largest-share'>): number | null {
  if (metric === 'request-time-p99') return summary.requestTimeP99;
  return metric === 'gateway-p99' ? summary.gatewayP99 : summary.cpuPerRequestUs;
}
