/**
 * One pass over a finished trace that builds the lookups every view needs: per-request rows, the
 * event times as a typed array for binary search, cumulative counters for O(1) "how many by time t",
 * and the pipeline stages in the order requests met them. Built once per run (batch by batch while it
 * streams), never per frame.
 */
import type { TraceEvent } from '../../../../engine/trace/events.ts';
import { CumulativeBuilder } from './cumulative.ts';
import { outcomeOf, type Outcome } from './outcome.ts';
import { StageCountsBuilder, type StageTable } from './stage-counts.ts';
import { FloatList } from './float-list.ts';
import { EventChain, IndexedRow } from './indexed-row.ts';

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
  /** The stage whose reply ended the request early (a 429 from rate-limit), if any, and when it replied. */
  decidedBy: string | null;
  decidedT: number | null;
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
  /** Requests not answered when the index was built, in arrival order: active at any later t, however long ago they came. */
  openRows: RequestRow[];
  /** Each stage's decisions over time, for the topology's counts (stage-counts.ts). */
  stageTable: StageTable;
  /** Indices of the few events the machine and replica charts read, so they need not scan the whole trace. */
  transitions: number[];
  /** Indices of the copy.end events (mirror copies, which no request row counts), in trace order. */
  copyEnds: number[];
  replicaSamples: number[];
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

/**
 * A request's stages so far, in the order it met them: one node per distinct sequence, shared by
 * every request that ran the same stages (most run the same few), instead of a list per request.
 */
class StageSeq {
  private readonly after = new Map<string, StageSeq>();
  /** Merged into the builder's own order: merging the same stages again would change nothing. */
  merged = false;

  constructor(readonly stages: readonly string[]) {}

  /** This sequence with `stage` added, if it is new to it. */
  with(stage: string): StageSeq {
    if (this.stages.includes(stage)) return this;
    let next = this.after.get(stage);
    if (!next) this.after.set(stage, (next = new StageSeq([...this.stages, stage])));
    return next;
  }
}

/**
 * Builds a TraceIndex batch by batch, as the worker streams the trace, so only the totals (counters,
 * typed arrays) are left for when the run is done: the per-event pass no longer waits for the last
 * batch. `buildTraceIndex` is the same over one batch holding the whole trace.
 */
export class TraceIndexBuilder {
  private times = new Float64Array(1024);
  private count = 0;
  private readonly requests: RequestRow[] = [];
  private readonly byId = new Map<string, IndexedRow>();
  /** Each request's events, linked event to event (indexed-row.ts): no list per row. */
  private readonly chain = new EventChain();
  private readonly ends: RequestRow[] = [];
  private readonly startTimes = new FloatList();
  private readonly endTimes = new FloatList();
  /** Distinct statuses of ended requests, and the longest send-to-answer span so far. */
  private readonly statusSet = new Set<number>();
  private maxSpan = 0;
  private readonly narration: TraceIndex['narration'] = [];
  private readonly clients: string[] = [];
  private readonly replicas: string[] = [];
  private readonly stages: string[] = [];
  private readonly services: string[] = [];
  /** The stages of each request that has decided and not ended, by id. */
  private readonly stageSeq = new Map<string, StageSeq>();
  private readonly noStages = new StageSeq([]);
  private readonly stepTimes = new FloatList();
  private readonly cumulative = new CumulativeBuilder();
  private readonly stageCounts = new StageCountsBuilder();
  private readonly transitions: number[] = [];
  private readonly copyEnds: number[] = [];
  private readonly replicaSamples: number[] = [];
  private variant = 'base';
  private scenario = '';
  private seed = 0;
  private startEpoch = 0;
  private endT = 0;

  /** Indexes the next events of the trace; their indices continue from the previous batches'. */
  add(batch: readonly TraceEvent[]): void {
    if (this.count + batch.length > this.times.length) {
      const grown = new Float64Array(Math.max(this.times.length * 2, this.count + batch.length));
      grown.set(this.times.subarray(0, this.count));
      this.times = grown;
    }
    this.chain.reserve(this.count + batch.length);
    const { times, byId, stepTimes } = this;
    // Each event's fields are read once: the batch mixes many shapes, so every read is a slow one.
    let lastStep = stepTimes.last();
    let endT = this.endT;
    for (let k = 0; k < batch.length; k++) {
      const e = batch[k] as TraceEvent;
      const t = e.t;
      const i = this.count++;
      times[i] = t;
      if (lastStep !== t) stepTimes.push((lastStep = t));
      endT = Math.max(endT, t);
      // The request's row, found once for the event and handed on (undefined: none, or no request).
      const req = (e as { req?: unknown }).req;
      const row = typeof req === 'string' ? byId.get(req) : undefined;
      row?.link(i);
      this.addOne(e, i, row);
    }
    this.endT = endT;
    // The counters follow the requests that ended in this batch, not all of them at the end.
    this.cumulative.extend(this.ends);
  }

