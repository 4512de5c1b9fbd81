// @vitest-environment node
/**
 * Mirror copies as dots in the topology (Gateway API RequestMirror, semantics §7: a copy is fire and
 * forget, sent when the request goes upstream, its answer thrown away): each copy leaves the replica,
 * reaches the mirror backend, takes its own outcome's colour there and fades; it tells nothing before
 * the trace does.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runVariant } from '../../../../engine/runtimes/sim/run-scenario.ts';
import { loadScenarioText } from '../../../../engine/scenario/load.ts';
import type { TraceEvent } from '../../../../engine/trace/events.ts';
import { buildCopyTable, copiesTravellingAt, copyDotsAt, copyOutcome, type CopyTable } from './copy-dots.ts';
import { topologyLayout, type TopoLayout } from './topology.ts';
import { buildTraceIndex, type TraceIndex } from './trace-index.ts';
import { syntheticTrace } from './testing/synthetic.ts';

// Replay a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`copy-dots property seed: ${seed} (set FC_SEED to replay)`);

const mirrored = (req: string, t: number, service = 'v2'): TraceEvent => ({
  type: 'plugin.decision', t, req, plugin: 'request-mirror', phase: 'access', verdict: 'next',
  reason: `copied to ${service} when the request goes upstream; its response is ignored`,
  data: { mirrored: true, service, endpoint: `${service}.internal:8080` },
});
const leaves = (req: string, t: number, service = 'v2'): TraceEvent => ({
  type: 'effect.start', t, req, plugin: 'request-mirror', effect: `mirror: GET /x to ${service} at ${service}.internal:8080`,
});
const ends = (req: string, t: number, ms: number, status: number, error?: 'timeout' | 'reset' | 'connect', service = 'v2'): TraceEvent => ({
  type: 'copy.end', t, req, plugin: 'request-mirror', service, target: `${service}.internal:8080`, status, ms, ...(error ? { error } : {}),
});

/** Requests a-1 (at 0) and a-2 (at 100), answered by s after 10 ms; their copies to v2 end at 300 (203) and 600 (timed out). */
function mirroredTrace(extra: TraceEvent[] = []): TraceEvent[] {
  const events = syntheticTrace([{ id: 'a-1', at: 0, upstreamMs: 10 }, { id: 'a-2', at: 100, upstreamMs: 10 }]);
  const runEnd = events.pop() as TraceEvent;
  const added = [mirrored('a-1', 0), leaves('a-1', 0), mirrored('a-2', 100), leaves('a-2', 100), ends('a-1', 300, 300, 203), ends('a-2', 600, 500, 0, 'timeout'), ...extra];
  // A stable sort by time keeps each copy's events after the request's own at the same instant.
  return [...[...events, ...added].sort((a, b) => a.t - b.t || rank(a) - rank(b)), { ...runEnd, t: 2000 }];
}
const rank = (e: TraceEvent): number => (e.type === 'run.start' || e.type === 'config.load' ? -1 : 0);

const OPTS = { lingerMs: 400, hopMs: 0, maxDots: 100 };

function setup(events: TraceEvent[]): { index: TraceIndex; layout: TopoLayout; table: CopyTable } {
  const index = buildTraceIndex(events);
  return { index, layout: topologyLayout(index), table: buildCopyTable(index) };
}

const inside = (layout: TopoLayout, id: string, p: { x: number; y: number }): boolean => {
  const n = layout.byId.get(id);
  return !!n && p.x >= n.x && p.x <= n.x + n.w && p.y >= n.y && p.y <= n.y + n.h;
};

