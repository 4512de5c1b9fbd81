/**
 * One pass over a finished trace that builds the lookups every view needs: per-request rows, the
 * event times as a typed array for binary search, cumulative counters for O(1) "how many by time t",
 * and the pipeline stages in the order requests met them. Built once per run, never per frame.
 */
import type { TraceEvent } from '../../../../engine/trace/events.ts';
import { outcomeOf, type Outcome } from './outcome.ts';

export interface RequestRow {
  id: string;
  client: string;
  replica: string;
  method: string;
  url: string;
  /** When the client sent it (request.end minus client latency); the arrival until the end is known. */
  sentT: number;
  /** When it reached a gateway replica. */
  startT: number;
  /** When the client got the answer; Infinity if it never did. */
  endT: number;
  status: number | null;
  source: 'upstream' | 'gateway' | 'front' | 'client' | null;
  outcome: Outcome;
  ms: number | null;
  gatewayMs: number | null;
  upstreamMs: number | null;
  /** The stage whose reply ended the request early (a 429 from rate-limit), if any. */
  decidedBy: string | null;
  reason: string | null;
  /** Indices into the trace of this request's events, in order. */
  events: number[];
  /** Index of its request.end event, or -1. */
  endEvent: number;
}

export interface TraceIndex {
  events: readonly TraceEvent[];
  variant: string;
  scenario: string;
  seed: number;
  /** Epoch ms of the scenario's start instant. */
  startEpoch: number;
  /** Trace time of run.end (or the last event). */
  endT: number;
  times: Float64Array;
  /** Sorted distinct event times: what "step to the next event" walks. */
  stepTimes: Float64Array;
  requests: RequestRow[];
  byId: Map<string, RequestRow>;
  /** Requests in the order they ended, and those end times. */
  ends: RequestRow[];
  endTimes: Float64Array;
  /** Arrival times at the gateway, ascending (trace order). */
  startTimes: Float64Array;
  /** cumulative[key][i] = how many of the first i ended requests match key ('admitted', 'status:429', …). */
  cumulative: Map<string, Int32Array>;
  statuses: number[];
  narration: Array<{ t: number; text: string }>;
  clients: string[];
  replicas: string[];
  /** Pipeline stages (router, plugins, balancer) in the order requests passed them. */
  stages: string[];
  services: string[];
  /** The longest a request took from send to answer: bounds the scan for requests active at t. */
  maxSpan: number;
}

function pushUnique<T>(list: T[], v: T): void {
  if (!list.includes(v)) list.push(v);
}

/**
 * Merges one request's stage sequence into the global order: a stage seen for the first time is
 * placed right after the stage that preceded it in this request, so the chain reads as it ran.
 */
export function mergeStageOrder(order: string[], sequence: readonly string[]): void {
  let prev = -1;
  for (const stage of sequence) {
    const at = order.indexOf(stage);
    if (at >= 0) {
      prev = at;
      continue;
    }
    order.splice(prev + 1, 0, stage);
    prev += 1;
  }
}