  private addOne(e: TraceEvent, i: number, row: IndexedRow | undefined): void {
    switch (e.type) {
      case 'run.start':
        this.variant = e.variant;
        this.scenario = e.scenario;
        this.seed = e.seed;
        this.startEpoch = Date.parse(e.start);
        break;
      case 'config.load':
        pushUnique(this.replicas, e.replica);
        break;
      case 'narration':
        this.narration.push({ t: e.t, text: e.text });
        break;
      case 'request.start': {
        // `row`, if any, is an earlier row of the same id: what was kept by id moves on to the new one.
        const started = new IndexedRow(this.chain, i, e);
        if (row) started.inherit(row);
        else this.stageCounts.adopt(e.req, started);
        this.requests.push(started);
        this.byId.set(e.req, started);
        this.startTimes.push(e.t);
        pushUnique(this.clients, e.client);
        pushUnique(this.replicas, e.replica);
        break;
      }
      case 'plugin.decision': {
        this.stageCounts.add(e, row);
        // Setting an id already listed keeps its place: the Map stays in first-decision order.
        const seq = this.stageSeq.get(e.req) ?? this.noStages;
        const grown = seq.with(e.plugin);
        if (grown !== seq) this.stageSeq.set(e.req, grown);
        if (row && e.verdict === 'reply' && row.decidedBy === null) {
          row.decidedBy = e.plugin;
          row.decidedT = e.t;
          row.reason = e.reason;
          // A limiter's own word for a refusal ($limit_req_status REJECTED): a rejection, even as a 503.
          if (e.data?.outcome === 'REJECTED') row.refuse();
        }
        break;
      }
      case 'upstream.send':
        pushUnique(this.services, e.service);
        break;
      case 'breaker.transition':
        this.transitions.push(i);
        break;
      case 'copy.end':
        // A mirror's backend is a backend of the picture even when only copies reach it.
        pushUnique(this.services, e.service);
        this.copyEnds.push(i);
        break;
      case 'replica.queue':
        this.replicaSamples.push(i);
        break;
      case 'request.end': {
        if (!row) break;
        row.endT = e.t;
        row.endEvent = i;
        row.sentT = Math.min(row.startT, e.t - e.ms);
        row.status = e.status;
        row.source = e.source;
        row.outcome = outcomeOf(e.status, e.source, row.takeRefused());
        row.ms = e.ms;
        row.gatewayMs = e.gatewayMs;
        row.upstreamMs = e.upstreamMs;
        this.ends.push(row);
        this.endTimes.push(e.t);
        this.statusSet.add(e.status);
        this.maxSpan = Math.max(this.maxSpan, e.t - row.sentT);
        const seq = this.stageSeq.get(e.req);
        if (seq) {
          if (!seq.merged) mergeStageOrder(this.stages, seq.stages);
          seq.merged = true;
          this.stageSeq.delete(e.req);
        }
        break;
      }
      default:
        break;
    }
  }

  /** The index of `events`, which must be every batch given to `add`, in order. */
  finish(events: readonly TraceEvent[]): TraceIndex {
    // Requests that never ended still show their stages.
    for (const seq of this.stageSeq.values()) mergeStageOrder(this.stages, seq.stages);
    this.stageSeq.clear();
    return this.build(events, this.stages, this.stageCounts.finish(), (list) => list, false);
  }

  /**
   * The index of the trace so far while the run still streams (`events`: every batch given to `add`,
   * in order); `add` may go on after it. The worker's batches end on complete instants, so it answers
   * every t up to its `endT` as the finished index will. Lists views read by length are copied; the
   * request rows, `byId` and the stage table are shared and keep growing past `endT` (a row in flight
   * at `endT` may already carry its answer), so views read a row through `rowAt(index, row, t)`, which
   * hides whatever the trace says only after t (request-at.ts). O(events) per call: the lab calls it a few times per run.
   */
  snapshot(events: readonly TraceEvent[]): TraceIndex {
    const stages = [...this.stages];
    // A sequence merged into the builder's order adds nothing to this copy of it.
    for (const seq of this.stageSeq.values()) if (!seq.merged) mergeStageOrder(stages, seq.stages);
    return this.build(events, stages, this.stageCounts.table(), (list) => list.slice(), true);
  }

  /** `shared`: typed columns as views of the builder's arrays (snapshots), else compact copies. */
  private build(events: readonly TraceEvent[], stages: string[], stageTable: StageTable, own: <T>(list: T[]) => T[], shared: boolean): TraceIndex {
    if (events.length !== this.count) throw new Error(`the index saw ${this.count} events, the trace has ${events.length}`);
    const { requests, ends } = this;
    const statuses = [...this.statusSet].sort((a, b) => a - b);
    this.cumulative.extend(ends);
    const cumulative = shared ? this.cumulative.view(statuses) : this.cumulative.finish(statuses);
    const column = (list: FloatList): Float64Array => (shared ? list.view() : list.toArray());
    // Few at any instant; the scans for "active at t" visit them besides the window maxSpan bounds.
    const openRows = requests.filter((r) => r.endEvent < 0);
    return {
      events, variant: this.variant, scenario: this.scenario, seed: this.seed, startEpoch: this.startEpoch, endT: this.endT,
      times: shared ? this.times.subarray(0, this.count) : this.times.slice(0, this.count),
      stepTimes: column(this.stepTimes),
      requests: own(requests), byId: this.byId, ends: own(ends),
      endTimes: column(this.endTimes),
      startTimes: column(this.startTimes),
      cumulative, statuses, narration: own(this.narration), clients: own(this.clients), replicas: own(this.replicas), stages, services: own(this.services), maxSpan: this.maxSpan, openRows,
      stageTable, transitions: own(this.transitions), copyEnds: own(this.copyEnds), replicaSamples: own(this.replicaSamples),
    };
  }
}

export function buildTraceIndex(events: readonly TraceEvent[]): TraceIndex {
  const builder = new TraceIndexBuilder();
  builder.add(events);
  return builder.finish(events);
}

/** The cumulative counters of `ends` in one go (see CumulativeBuilder for the keys). */
export function buildCumulative(ends: readonly RequestRow[], statuses: readonly number[]): Map<string, Int32Array> {
  const builder = new CumulativeBuilder();
  builder.extend(ends);
  return builder.finish(statuses);
}