describe('buildCopyTable', () => {
  it('finds each copy’s departure (its effect.start), end and own outcome', () => {
    const { table } = setup(mirroredTrace());
    expect(table.tracks.map((c) => [c.key, c.req, c.service, c.replica, c.departT, c.endT, c.outcome])).toEqual([
      ['a-1#copy1', 'a-1', 'v2', 'gw-0', 0, 300, 'ok'],
      ['a-2#copy1', 'a-2', 'v2', 'gw-0', 100, 600, 'gateway-error'],
    ]);
    expect(table.maxSpan).toBe(500);
    expect(table.open).toEqual([]);
  });

  it('colours a copy by its own answer: a mirror 5xx is the backend’s error, no answer is the gateway’s 503/504 (as the shadow metrics count it)', () => {
    const base = { type: 'copy.end' as const, t: 0, req: 'r', plugin: 'request-mirror', service: 'v2', target: 't', ms: 1 };
    expect(copyOutcome({ ...base, status: 200 })).toBe('ok');
    expect(copyOutcome({ ...base, status: 503 })).toBe('upstream-error');
    expect(copyOutcome({ ...base, status: 0, error: 'timeout' })).toBe('gateway-error');
    expect(copyOutcome({ ...base, status: 0, error: 'connect' })).toBe('gateway-error');
  });

  it('gives no dot to a copy that never left (the request reached no upstream host)', () => {
    const skipped: TraceEvent = { type: 'plugin.decision', t: 900, req: 'b-1', plugin: 'request-mirror', phase: 'access', verdict: 'next', reason: 'not sent', data: { mirrored: false, skipped: 'no-host' } };
    const events = mirroredTrace([mirrored('b-1', 900), skipped]);
    const { table } = setup(events);
    expect(table.tracks.map((c) => c.req)).toEqual(['a-1', 'a-2']);
  });

  it('pairs two copies of one request (two RequestMirror filters) with their own backends', () => {
    const { table } = setup(mirroredTrace([mirrored('c-1', 700), mirrored('c-1', 700, 'v3'), leaves('c-1', 710, 'v3'), leaves('c-1', 720), ends('c-1', 800, 90, 200, undefined, 'v3')]));
    const c = table.tracks.filter((x) => x.req === 'c-1');
    expect(c.map((x) => [x.service, x.departT, x.endT])).toEqual([['v3', 710, 800], ['v2', 720, Infinity]]);
    expect(table.open.map((x) => x.key)).toEqual(['c-1#copy1']);
  });

  it('without an effect.start (a decisions-level trace) a copy is known only from its copy.end', () => {
    const events = mirroredTrace().filter((e) => e.type !== 'effect.start');
    const { index, layout, table } = setup(events);
    expect(table.tracks.map((c) => [c.departT, c.knownT])).toEqual([[0, 300], [100, 600]]);
    expect(copyDotsAt(index, layout, table, 299, OPTS)).toEqual([]);
    expect(copyDotsAt(index, layout, table, 300, OPTS).map((d) => [d.req, d.outcome])).toEqual([['a-1', 'ok']]);
  });

  it('costs nothing for a trace without a mirror', () => {
    const index = buildTraceIndex(syntheticTrace([{ id: 'a', at: 0 }]));
    expect(buildCopyTable(index).tracks).toEqual([]);
  });
});

