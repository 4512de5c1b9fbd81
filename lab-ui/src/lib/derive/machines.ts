/**
 * State machine timelines from the trace's `breaker.transition` events: one timeline per (machine,
 * subject, replica), each a run of segments [from, to) with the state and the reason it was entered.
 * Generic on purpose: any machine name and any state names, so a new machine in the engine shows up
 * in the lab with no UI change.
 *
 * A move takes effect at `at` when the event carries one (a lazily noticed change happened before the
 * request that noticed it), else at `t`. Moves keep their trace order: an `at` earlier than the
 * previous move is clamped to it, so the chain of states never runs backwards. Such a move is known
 * only from the instant the trace writes it: before that, the cursor sees the state it replaced, and
 * from then on the history is redrawn with the move where it took effect.
 */
import type { BreakerTransitionEvent, TraceEvent } from '../../../../engine/trace/events.ts';
import { upperBound } from './search.ts';
import type { TraceIndex } from './trace-index.ts';

export interface StateSegment {
  state: string;
  /** When the state took effect (trace ms). */
  from: number;
  /** When the next move took effect; Infinity for the last segment (the state holds). */
  to: number;
  /** Why the machine entered this state; null for the state it started in. */
  reason: string | null;
  /** The trace time of the event that wrote the move, when later than `from` (it was noticed late). */
  noticedT: number | null;
  /** Index of the breaker.transition event in the trace; -1 for the starting state. */
  event: number;
  /**
   * The canary's share of traffic (percent) while in this segment, when the machine's moves carry it
   * (canary-rollout); else null. The starting segment's comes from the first move's `weight.from`,
   * as its state comes from the first move's `from`.
   */
  weight: number | null;
}

export interface MachineTimeline {
  /** machine, subject and replica joined: unique per timeline. */
  key: string;
  machine: string;
  subject: string;
  replica: string;
  segments: StateSegment[];
  /** Segment starts, ascending: what `segmentAt` binary-searches. */
  starts: Float64Array;
  /** Every state the timeline visits, in order of first appearance. */
  states: string[];
  /** Whether its moves carry a weight: then the timeline also draws the share over time. */
  weighted: boolean;
}

export interface MachineNow {
  timeline: MachineTimeline;
  segment: StateSegment;
}

interface Building {
  machine: string;
  subject: string;
  replica: string;
  segments: StateSegment[];
}

const keyOf = (e: BreakerTransitionEvent): string => `${e.machine}\u0000${e.subject}\u0000${e.replica}`;

/** Timelines grouped by machine (machines in order of their first move), then in order of first move. */
/** `at`: the indices of the trace's breaker.transition events when known (TraceIndex.transitions), else every event is looked at. */
export function buildMachineTimelines(events: readonly TraceEvent[], at?: readonly number[]): MachineTimeline[] {
  const byKey = new Map<string, Building>();
  const machines: string[] = [];
  const visit = (e: TraceEvent, i: number): void => {
    if (e.type !== 'breaker.transition') return;
    const key = keyOf(e);
    let b = byKey.get(key);
    if (!b) {
      b = { machine: e.machine, subject: e.subject, replica: e.replica, segments: [{ state: e.from, from: 0, to: Infinity, reason: null, noticedT: null, event: -1, weight: e.weight?.from ?? null }] };
      byKey.set(key, b);
      if (!machines.includes(e.machine)) machines.push(e.machine);
    }
    const prev = b.segments[b.segments.length - 1] as StateSegment;
    const took = e.at !== undefined && e.at < e.t ? e.at : e.t;
    const from = Math.max(prev.from, took);
    prev.to = from;
    // A move without a weight (a machine that has none) keeps whatever the timeline had: null.
    b.segments.push({ state: e.to, from, to: Infinity, reason: e.reason, noticedT: e.t > from ? e.t : null, event: i, weight: e.weight?.to ?? prev.weight });
  };
  if (at) for (const i of at) visit(events[i] as TraceEvent, i);
  else events.forEach(visit);
  const out: MachineTimeline[] = [];
  for (const machine of machines) {
    for (const [key, b] of byKey) {
      if (b.machine !== machine) continue;
      const states: string[] = [];
      for (const s of b.segments) if (!states.includes(s.state)) states.push(s.state);
      const weighted = b.segments.some((s) => s.weight !== null);
      out.push({ key, machine, subject: b.subject, replica: b.replica, segments: b.segments, starts: Float64Array.from(b.segments, (s) => s.from), states, weighted });
    }
  }
  return out;
}

const cache = new WeakMap<TraceIndex, MachineTimeline[]>();

/** The timelines of a run, built once per trace index (the panel and the detail tab share them). */
export function machineTimelines(index: TraceIndex): MachineTimeline[] {
  let t = cache.get(index);
  if (!t) cache.set(index, (t = buildMachineTimelines(index.events, index.transitions)));
  return t;
}

/** Whether the trace has written a segment's move by t. */
const knownBy = (s: StateSegment, t: number): boolean => s.noticedT === null || s.noticedT <= t;

