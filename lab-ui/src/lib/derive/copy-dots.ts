/**
 * Mirror copies as dots in the topology. A Gateway API RequestMirror (the request-mirror plugin)
 * sends a detached copy of a request to another backend and throws its answer away: the copy is no
 * request row, so the request dots never show it. Here each copy gets its own dot that leaves the
 * gateway replica when the copy is sent, passes the request-mirror stage that made it, travels to the
 * mirror backend and waits there until the copy ends; then it takes the colour of its own outcome and
 * fades where it is, since its answer goes nowhere (the client never sees it).
 *
 * What the trace says about a copy (docs/plugins/request-mirror.md, "Reading the trace"): the
 * request-mirror decision (`mirrored: true`, the service), the effect.start when the copy leaves (at
 * the `full` level the lab runs), and copy.end with its status or error. As for request dots, a dot
 * at t reads only events at or before t: a copy is drawn from its effect.start on; one whose trace
 * has no effect.start (a `decisions` trace) appears only from its copy.end, already ended.
 */
import type { TraceEvent } from '../../../../engine/trace/events.ts';
import { outcomeOf, type Outcome } from './outcome.ts';
import { lowerBound, upperBound } from './search.ts';
import { dotLook, placeSampled, placer, type Keypoint, type TopoLayout } from './topology.ts';
import type { TraceIndex } from './trace-index.ts';

export const MIRROR_STAGE = 'request-mirror';

export interface CopyTrack {
  /** `<request id>#copy<n>`: one per copy, the dot's key and the seed of its place inside a node. */
  key: string;
  /** The request it was copied from: clicking the dot selects it. */
  req: string;
  service: string;
  replica: string;
  /** When it left the gateway. */
  departT: number;
  /** From when the trace says so: departT, or its copy.end when no effect.start told the departure. */
  knownT: number;
  /** When it ended (copy.end); Infinity until then. */
  endT: number;
  /** Its own outcome once ended: the mirror's status, or the code Envoy charges a failed shadow. */
  outcome: Outcome;
}

export interface CopyTable {
  /** Copies that left, by departure time. */
  tracks: CopyTrack[];
  departTimes: Float64Array;
  /** The longest a copy took from leaving to its end: bounds the scan for copies visible at t. */
  maxSpan: number;
  /** Copies with no end in the trace: visible at any later t, however long ago they left. */
  open: CopyTrack[];
}

const EMPTY: CopyTable = { tracks: [], departTimes: new Float64Array(0), maxSpan: 0, open: [] };

interface Pending {
  track: CopyTrack;
  departed: boolean;
}

/**
 * How a copy ended, in the lab's outcome words: a status from the mirror as any backend answer (a
 * 5xx is the backend's error); no status (refused, reset, timed out) as the gateway failing it — 503
 * or 504, the codes Envoy's router charges an aborted shadow and the metrics count it with.
 */
export function copyOutcome(e: Extract<TraceEvent, { type: 'copy.end' }>): Outcome {
  if (e.error === undefined) return outcomeOf(e.status, 'upstream');
  return outcomeOf(e.error === 'timeout' ? 504 : 503, 'gateway');
}

/** Whether a request-mirror effect.start is the departure of a copy to `service`. */
const leavesFor = (effect: string, service: string): boolean => effect.includes(` to ${service} at `);

/**
 * Every copy in a trace with its departure and end. One pass over the events, only when the trace
 * has a request-mirror stage or a copy.end: other traces get an empty table at no cost.
 */
