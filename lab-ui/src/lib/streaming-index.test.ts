// @vitest-environment node
/**
 * A growing trace: snapshots of the prefix answer every t up to their end as the finished index does,
 * taking them changes nothing in the final index, and the shared timeline follows the slowest run.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runVariant } from '../../../engine/runtimes/sim/run-scenario.ts';
import { loadScenarioText } from '../../../engine/scenario/load.ts';
import type { TraceEvent } from '../../../engine/trace/events.ts';
import { buildTraceIndex, type TraceIndex } from './derive/trace-index.ts';
import { countsAt, clientCountsAt } from './derive/counters.ts';
import { stageCountsAt } from './derive/stage-counts.ts';
import { requestStory } from './derive/inspector.ts';
import { pendingDue, snapshotDue, StreamingIndex, timelineOf } from './streaming-index.ts';

const FILE = 'scenarios/rate-limiting/boundary-burst.yaml';
const scenario = loadScenarioText(readFileSync(FILE, 'utf8'), FILE, (p) => readFileSync(p, 'utf8')).scenario!;

/** The run's trace in the slices the worker would post for this batch size. */
async function slicesOf(variant: string, every: number): Promise<TraceEvent[][]> {
  const slices: TraceEvent[][] = [];
  await runVariant(scenario, variant, { level: 'full', streamEvery: every, onEvents: (e) => slices.push([...e]) });
  return slices;
}

/** What the views read at t, compared as plain data. */
function viewAt(index: TraceIndex, t: number): unknown {
  const stages = stageCountsAt(index.stageTable)(t);
  return { counts: countsAt(index, t), clients: clientCountsAt(index, t), stages: [...stages].filter(([, c]) => c.passed > 0 || c.replied.length > 0) };
}

describe('StreamingIndex', () => {
  it('gives snapshots that agree with the finished index up to their end, and a finished index equal to one pass', async () => {
    const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
    console.log(`[fast-check] streaming snapshots seed=${seed} (replay: FC_SEED=${seed})`);
    const variants = scenario.variants.map((v) => v.name);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...variants), fc.integer({ min: 50, max: 2000 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }), async (variant, every, probes) => {
        const slices = await slicesOf(variant, every);
        // Every batch snapshotted: the most demanding policy.
        const stream = new StreamingIndex(() => 0, { growth: 1, maxWaitMs: 0 });
        const soFar: TraceEvent[] = [];
        const snapshots: TraceIndex[] = [];
        for (const slice of slices) {
          soFar.push(...slice);
          const snap = stream.add(slice, soFar);
          expect(snap).not.toBeNull();
          snapshots.push(snap as TraceIndex);
        }
        const finished = stream.finish(soFar);
        const onePass = buildTraceIndex(soFar);
        expect({ ...finished, byId: [...finished.byId.keys()] }).toEqual({ ...onePass, byId: [...onePass.byId.keys()] });
        for (const snap of snapshots) {
          expect(snap.endT).toBe(snap.times[snap.times.length - 1]);
          for (const p of probes) {
            const t = p * snap.endT;
            expect(viewAt(snap, t)).toEqual(viewAt(finished, t));
          }
          // The inspector only lists events the snapshot holds.
          const last = snap.requests[snap.requests.length - 1];
          if (last) expect(requestStory(snap, last.id, snap.endT)?.decisions.every((e) => e.t <= snap.endT)).toBe(true);
        }
      }),
      { seed, numRuns: 8 },
    );
  }, 120_000);

  it('spaces snapshots geometrically, with a wall-time fallback', () => {
    const policy = { growth: 1.5, maxWaitMs: 3000 };
    expect(snapshotDue(policy, 0, 0, 0)).toBe(false);
    expect(snapshotDue(policy, 0, 10, 0)).toBe(true);
    expect(snapshotDue(policy, 100, 149, 10)).toBe(false);
    expect(snapshotDue(policy, 100, 150, 10)).toBe(true);
    expect(snapshotDue(policy, 100, 101, 3000)).toBe(true);
    expect(snapshotDue(policy, 100, 100, 9000)).toBe(false);
  });
});

describe('the shared timeline while runs stream', () => {
  const at = (endT: number): TraceIndex => ({ endT }) as TraceIndex;

  it('reaches as far as the slowest running panel, and to the longest run once all are done', () => {
    expect(timelineOf([{ status: 'running', index: at(5_000) }, { status: 'running', index: at(9_000) }])).toEqual({ endT: 5_000, growing: true });
    expect(timelineOf([{ status: 'ready', index: at(60_000) }, { status: 'running', index: at(9_000) }])).toEqual({ endT: 9_000, growing: true });
    expect(timelineOf([{ status: 'ready', index: at(60_000) }, { status: 'running', index: null }])).toEqual({ endT: 0, growing: true });
    expect(timelineOf([{ status: 'ready', index: at(60_000) }, { status: 'error', index: null }, { status: 'ready', index: at(61_000) }])).toEqual({ endT: 61_000, growing: false });
  });

  it('applies a shared time once the timeline reaches it, a request alone once the runs are done', () => {
    expect(pendingDue({ t: 62_000 }, { endT: 30_000, growing: true })).toBe(false);
    expect(pendingDue({ t: 62_000 }, { endT: 62_000, growing: true })).toBe(true);
    expect(pendingDue({}, { endT: 62_000, growing: true })).toBe(false);
    expect(pendingDue({ t: 0 }, { endT: 0, growing: true })).toBe(false);
    expect(pendingDue({ t: 900_000 }, { endT: 120_000, growing: false })).toBe(true);
  });
});