export function buildTraceIndex(events: readonly TraceEvent[]): TraceIndex {
  const times = new Float64Array(events.length);
  const requests: RequestRow[] = [];
  const byId = new Map<string, RequestRow>();
  const ends: RequestRow[] = [];
  const startTimes: number[] = [];
  const narration: TraceIndex['narration'] = [];
  const clients: string[] = [];
  const replicas: string[] = [];
  const stages: string[] = [];
  const services: string[] = [];
  const stageSeq = new Map<string, string[]>();
  const stepTimes: number[] = [];
  let variant = 'base';
  let scenario = '';
  let seed = 0;
  let startEpoch = 0;
  let endT = 0;

  events.forEach((e, i) => {
    times[i] = e.t;
    if (stepTimes.length === 0 || stepTimes[stepTimes.length - 1] !== e.t) stepTimes.push(e.t);
    endT = Math.max(endT, e.t);
    if ('req' in e) byId.get(e.req)?.events.push(i);
    switch (e.type) {
      case 'run.start':
        variant = e.variant;
        scenario = e.scenario;
        seed = e.seed;
        startEpoch = Date.parse(e.start);
        break;
      case 'config.load':
        pushUnique(replicas, e.replica);
        break;
      case 'narration':
        narration.push({ t: e.t, text: e.text });
        break;
      case 'request.start': {
        const row: RequestRow = {
          id: e.req, client: e.client, replica: e.replica, method: e.method, url: e.url,
          sentT: e.t, startT: e.t, endT: Infinity, status: null, source: null, outcome: 'in-flight',
          ms: null, gatewayMs: null, upstreamMs: null, decidedBy: null, reason: null, events: [i], endEvent: -1,
        };
        requests.push(row);
        byId.set(e.req, row);
        startTimes.push(e.t);
        pushUnique(clients, e.client);
        pushUnique(replicas, e.replica);
        break;
      }
      case 'plugin.decision': {
        let seq = stageSeq.get(e.req);
        if (!seq) stageSeq.set(e.req, (seq = []));
        if (!seq.includes(e.plugin)) seq.push(e.plugin);
        const row = byId.get(e.req);
        if (row && e.verdict === 'reply' && row.decidedBy === null) {
          row.decidedBy = e.plugin;
          row.reason = e.reason;
        }
        break;
      }
      case 'upstream.send':
        pushUnique(services, e.service);
        break;
      case 'request.end': {
        const row = byId.get(e.req);
        if (!row) break;
        row.endT = e.t;
        row.endEvent = i;
        row.sentT = Math.min(row.startT, e.t - e.ms);
        row.status = e.status;
        row.source = e.source;
        row.outcome = outcomeOf(e.status, e.source);
        row.ms = e.ms;
        row.gatewayMs = e.gatewayMs;
        row.upstreamMs = e.upstreamMs;
        ends.push(row);
        const seq = stageSeq.get(e.req);
        if (seq) mergeStageOrder(stages, seq);
        stageSeq.delete(e.req);
        break;
      }
      default:
        break;
    }
  });
  // Requests that never ended still show their stages.
  for (const seq of stageSeq.values()) mergeStageOrder(stages, seq);

  const statuses = [...new Set(ends.map((r) => r.status as number))].sort((a, b) => a - b);
  const cumulative = buildCumulative(ends, statuses);
  let maxSpan = 0;
  for (const r of requests) if (r.endT !== Infinity) maxSpan = Math.max(maxSpan, r.endT - r.sentT);

  return {
    events, variant, scenario, seed, startEpoch, endT, times,
    stepTimes: Float64Array.from(stepTimes),
    requests, byId, ends,
    endTimes: Float64Array.from(ends, (r) => r.endT),
    startTimes: Float64Array.from(startTimes),
    cumulative, statuses, narration, clients, replicas, stages, services, maxSpan,
  };
}

/** Counter keys: 'ended', 'admitted' (a backend answered), 'outcome:<o>', 'status:<n>', 'client:<c>:admitted'. */
function buildCumulative(ends: readonly RequestRow[], statuses: readonly number[]): Map<string, Int32Array> {
  const n = ends.length;
  const out = new Map<string, { arr: Int32Array; last: number; count: number }>();
  const bump = (key: string, i: number): void => {
    let c = out.get(key);
    if (!c) out.set(key, (c = { arr: new Int32Array(n + 1), last: 0, count: 0 }));
    // Fill the stretch since this key last changed, then count this request: each key costs O(n) once.
    c.arr.fill(c.count, c.last + 1, i + 1);
    c.count += 1;
    c.arr[i + 1] = c.count;
    c.last = i + 1;
  };
  ends.forEach((r, i) => {
    bump('ended', i);
    bump(`outcome:${r.outcome}`, i);
    bump(`status:${r.status}`, i);
    bump(`client:${r.client}:ended`, i);
    if (r.source === 'upstream') {
      bump('admitted', i);
      bump(`client:${r.client}:admitted`, i);
    } else bump(`gateway-status:${r.status}`, i);
  });
  for (const key of ['ended', 'admitted', ...statuses.map((s) => `status:${s}`)]) {
    if (!out.has(key)) out.set(key, { arr: new Int32Array(n + 1), last: 0, count: 0 });
  }
  const result = new Map<string, Int32Array>();
  for (const [key, c] of out) {
    c.arr.fill(c.count, c.last + 1);
    result.set(key, c.arr);
  }
  return result;
}