describe('copyDotsAt', () => {
  const { index, layout, table } = setup(mirroredTrace());

  it('draws nothing before a copy leaves, then a dot at the mirror backend until it ends, in flight', () => {
    expect(copyDotsAt(index, layout, table, -1, OPTS)).toEqual([]);
    const at50 = copyDotsAt(index, layout, table, 50, OPTS);
    expect(at50.map((d) => [d.key, d.req, d.outcome, d.moving])).toEqual([['a-1#copy1', 'a-1', 'in-flight', true]]);
    expect(inside(layout, 'backend:v2', at50[0]!)).toBe(true);
    // a-1's own request dot is back at its client at 50; its copy is still at the mirror.
    expect(index.byId.get('a-1')?.endT).toBe(10);
  });

  it('glides from the replica through the request-mirror stage to the backend over the hop', () => {
    const opts = { ...OPTS, hopMs: 100 };
    const start = copyDotsAt(index, layout, table, 0, opts)[0]!;
    expect(inside(layout, 'replica:gw-0', start)).toBe(true);
    const mid = copyDotsAt(index, layout, table, 50, opts)[0]!;
    expect(mid.x).toBeGreaterThan(start.x);
    const end = copyDotsAt(index, layout, table, 100, opts)[0]!;
    expect(inside(layout, 'backend:v2', end)).toBe(true);
  });

  it('takes its outcome’s colour at its end, stays at the mirror and fades over the linger time', () => {
    const at300 = copyDotsAt(index, layout, table, 300, OPTS).find((d) => d.req === 'a-1')!;
    expect([at300.outcome, at300.moving, at300.opacity]).toEqual(['ok', false, 1]);
    expect(inside(layout, 'backend:v2', at300)).toBe(true);
    const at500 = copyDotsAt(index, layout, table, 500, OPTS).find((d) => d.req === 'a-1')!;
    expect(at500.opacity).toBeCloseTo(0.5);
    expect(copyDotsAt(index, layout, table, 701, OPTS).map((d) => d.req)).toEqual(['a-2']);
    expect(copyDotsAt(index, layout, table, 600, OPTS).find((d) => d.req === 'a-2')?.outcome).toBe('gateway-error');
    expect(copyDotsAt(index, layout, table, 1001, OPTS)).toEqual([]);
  });

  it('keeps the selected request’s copies when it samples', () => {
    const got = copyDotsAt(index, layout, table, 150, { ...OPTS, maxDots: 1, selected: 'a-2' });
    expect(got.map((d) => d.req).sort()).toEqual(['a-1', 'a-2']);
    expect(copyDotsAt(index, layout, table, 150, { ...OPTS, maxDots: 1 })).toHaveLength(1);
  });

  it('counts the copies between leaving and their end', () => {
    expect([copiesTravellingAt(table, -1), copiesTravellingAt(table, 50), copiesTravellingAt(table, 150), copiesTravellingAt(table, 300), copiesTravellingAt(table, 600)]).toEqual([0, 1, 2, 1, 0]);
  });
});

describe('shadow-traffic as the engine runs it', async () => {
  const file = 'scenarios/canary/shadow-traffic.yaml';
  const scenario = loadScenarioText(readFileSync(file, 'utf8'), file, (p) => readFileSync(p, 'utf8')).scenario!;
  const run = await runVariant(scenario, 'base', { level: 'full' });
  const events = run.events;
  const index = buildTraceIndex(events);
  const layout = topologyLayout(index);
  const table = buildCopyTable(index);

  it('has a dot for every copy sent, at catalog-canary, and every one matches a copy.end of its request', () => {
    const sent = events.filter((e) => e.type === 'effect.start' && e.plugin === 'request-mirror').length;
    expect(sent).toBeGreaterThan(1000);
    expect(table.tracks).toHaveLength(sent);
    expect(table.open).toEqual([]);
    expect(new Set(table.tracks.map((c) => c.service))).toEqual(new Set(['catalog-canary']));
    const t = 12_150;
    const dots = copyDotsAt(index, layout, table, t, { lingerMs: 1500, maxDots: 10_000 });
    expect(dots.length).toBeGreaterThan(0);
    for (const d of dots) expect(inside(layout, 'backend:catalog-canary', d), d.key).toBe(true);
    // In flight at t: sent by t and not ended by t, as the trace's own events count them.
    const started = new Map<string, number>();
    for (const e of events) if (e.type === 'effect.start' && e.plugin === 'request-mirror' && e.t <= t) started.set(e.req, (started.get(e.req) ?? 0) + 1);
    for (const e of events) if (e.type === 'copy.end' && e.t <= t) started.set(e.req, (started.get(e.req) ?? 0) - 1);
    const travelling = [...started.values()].reduce((a, b) => a + b, 0);
    expect(dots.filter((d) => d.moving)).toHaveLength(travelling);
    expect(copiesTravellingAt(table, t)).toBe(travelling);
  });

  it('tells nothing the trace has not said by t: the dots from the whole trace equal those from its prefix (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Math.ceil(index.endT) }), (t) => {
        let n = 0;
        while (n < events.length && (events[n] as TraceEvent).t <= t) n++;
        const prefix = buildTraceIndex(events.slice(0, n));
        const opts = { lingerMs: 800, hopMs: 60, maxDots: 10_000 };
        const want = copyDotsAt(prefix, layout, buildCopyTable(prefix), t, opts);
        expect(copyDotsAt(index, layout, table, t, opts), `t=${t}`).toEqual(want);
      }),
      { seed, numRuns: 40 },
    );
  });
});