export function buildCopyTable(index: Pick<TraceIndex, 'events' | 'byId' | 'stages' | 'copyEnds'>): CopyTable {
  if (index.copyEnds.length === 0 && !index.stages.includes(MIRROR_STAGE)) return EMPTY;
  const byReq = new Map<string, Pending[]>();
  const tracks: CopyTrack[] = [];
  const newTrack = (req: string, service: string): CopyTrack => {
    const list = byReq.get(req) ?? [];
    byReq.set(req, list);
    const track: CopyTrack = { key: `${req}#copy${list.length + 1}`, req, service, replica: index.byId.get(req)?.replica ?? '', departT: Infinity, knownT: Infinity, endT: Infinity, outcome: 'in-flight' };
    list.push({ track, departed: false });
    return track;
  };
  for (const e of index.events) {
    if (e.type === 'plugin.decision' && e.plugin === MIRROR_STAGE) {
      const service = e.data?.['service'];
      if (e.data?.['mirrored'] === true && typeof service === 'string') newTrack(e.req, service);
      else if (e.data?.['skipped'] === 'no-host') {
        // The request reached no upstream host: its copies never left, and get no dot.
        byReq.set(e.req, (byReq.get(e.req) ?? []).filter((p) => p.departed));
      }
    } else if (e.type === 'effect.start' && e.plugin === MIRROR_STAGE) {
      const p = byReq.get(e.req)?.find((c) => !c.departed && leavesFor(e.effect, c.track.service));
      if (p) {
        p.departed = true;
        p.track.departT = e.t;
        p.track.knownT = e.t;
        tracks.push(p.track);
      }
    } else if (e.type === 'copy.end') {
      const list = byReq.get(e.req) ?? [];
      const p = list.find((c) => c.departed && c.track.endT === Infinity && c.track.service === e.service)
        ?? list.find((c) => !c.departed && c.track.service === e.service);
      const track = p?.track ?? newTrack(e.req, e.service);
      if (!p?.departed) {
        // Only the end tells the departure: known from the end on, never before.
        track.departT = e.t - e.ms;
        track.knownT = e.t;
        tracks.push(track);
        const q = byReq.get(e.req)?.find((c) => c.track === track);
        if (q) q.departed = true;
      }
      track.endT = e.t;
      track.outcome = copyOutcome(e);
    }
  }
  tracks.sort((a, b) => a.departT - b.departT);
  let maxSpan = 0;
  for (const c of tracks) if (c.endT !== Infinity) maxSpan = Math.max(maxSpan, c.endT - c.departT);
  return { tracks, departTimes: Float64Array.from(tracks, (c) => c.departT), maxSpan, open: tracks.filter((c) => c.endT === Infinity) };
}

export interface CopyDot {
  key: string;
  req: string;
  service: string;
  x: number;
  y: number;
  outcome: Outcome;
  moving: boolean;
  opacity: number;
}

export interface CopyDotsOptions {
  lingerMs: number;
  hopMs?: number;
  maxDots: number;
  /** The selected request: its copies are always drawn. */
  selected?: string | null;
}

/** A copy's path at its departure: its replica, the request-mirror stage, the mirror backend. */
export function copyKeypoints(index: Pick<TraceIndex, 'replicas'>, layout: TopoLayout, c: CopyTrack): Keypoint[] {
  const lane = Math.max(0, index.replicas.indexOf(c.replica));
  const place = placer(layout, c.key, lane);
  const out: Keypoint[] = [];
  const replica = layout.byId.has(`replica:${c.replica}`) ? `replica:${c.replica}` : 'front';
  const backend = layout.byId.has(`backend:${c.service}`) ? `backend:${c.service}` : layout.firstBackend;
  for (const id of [replica, `stage:${MIRROR_STAGE}`, backend]) {
    const p = place(id);
    if (p) out.push({ t: c.departT, x: p.x, y: p.y });
  }
  return out;
}

/** The copies visible at t: on their way, at the mirror, or ended within the linger time. */
export function copyDotsAt(index: Pick<TraceIndex, 'replicas'>, layout: TopoLayout, table: CopyTable, t: number, opts: CopyDotsOptions, cache?: Map<string, Keypoint[]>): CopyDot[] {
  if (table.tracks.length === 0) return [];
  const active: CopyTrack[] = [];
  const visible = (c: CopyTrack): boolean => c.knownT <= t && t <= c.endT + opts.lingerMs;
  const from = t - table.maxSpan - opts.lingerMs;
  for (const c of table.open) if (c.departT < from && visible(c)) active.push(c);
  const hi = upperBound(table.departTimes, t);
  for (let i = lowerBound(table.departTimes, from); i < hi; i++) {
    const c = table.tracks[i] as CopyTrack;
    if (visible(c)) active.push(c);
  }
  return placeSampled(active, t, opts, cache, {
    key: (c) => c.key,
    req: (c) => c.req,
    end: (c) => c.endT,
    points: (c) => copyKeypoints(index, layout, c),
    dot: (c, p, done) => ({ key: c.key, req: c.req, service: c.service, x: p.x, y: p.y, ...dotLook(done, c.outcome, t, c.endT, opts.lingerMs) }),
  });
}

/** How many copies are between leaving and their end at t (for the topology's summary). */
export function copiesTravellingAt(table: CopyTable, t: number): number {
  let n = 0;
  const from = t - table.maxSpan;
  for (const c of table.open) if (c.departT < from && c.knownT <= t) n++;
  const hi = upperBound(table.departTimes, t);
  for (let i = lowerBound(table.departTimes, from); i < hi; i++) {
    const c = table.tracks[i] as CopyTrack;
    if (c.knownT <= t && t < c.endT) n++;
  }
  return n;
}
