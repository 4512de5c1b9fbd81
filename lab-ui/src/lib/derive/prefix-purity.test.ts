// @vitest-environment node
/**
 * Every view is a function of the events at or before the cursor: what a view shows at t from the
 * finished index, or from a snapshot taken while the run streamed (whose request rows later batches
 * went on filling in), equals what it shows from an index of the trace's prefix up to t alone. The
 * prefix index cannot know anything later, so any difference is a view telling the future: a final
 * status or latency before request.end, a machine state before the event that records it, a dot at
 * its client before the request reached the gateway.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runVariant } from '../../../../engine/runtimes/sim/run-scenario.ts';
import { loadScenarioText } from '../../../../engine/scenario/load.ts';
import type { TraceEvent } from '../../../../engine/trace/events.ts';
import { StreamingIndex } from '../streaming-index.ts';
import { countsAt } from './counters.ts';
import { requestStory } from './inspector.ts';
import { accessLogAt, buildAccessLog, eventsAt, metricsAt } from './logs.ts';
import { limiterSeries, valueAt, type SeriesLine } from './limiter.ts';
import { machineTimelines, segmentsIn, stateAt } from './machines.ts';
import { replicaSeries } from './replicas.ts';
import { stageCountsAt } from './stage-counts.ts';
import { buildMovingCount } from './moving.ts';
import { upperBound } from './search.ts';
import { spanWaterfall } from './spans-waterfall.ts';
import { dotsAt, inFlightByReplica, topologyLayout, type TopoLayout } from './topology.ts';
import { rowAt } from './request-at.ts';
import { copiesEndedAt } from './request-copies.ts';
import { buildTraceIndex, type TraceIndex } from './trace-index.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] prefix purity seed=${seed} (replay: FC_SEED=${seed})`);

async function slicesOf(file: string, variant: string, every: number): Promise<TraceEvent[][]> {
  const scenario = loadScenarioText(readFileSync(file, 'utf8'), file, (p) => readFileSync(p, 'utf8')).scenario!;
  const slices: TraceEvent[][] = [];
  await runVariant(scenario, variant, { level: 'full', streamEvery: every, onEvents: (e) => slices.push([...e]) });
  return slices;
}

/** The index of the events at or before t: the oracle, which knows nothing later by construction. */
function prefixIndex(events: readonly TraceEvent[], t: number): TraceIndex {
  let n = 0;
  while (n < events.length && (events[n] as TraceEvent).t <= t) n++;
  return buildTraceIndex(events.slice(0, n));
}

/** Requests worth asking the inspector about at t: some in flight, some answered, one not yet started. */
function probeIds(index: TraceIndex, t: number): string[] {
  const inFlight = index.requests.filter((r) => r.startT <= t && t < r.endT).slice(0, 6);
  const ended = index.ends.slice(Math.max(0, upperBound(index.endTimes, t) - 3), upperBound(index.endTimes, t));
  const later = index.requests.find((r) => r.startT > t);
  return [...inFlight, ...ended, ...(later ? [later] : [])].map((r) => r.id);
}

/** Each line's value at t by its name; a line with nothing yet at t is left out (it is the frame). */
function linesAt(prefix: string, lines: readonly SeriesLine[], t: number): Array<[string, number]> {
  return lines.flatMap((l): Array<[string, number]> => {
    const v = valueAt(l, t);
    return v === null ? [] : [[`${prefix}/${l.group}`, v]];
  });
}

/** By name: the order of series and lines follows the whole trace's first appearances (the frame). */
const byName = (list: Array<[string, number]>): Array<[string, number]> => list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

