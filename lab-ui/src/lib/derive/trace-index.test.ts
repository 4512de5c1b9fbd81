// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { countsAt, clientCountsAt } from './counters.ts';
import { buildTraceIndex, mergeStageOrder } from './trace-index.ts';
import { outcomeOf } from './outcome.ts';
import { syntheticTrace } from './testing/synthetic.ts';

const rl = { status: 429, plugin: 'rate-limit', reason: 'limit reached' };

describe('buildTraceIndex', () => {
  const index = buildTraceIndex(
    syntheticTrace([
      { id: 'a-1', at: 100, upstreamMs: 20 },
      { id: 'a-2', at: 200, reject: rl },
      { id: 'b-1', client: 'c2', at: 300, upstreamMs: 50, status: 503 },
      { id: 'a-3', at: 400, open: true },
    ]),
  );

  it('builds one row per request with its outcome and deciding stage', () => {
    expect(index.requests.map((r) => r.id)).toEqual(['a-1', 'a-2', 'b-1', 'a-3']);
    expect(index.byId.get('a-1')).toMatchObject({ outcome: 'ok', status: 200, endT: 120, upstreamMs: 20 });
    expect(index.byId.get('a-2')).toMatchObject({ outcome: 'rejected', decidedBy: 'rate-limit', reason: 'limit reached' });
    expect(index.byId.get('b-1')?.outcome).toBe('upstream-error');
    expect(index.byId.get('a-3')).toMatchObject({ outcome: 'in-flight', endT: Infinity });
  });

  it('lists stages in the order requests ran them', () => {
    expect(index.stages).toEqual(['router', 'rate-limit', 'balancer']);
    expect(index.clients).toEqual(['c1', 'c2']);
    expect(index.services).toEqual(['s']);
  });

  it('keeps every event of a request, in order', () => {
    const row = index.byId.get('a-1');
    expect(row?.events.map((i) => index.events[i]?.type)).toEqual([
      'request.start', 'plugin.decision', 'plugin.decision', 'plugin.decision', 'upstream.send',
      'upstream.response', 'plugin.decision', 'request.end',
    ]);
  });

  it('counts what happened by any instant', () => {
    expect(countsAt(index, 50)).toMatchObject({ arrived: 0, ended: 0, admitted: 0 });
    expect(countsAt(index, 120)).toMatchObject({ arrived: 1, ended: 1, admitted: 1, rejectedTotal: 0 });
    const late = countsAt(index, 10_000);
    expect(late).toMatchObject({ arrived: 4, ended: 3, inFlight: 1, admitted: 2, rejectedTotal: 1 });
    expect(late.rejected).toEqual([{ status: 429, count: 1 }]);
    expect(late.byStatus).toEqual([{ status: 200, count: 1 }, { status: 429, count: 1 }, { status: 503, count: 1 }]);
    expect(clientCountsAt(index, 10_000)).toEqual([
      { client: 'c1', ended: 2, admitted: 1 },
      { client: 'c2', ended: 1, admitted: 1 },
    ]);
  });

  it('reads the start instant and the narration', () => {
    expect(index.startEpoch).toBe(Date.UTC(2026, 0, 1, 12));
    const n = buildTraceIndex(syntheticTrace([], { narration: [[0, 'hello'], [500, 'later']] }));
    expect(n.narration).toEqual([{ t: 0, text: 'hello' }, { t: 500, text: 'later' }]);
  });
});

describe('mergeStageOrder', () => {
  it('inserts a new stage after the one that preceded it', () => {
    const order = ['router', 'balancer'];
    mergeStageOrder(order, ['router', 'auth', 'balancer']);
    mergeStageOrder(order, ['router', 'auth', 'rate-limit']);
    expect(order).toEqual(['router', 'auth', 'rate-limit', 'balancer']);
  });
});

describe('outcomeOf', () => {
  it('names who answered and how', () => {
    expect(outcomeOf(200, 'upstream')).toBe('ok');
    expect(outcomeOf(404, 'upstream')).toBe('ok');
    expect(outcomeOf(502, 'upstream')).toBe('upstream-error');
    expect(outcomeOf(429, 'gateway')).toBe('rejected');
    expect(outcomeOf(502, 'gateway')).toBe('gateway-error');
    expect(outcomeOf(null, null)).toBe('in-flight');
  });
});
