// @vitest-environment node
/**
 * The index keeps what it used to keep by request id (each request's events, a limiter's refusal, the
 * stages that counted it, its stage sequence) on the rows and in shared nodes. Against a reference
 * that keeps them by id as the index did, on traces as odd as the builder accepts: ids that repeat,
 * decisions before a start or after an end, ends with no start, a second start for an id, more stages
 * than a row's bits hold; snapshots after every batch, with the rows' lists read early or not at all.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../../engine/trace/events.ts';
import { EventChain, IndexedRow } from './indexed-row.ts';
import { outcomeOf } from './outcome.ts';
import { RESPONSE_PHASES } from './stage-counts.ts';
import { mergeStageOrder, TraceIndexBuilder, type TraceIndex } from './trace-index.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`indexed-row property seed: ${seed} (set FC_SEED to replay)`);

const req = fc.constantFrom('c1-0', 'c1-1', 'c1-0.retry1');
/** 40 stages: past the 31 a row's bits hold. */
const plugin = fc.integer({ min: 0, max: 39 }).map((n) => `p${n}`);
const step = fc.oneof(
  fc.record({ kind: fc.constant('start' as const), req }),
  fc.record({
    kind: fc.constant('decision' as const), req, plugin,
    phase: fc.constantFrom('access', 'response', 'log'), verdict: fc.constantFrom('next', 'reply', 'wait'), refused: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('end' as const), req, status: fc.constantFrom(200, 429, 503), upstream: fc.boolean() }),
  fc.record({ kind: fc.constant('effect' as const), req }),
);
type Step = typeof step extends fc.Arbitrary<infer S> ? S : never;

function traceOf(steps: readonly Step[]): TraceEvent[] {
  const events: object[] = [{ type: 'run.start', t: 0, scenario: 's', variant: 'base', seed: 1, start: '2026-01-01T00:00:00Z', level: 'full' }];
  steps.forEach((s, i) => {
    const t = Math.floor(i / 3);
    if (s.kind === 'start') events.push({ type: 'request.start', t, req: s.req, client: 'c1', replica: 'gw-0', method: 'GET', url: '/x', peerIp: '203.0.113.7', headers: {} });
    else if (s.kind === 'decision') {
      events.push({
        type: 'plugin.decision', t, req: s.req, plugin: s.plugin, phase: s.phase, verdict: s.verdict,
        ...(s.verdict === 'reply' ? { status: 429 } : {}), reason: 'why', data: s.refused ? { outcome: 'REJECTED' } : {},
      });
    } else if (s.kind === 'end') {
      events.push({
        type: 'request.end', t, req: s.req, client: 'c1', replica: 'gw-0', status: s.status, source: s.upstream ? 'upstream' : 'gateway',
        route: 'r', service: 's', ms: 1, gatewayMs: 0, upstreamMs: s.upstream ? 1 : null, headers: {},
      });
    } else events.push({ type: 'effect.end', t, req: s.req, effect: 'redis', ok: true });
  });
  return events as TraceEvent[];
}

/** What the index kept by request id, kept by id: the rows' lists, outcomes, stage order and counts. */
function byId(trace: readonly TraceEvent[], open: boolean): unknown {
  const rows: Array<{ id: string; events: number[]; outcome: string; decided: boolean }> = [];
  const current = new Map<string, (typeof rows)[number]>();
  const refused = new Set<string>();
  const seq = new Map<string, string[]>();
  const seen = new Map<string, string[]>();
  const counts = new Map<string, Array<[number, string]>>();
  const stages: string[] = [];
  trace.forEach((e, i) => {
    if (!('req' in e)) return;
    const row = current.get(e.req);
    row?.events.push(i);
    if (e.type === 'request.start') current.set(e.req, rows[rows.push({ id: e.req, events: [i], outcome: 'in-flight', decided: false }) - 1] as (typeof rows)[number]);
    else if (e.type === 'plugin.decision') {
      const s = seq.get(e.req) ?? [];
      seq.set(e.req, s);
      if (!s.includes(e.plugin)) s.push(e.plugin);
      if (row && e.verdict === 'reply' && !row.decided) {
        row.decided = true;
        if (e.data?.outcome === 'REJECTED') refused.add(e.req);
      }
      if (RESPONSE_PHASES.has(e.phase) || e.verdict === 'wait') return;
      const counted = seen.get(e.req) ?? [];
      seen.set(e.req, counted);
      if (counted.includes(e.plugin)) return;
      counted.push(e.plugin);
      counts.set(e.plugin, [...(counts.get(e.plugin) ?? []), [e.t, e.verdict]]);
    } else if (e.type === 'request.end' && row) {
      row.outcome = outcomeOf(e.status, e.source, refused.delete(e.req));
      mergeStageOrder(stages, seq.get(e.req) ?? []);
      seq.delete(e.req);
    }
  });
  if (open) for (const s of seq.values()) mergeStageOrder(stages, s);
  return { rows: rows.map(({ id, events, outcome }) => ({ id, events, outcome })), stages, counts: [...counts] };
}