/** The segment in effect at t, as the trace has told it by t: the last that began at or before t and was written by then. */
export function segmentAt(timeline: MachineTimeline, t: number): StateSegment {
  let i = Math.max(0, upperBound(timeline.starts, t) - 1);
  // Zero-length segments (two moves at one instant) are passed over: the later one is in effect.
  while (i > 0 && !knownBy(timeline.segments[i] as StateSegment, t)) i--;
  return timeline.segments[i] as StateSegment;
}

/** Every timeline's state at the cursor. */
export function stateAt(timelines: readonly MachineTimeline[], t: number): MachineNow[] {
  return timelines.map((timeline) => ({ timeline, segment: segmentAt(timeline, t) }));
}

/**
 * The segments that overlap [t0, t1], for drawing, as the trace has told them by `known` (the
 * cursor): a move written after it is left out and the state before it runs on.
 */
export function segmentsIn(timeline: MachineTimeline, t0: number, t1: number, known = Infinity): StateSegment[] {
  const first = Math.max(0, upperBound(timeline.starts, t0) - 1);
  const last = upperBound(timeline.starts, t1);
  const out: StateSegment[] = [];
  for (let i = first; i < last; i++) {
    const s = timeline.segments[i] as StateSegment;
    if (!knownBy(s, known)) continue;
    // The move that ends this one may not be written yet: then it holds until the next that is.
    let end = i + 1;
    while (end < timeline.segments.length && !knownBy(timeline.segments[end] as StateSegment, known)) end++;
    const to = end === i + 1 ? s.to : ((timeline.segments[end] as StateSegment | undefined)?.from ?? Infinity);
    if (to > t0) out.push(to === s.to ? s : { ...s, to });
  }
  return out;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

const UUID_WITH_PLACE = new RegExp(`${UUID.source} \\((.+)\\)$`, 'i');

/**
 * A subject as a row label. A plugin instance id followed by where it is attached ("<uuid> (service
 * payments)") reads as the place alone, which is what a student recognises from the config; a bare
 * instance id is shortened to its first eight digits. The full subject stays in the row's title.
 */
export function shortSubject(subject: string): string {
  const place = UUID_WITH_PLACE.exec(subject);
  if (place) return place[1] as string;
  return subject.replace(UUID, (m) => m.slice(0, 8));
}

/** The row titles' 11 px monospace (MachineTimeline.svelte): about 6.6 px a character. */
export const ROW_TITLE_CHAR_PX = 6.6;

/**
 * A row's label, shortened in the middle so that it and what follows it (`tail`: " — now open,
 * canary weight 25 %") fit in `maxChars`. The title is one SVG text: on a phone, and in a half-width
 * panel, "canary-rollout · catalog-stable → catalog-canary — now rolledBack" ran past the picture's
 * edge and the state — the point of the row — was cut off. The whole label stays in the row's tooltip.
 */
export function fitRowLabel(label: string, tail: string, maxChars: number): string {
  const room = Math.floor(maxChars) - tail.length;
  if (label.length <= room) return label;
  if (room < 3) return '…';
  const end = Math.ceil((room - 1) / 2);
  return `${label.slice(0, room - 1 - end)}…${label.slice(label.length - end)}`;
}

/**
 * A row title that fits `maxChars`: the label shortened by fitRowLabel, and the words before the
 * canary's weight — "canary weight", or just "weight" when the longer words would leave the label
 * less than `MIN_LABEL` characters (on a phone "ca…ry — now rolledBack, canary weight 0 %").
 */
export function rowTitle(label: string, state: string, weight: string | null, maxChars: number): { label: string; weightWords: string } {
  const MIN_LABEL = 16;
  const tail = (words: string): string => ` — now ${state}${weight !== null ? `, ${words} ${weight}` : ''}`;
  const long = fitRowLabel(label, tail('canary weight'), maxChars);
  if (weight === null || long === label || long.length >= MIN_LABEL) return { label: long, weightWords: 'canary weight' };
  return { label: fitRowLabel(label, tail('weight'), maxChars), weightWords: 'weight' };
}

/**
 * A colour per state name. Words that mean "fine", "failing" or "in between" get the same colour in
 * every machine (Okabe–Ito, as the outcomes); any other state takes the next colour of a palette, in
 * order of first appearance, so it is stable within a run.
 */
const GOOD = '#0f8a6a';
const BAD = '#c8501a';
const BETWEEN = '#d69e00';
const KNOWN: Record<string, string> = {
  closed: GOOD, healthy: GOOD, standby: GOOD, promoted: GOOD,
  open: BAD, ejected: BAD, unhealthy: BAD, tripped: BAD, rolledback: BAD,
  halfopen: BETWEEN, recovering: BETWEEN, paused: BETWEEN,
  progressing: '#0072b2',
};
const PALETTE = ['#56b4e9', '#cc79a7', '#6b7a8f', '#8c6d31', '#7a4f9a', '#2f8f8f'];

export function stateColors(timelines: readonly MachineTimeline[]): Map<string, string> {
  const out = new Map<string, string>();
  let next = 0;
  for (const tl of timelines) {
    for (const s of tl.states) {
      if (out.has(s)) continue;
      const known = KNOWN[s.toLowerCase().replace(/[^a-z0-9]/g, '')];
      out.set(s, known ?? (PALETTE[next++ % PALETTE.length] as string));
    }
  }
  return out;
}
