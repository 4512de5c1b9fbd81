/**
 * The topology and pipeline picture: clients → front balancer → gateway replicas → the stages in the
 * order requests ran them → backends, and each request as a dot that each of its events sends to a
 * node. Layout and positions are plain numbers in a fixed viewBox; the component only draws them.
 *
 * A dot at t reads only its events at or before t: it glides to the node an event names over a short
 * hop after that event and waits there for the next one. (It used to glide between consecutive events,
 * which tells where and when the request goes next: the future, and not known while a run streams.)
 */
import type { TraceEvent } from '../../../../engine/trace/events.ts';
import type { Outcome } from './outcome.ts';
import { lowerBound, upperBound } from './search.ts';
import { RESPONSE_PHASES, stageCountsAt, type StageCounts } from './stage-counts.ts';
import type { RequestRow, TraceIndex } from './trace-index.ts';

export type NodeKind = 'client' | 'front' | 'replica' | 'stage' | 'backend';

export interface TopoNode {
  id: string;
  kind: NodeKind;
  label: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface TopoLayout {
  width: number;
  height: number;
  nodes: TopoNode[];
  byId: Map<string, TopoNode>;
  edges: Array<{ from: string; to: string }>;
  /** Replica lanes in a stage column (at least 1), and the fallback client and backend node ids. */
  lanes: number;
  firstClient: string;
  firstBackend: string;
}

export interface Dot {
  req: string;
  x: number;
  y: number;
  outcome: Outcome;
  /** Still travelling (true) or answered and lingering at its client (false). */
  moving: boolean;
  /** 1 when just answered, fading to 0 at the end of the linger time. */
  opacity: number;
}

const W = 1000;
const ROW = 78;
/**
 * The row pitch when a column stacks two or more nodes: each node has its name above it and a count
 * under it ("704 inside", "237 copies ended"), and at 78 the count under gw-0 ran into the name of
 * gw-1 (kong-bottleneck's fixed variant, three replicas). A single node per column keeps 78.
 */
export const STACKED_ROW = 96;

const clip = (list: string[], max: number): string[] => (list.length <= max ? list : [...list.slice(0, max - 1), `+${list.length - max + 1} more`]);

export function topologyLayout(index: TraceIndex): TopoLayout {
  const clients = clip(index.clients, 6);
  const replicas = clip(index.replicas, 6);
  const backends = clip(index.services.length ? index.services : ['backend'], 6);
  const tallest = Math.max(clients.length, replicas.length, backends.length);
  const rows = Math.max(tallest, 2);
  const height = rows * (tallest > 1 ? STACKED_ROW : ROW) + 52;
  const column = (ids: string[], kind: NodeKind, x: number, w: number, label: (s: string) => string): TopoNode[] =>
    ids.map((id, i) => ({ id: `${kind}:${id}`, kind, label: label(id), x, y: 26 + (height - 52) * ((i + 0.5) / ids.length) - 22, w, h: 44 }));
  const stageX0 = 455;
  const stageX1 = 805;
  const stages = index.stages.length ? index.stages : ['pipeline'];
  const stageW = Math.min(110, (stageX1 - stageX0) / stages.length - 12);
  const nodes: TopoNode[] = [
    ...column(clients, 'client', 20, 120, (s) => s),
    { id: 'front', kind: 'front', label: 'front balancer', x: 170, y: height / 2 - 22, w: 110, h: 44 },
    ...column(replicas, 'replica', 310, 110, (s) => s),
    ...stages.map((s, i): TopoNode => ({
      id: `stage:${s}`, kind: 'stage', label: s,
      x: stageX0 + i * ((stageX1 - stageX0) / stages.length), y: 26, w: stageW, h: height - 64,
    })),
    ...column(backends, 'backend', W - 150, 130, (s) => s),
  ];
  const edges: TopoLayout['edges'] = [];
  const ofKind = (k: NodeKind): TopoNode[] => nodes.filter((n) => n.kind === k);
  for (const c of ofKind('client')) edges.push({ from: c.id, to: 'front' });
  for (const r of ofKind('replica')) edges.push({ from: 'front', to: r.id });
  const st = ofKind('stage');
  if (st[0]) for (const r of ofKind('replica')) edges.push({ from: r.id, to: st[0].id });
  for (let i = 1; i < st.length; i++) edges.push({ from: (st[i - 1] as TopoNode).id, to: (st[i] as TopoNode).id });
  const lastStage = st[st.length - 1];
  if (lastStage) for (const b of ofKind('backend')) edges.push({ from: lastStage.id, to: b.id });
  return {
    width: W, height, nodes, byId: new Map(nodes.map((n) => [n.id, n])), edges,
    lanes: Math.max(1, ofKind('replica').length),
    firstClient: ofKind('client')[0]?.id ?? 'front',
    firstBackend: ofKind('backend')[0]?.id ?? 'front',
  };
}

/** A stable pseudo-random number in [0, 1) from a request id, so a dot keeps its place in a node. */
export function jitter(id: string, salt = 0): number {
  let h = 2166136261 ^ salt;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return ((h >>> 0) % 10007) / 10007;
}

export interface Keypoint {
  t: number;
  x: number;
  y: number;
}

/** Where a dot with jitter (jx, jy) sits inside node `n`; stage columns have one lane per replica. */
function spot(layout: TopoLayout, n: TopoNode, jx: number, jy: number, lane: number): { x: number; y: number } {
  if (n.kind === 'stage') {
    // One horizontal lane per replica inside a stage column, so replicas stay apart.
    const laneH = (n.h - 16) / layout.lanes;
    return { x: n.x + 8 + jx * (n.w - 16), y: n.y + 8 + laneH * lane + jy * laneH };
  }
  return { x: n.x + 10 + jx * (n.w - 20), y: n.y + 6 + jy * (n.h - 12) };
}

/**
 * Where one dot sits inside a node: its jitter is hashed once per dot (a request's id, or a copy's
 * own key), not per keypoint.
 */
export function placer(layout: TopoLayout, dotId: string, lane: number): (id: string) => { x: number; y: number } | null {
  const jx = jitter(dotId, 1);
  const jy = jitter(dotId, 2);
  return (id) => {
    const n = layout.byId.get(id);
    return n ? spot(layout, n, jx, jy, lane) : null;
  };
}

function nodeOr(layout: TopoLayout, id: string, fallback: string): string {
  return layout.byId.has(id) ? id : fallback;
}

/**
 * The nodes events name by a plugin or a service, per layout, so placing a request does not build
 * and hash an id string (`stage:rate-limit`) per event: a scrub places hundreds of new requests per
 * step, ten-odd events each.
 */
interface NamedNodes {
  stage: Map<string, TopoNode | undefined>;
  backend: Map<string, TopoNode | undefined>;
}
const namedNodes = new WeakMap<TopoLayout, NamedNodes>();

function named(layout: TopoLayout): NamedNodes {
  let m = namedNodes.get(layout);
  if (!m) namedNodes.set(layout, (m = { stage: new Map(), backend: new Map() }));
  return m;
}

function stageNode(layout: TopoLayout, m: NamedNodes, plugin: string): TopoNode | undefined {
  if (m.stage.has(plugin)) return m.stage.get(plugin);
  const n = layout.byId.get(`stage:${plugin}`);
  m.stage.set(plugin, n);
  return n;
}

function backendNode(layout: TopoLayout, m: NamedNodes, service: string): TopoNode | undefined {
  if (m.backend.has(service)) return m.backend.get(service);
  const n = layout.byId.get(nodeOr(layout, `backend:${service}`, layout.firstBackend));
  m.backend.set(service, n);
  return n;
}

/**
 * The node each of a request's events sends it to, in time order: its client as it arrives, the
 * replica, each stage that decides, the backend while it works, the client again with the answer.
 * Only the events the index holds, and nothing from the row's answer, so a cache per index is safe.
 */
export function keypoints(index: TraceIndex, layout: TopoLayout, row: RequestRow): Keypoint[] {
  const out: Keypoint[] = [];
  const lane = Math.max(0, index.replicas.indexOf(row.replica));
  const client = layout.byId.get(nodeOr(layout, `client:${row.client}`, layout.firstClient));
  const m = named(layout);
  const jx = jitter(row.id, 1);
  const jy = jitter(row.id, 2);
  // The same arithmetic as `spot`, written into the keypoint itself: one object per keypoint.
  const push = (t: number, n: TopoNode | undefined): void => {
    if (!n) return;
    if (n.kind === 'stage') {
      const laneH = (n.h - 16) / layout.lanes;
      out.push({ t, x: n.x + 8 + jx * (n.w - 16), y: n.y + 8 + laneH * lane + jy * laneH });
    } else out.push({ t, x: n.x + 10 + jx * (n.w - 20), y: n.y + 6 + jy * (n.h - 12) });
  };
  for (const i of row.events) {
    // A run still streaming: the row may list events the index does not hold yet.
    if (i >= index.events.length) break;
    const e = index.events[i] as TraceEvent;
    if (e.type === 'request.start') {
      push(e.t, client);
      push(e.t, layout.byId.get(nodeOr(layout, `replica:${row.replica}`, 'front')));
    } else if (e.type === 'plugin.decision' && !RESPONSE_PHASES.has(e.phase)) push(e.t, stageNode(layout, m, e.plugin));
    else if (e.type === 'upstream.send') push(e.t, backendNode(layout, m, e.service));
    else if (e.type === 'request.end') push(e.t, client);
  }
  return out;
}

/** The point a fraction f of the way along the path from `from` through points[i..j). */
function along(from: { x: number; y: number }, points: readonly Keypoint[], i: number, j: number, f: number): { x: number; y: number } {
  let total = 0;
  let px = from.x;
  let py = from.y;
  for (let k = i; k < j; k++) {
    const p = points[k] as Keypoint;
    total += Math.hypot(p.x - px, p.y - py);
    px = p.x;
    py = p.y;
  }
  let left = total * f;
  px = from.x;
  py = from.y;
  for (let k = i; k < j; k++) {
    const p = points[k] as Keypoint;
    const d = Math.hypot(p.x - px, p.y - py);
    if (d > 0 && left < d) return { x: px + ((p.x - px) * left) / d, y: py + ((p.y - py) * left) / d };
    left -= d;
    px = p.x;
    py = p.y;
  }
  return { x: px, y: py };
}

/**
 * Where a request is at t, from its keypoints at or before t only. The keypoints of one instant are a
 * path (client → replica → stages → backend when nothing waits); the dot takes `hopMs` to travel it,
 * starting from wherever the previous instant's path had brought it, then waits for the next event.
 */
export function positionAt(points: readonly Keypoint[], t: number, hopMs = 0): { x: number; y: number } | null {
  const first = points[0];
  if (!first || first.t > t) return null;
  let pos: { x: number; y: number } = { x: first.x, y: first.y };
  let i = 0;
  while (i < points.length && (points[i] as Keypoint).t <= t) {
    const at = (points[i] as Keypoint).t;
    let j = i + 1;
    while (j < points.length && (points[j] as Keypoint).t === at) j++;
    // The glide lasts until t, or until the next instant's events send it on.
    const next = points[j];
    const until = next && next.t <= t ? next.t : t;
    const f = hopMs > 0 ? Math.min(1, (until - at) / hopMs) : 1;
    pos = along(pos, points, i, j, f);
    i = j;
  }
  return pos;
}

export interface DotsOptions {
  /** How long (scenario ms) an answered request stays visible at its client. */
  lingerMs: number;
  /** How long (scenario ms) a dot takes to reach the node an event sends it to; 0 jumps. */
  hopMs?: number;
  maxDots: number;
  /** Always drawn, even when sampling. */
  selected?: string | null;
}

/**
 * Every request that arrived by t and may still be visible `after` ms past its answer, in arrival
 * order: those arrived within the longest span before t, and, before them, any the index holds as
 * unanswered (in flight at t however long ago they came).
 */
function mayBeActive(index: TraceIndex, t: number, after: number, visit: (r: RequestRow) => void): void {
  const from = t - index.maxSpan - after;
  for (const r of index.openRows) {
    if (r.startT >= from) break;
    visit(r);
  }
  const hi = upperBound(index.startTimes, t);
  for (let i = lowerBound(index.startTimes, from); i < hi; i++) visit(index.requests[i] as RequestRow);
}

/** Requests visible at t: arrived and travelling, or answered within the linger time. */
export function dotsAt(index: TraceIndex, layout: TopoLayout, t: number, opts: DotsOptions, cache?: Map<string, Keypoint[]>): Dot[] {
  const active: RequestRow[] = [];
  mayBeActive(index, t, opts.lingerMs, (r) => {
    // Comparing a later end with t says nothing about it: the dot is in flight either way.
    if (t <= r.endT + opts.lingerMs) active.push(r);
  });
  return placeSampled(active, t, opts, cache, {
    key: (r) => r.id,
    req: (r) => r.id,
    end: (r) => r.endT,
    points: (r) => keypoints(index, layout, r),
    dot: (r, p, done) => ({ req: r.id, x: p.x, y: p.y, ...dotLook(done, r.outcome, t, r.endT, opts.lingerMs) }),
  });
}

/** How an item looks at t: its outcome's colour once ended, then fading out over the linger time. */
export function dotLook<O extends string>(done: boolean, outcome: O, t: number, endT: number, lingerMs: number): { outcome: O | 'in-flight'; moving: boolean; opacity: number } {
  return { outcome: done ? outcome : 'in-flight', moving: !done, opacity: done ? Math.max(0.15, 1 - (t - endT) / Math.max(1, lingerMs)) : 1 };
}

/** What placeSampled needs to know of one kind of item (a client request, a mirror copy). */
export interface DotSource<T, D> {
  /** The keypoint cache's key. */
  key: (item: T) => string;
  /** The request it belongs to (compared with opts.selected). */
  req: (item: T) => string;
  end: (item: T) => number;
  points: (item: T) => Keypoint[];
  dot: (item: T, p: { x: number; y: number }, done: boolean) => D;
}

/**
 * Where each of `active` is drawn at t: at most `opts.maxDots` of them, an even sample when there
 * are more (the selected request always kept), each placed along its keypoints (cached by key).
 * `src.dot` builds the drawn dot from the item, its position and whether it has ended by t. Client
 * requests and mirror copies (copy-dots.ts) are drawn by the same rules.
 */
export function placeSampled<T, D>(active: readonly T[], t: number, opts: DotsOptions, cache: Map<string, Keypoint[]> | undefined, src: DotSource<T, D>): D[] {
  const stride = active.length > opts.maxDots ? active.length / opts.maxDots : 1;
  const out: D[] = [];
  for (let k = 0; k < active.length; k++) {
    const item = active[k] as T;
    const sampled = stride === 1 || Math.floor(k / stride) !== Math.floor((k - 1) / stride);
    if (!sampled && src.req(item) !== opts.selected) continue;
    const key = src.key(item);
    let pts = cache?.get(key);
    if (!pts) {
      pts = src.points(item);
      cache?.set(key, pts);
    }
    const p = positionAt(pts, t, opts.hopMs ?? 0);
    if (!p) continue;
    out.push(src.dot(item, p, t >= src.end(item)));
  }
  return out;
}

/** Per stage: decisions made by t, split into "passed on" and "answered with a status" (counted as the trace streamed in). */
export function buildStageCounts(index: TraceIndex): (t: number) => Map<string, StageCounts> {
  return stageCountsAt(index.stageTable);
}

/** Requests inside each replica at t (arrived, not yet answered): the queue a replica carries. */
export function inFlightByReplica(index: TraceIndex, t: number): Map<string, number> {
  const out = new Map<string, number>();
  mayBeActive(index, t, 0, (r) => {
    if (t < r.endT) out.set(r.replica, (out.get(r.replica) ?? 0) + 1);
  });
  return out;
}