function ofIndex(index: TraceIndex): unknown {
  const counts = [...index.stageTable].map(([stage, p]) => {
    const replied = new Set([...p.replied.values()].flat());
    return [stage, p.times.map((t, n) => [t, replied.has(n + 1) ? 'reply' : 'pass'])] as const;
  });
  return {
    rows: index.requests.map((r) => ({ id: r.id, events: [...r.events], outcome: r.outcome })),
    stages: index.stages,
    counts: counts.map(([stage, list]) => [stage, list.map(([t, v]) => [t, v])]),
  };
}

/** The reference's verdicts as the index's counts tell them apart: a reply, or passed on. */
function passOrReply(model: unknown): unknown {
  const m = model as { rows: unknown; stages: unknown; counts: Array<[string, Array<[number, string]>]> };
  return { ...m, counts: m.counts.map(([stage, list]) => [stage, list.map(([t, v]) => [t, v === 'reply' ? 'reply' : 'pass'])]) };
}

describe('rows that keep their own bookkeeping', () => {
  it('index as the bookkeeping by id did, snapshots included, read early or late', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 150, size: 'max' }), fc.integer({ min: 1, max: 30 }), fc.boolean(), (steps, size, readEarly) => {
        const trace = traceOf(steps);
        const builder = new TraceIndexBuilder();
        const got: TraceEvent[] = [];
        for (let at = 0; at < trace.length; at += size) {
          const batch = trace.slice(at, at + size);
          got.push(...batch);
          builder.add(batch);
          const snap = builder.snapshot(got.slice());
          if (readEarly) expect(ofIndex(snap)).toEqual(passOrReply(byId(got, true)));
        }
        expect(ofIndex(builder.finish(got))).toEqual(passOrReply(byId(got, true)));
      }),
      { seed, numRuns: 400 },
    );
  });
});

describe('IndexedRow', () => {
  const start = (req: string, t: number): TraceEvent => ({ type: 'request.start', t, req, client: 'c', replica: 'r', method: 'GET', url: '/', peerIp: '1.2.3.4', headers: {} }) as TraceEvent;

  it('lists its events as linked, the same list growing as a pushed one did', () => {
    const chain = new EventChain();
    chain.reserve(4000);
    const a = new IndexedRow(chain, 1, start('a', 0) as Extract<TraceEvent, { type: 'request.start' }>);
    const b = new IndexedRow(chain, 2, start('b', 0) as Extract<TraceEvent, { type: 'request.start' }>);
    a.link(3);
    b.link(4);
    const early = a.events;
    expect(early).toEqual([1, 3]);
    a.link(3999);
    expect(a.events).toBe(early);
    expect(early).toEqual([1, 3, 3999]);
    expect(b.events).toEqual([2, 4]);
  });

  it('spreads as a plain row: its own bookkeeping stays out of copies and comparisons', () => {
    const row = new IndexedRow(new EventChain(), 0, start('a', 5) as Extract<TraceEvent, { type: 'request.start' }>);
    row.refuse();
    expect(Object.keys({ ...row })).not.toContain('events');
    expect({ ...row, events: row.events }).toEqual({
      id: 'a', client: 'c', replica: 'r', method: 'GET', url: '/', sentT: 5, startT: 5, endT: Infinity, status: null, source: null,
      outcome: 'in-flight', ms: null, gatewayMs: null, upstreamMs: null, decidedBy: null, decidedT: null, reason: null, endEvent: -1, events: [0],
    });
    expect(row.takeRefused()).toBe(true);
    expect(row.takeRefused()).toBe(false);
  });
});