/** What every view shows at t, as plain data. `layout` is the finished run's: the picture's frame. */
function viewsAt(index: TraceIndex, t: number, ids: readonly string[], layout: TopoLayout): unknown {
  const timelines = machineTimelines(index);
  return {
    stages: [...stageCountsAt(index.stageTable)(t)].filter(([, c]) => c.passed > 0 || c.replied.length > 0),
    limiter: byName(limiterSeries(index).flatMap((s) => linesAt(s.key, s.lines, t))),
    replicas: byName((replicaSeries(index)?.metrics ?? []).flatMap((m) => linesAt(m.metric, m.lines, t))),
    counts: countsAt(index, t),
    moving: buildMovingCount(index)(t),
    queues: [...inFlightByReplica(index, t)].sort(),
    copies: [...copiesEndedAt(index, t)].sort(),
    dots: dotsAt(index, layout, t, { lingerMs: 500, maxDots: 10_000, hopMs: 40 }).sort((a, b) => (a.req < b.req ? -1 : 1)),
    stories: ids.map((id) => {
      const s = requestStory(index, id, t);
      return s && { ...s, row: { ...s.row, events: s.row.events.length } };
    }),
    rows: ids.map((id) => {
      const row = index.byId.get(id);
      return row && row.startT <= t ? { ...rowAt(index, row, t), events: rowAt(index, row, t).events.length } : null;
    }),
    spans: ids.map((id) => spanWaterfall(index, id, t)),
    log: accessLogAt(index, buildAccessLog(index), t, 20).map((l) => l.record),
    metrics: metricsAt(index, t),
    events: eventsAt(index, t, 50).map((e) => e.event),
    // A machine the prefix has not seen move yet is still in the state it started in.
    machines: Object.fromEntries(stateAt(timelines, t).map((m) => [m.timeline.key, m.segment.event === -1 ? m.segment.state : `${m.segment.state}@${m.segment.from}`])),
    drawn: Object.fromEntries(timelines.map((tl) => [tl.key, segmentsIn(tl, 0, t, t).filter((s) => s.event !== -1).map((s) => `${s.state}@${s.from}`)])),
  };
}

/** The views of `index` at t, with machines the prefix has not met yet dropped (their timeline row is the frame, not news). */
function expectPure(index: TraceIndex, events: readonly TraceEvent[], t: number, layout: TopoLayout): void {
  const prefix = prefixIndex(events, t);
  const ids = probeIds(index, t);
  const got = viewsAt(index, t, ids, layout) as { machines: Record<string, string>; drawn: Record<string, string[]> };
  const want = viewsAt(prefix, t, ids, layout) as { machines: Record<string, string>; drawn: Record<string, string[]> };
  for (const key of Object.keys(got.machines)) {
    if (key in want.machines) continue;
    expect(got.drawn[key], `${key} drawn before its first move`).toEqual([]);
    delete got.machines[key];
    delete got.drawn[key];
  }
  expect(got, `t=${t}`).toEqual(want);
}

const CASES: Array<[string, string]> = [
  ['scenarios/rate-limiting/boundary-burst.yaml', 'token-bucket'],
  ['scenarios/capacity/kong-bottleneck.yaml', 'base'],
  ['scenarios/resilience/outlier-ejection.yaml', 'base'],
  ['scenarios/resilience/circuit-breaker-states.yaml', 'base'],
  // Mirror copies end after their requests: the inspector's copies, the backend counts and the shadow metric.
  ['scenarios/canary/shadow-traffic.yaml', 'base'],
];

describe('every view at t reads only the events at or before t', () => {
  for (const [file, variant] of CASES) {
    it(`${file} (${variant}): the finished run and every streamed snapshot agree with the prefix`, async () => {
      const slices = await slicesOf(file, variant, 400);
      const events = slices.flat();
      const stream = new StreamingIndex(() => 0, { growth: 1.6, maxWaitMs: Infinity });
      const soFar: TraceEvent[] = [];
      const snapshots: TraceIndex[] = [];
      for (const slice of slices) {
        soFar.push(...slice);
        const snap = stream.add(slice, soFar);
        if (snap) snapshots.push(snap);
      }
      // Read the snapshots only now: later batches have filled in the rows they share.
      const finished = stream.finish(soFar);
      const layout = topologyLayout(finished);
      fc.assert(
        fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.nat({ max: snapshots.length - 1 }), (p, k) => {
          const snap = snapshots[k] as TraceIndex;
          expectPure(finished, events, p * finished.endT, layout);
          expectPure(snap, events, p * snap.endT, layout);
          // The snapshot's known end, where a request in flight is most likely already answered later on.
          expectPure(snap, events, snap.endT, layout);
        }),
        { seed, numRuns: 12 },
      );
    }, 180_000);
  }
});
