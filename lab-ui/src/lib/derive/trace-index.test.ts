// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countsAt, clientCountsAt } from './counters.ts';
import { buildCumulative, buildTraceIndex, mergeStageOrder, TraceIndexBuilder, type RequestRow } from './trace-index.ts';
import { outcomeOf } from './outcome.ts';
import { syntheticRequests } from './testing/synthetic-arbitrary.ts';
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

// Replay a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`trace-index property seed: ${seed} (set FC_SEED to replay)`);

describe('TraceIndexBuilder', () => {
  it('indexes a trace fed in batches exactly as in one pass, wherever the batches split', () => {
    fc.assert(
      fc.property(syntheticRequests({ maxLength: 25, maxAt: 5000, maxUpstreamMs: 300 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 6 }), (reqs, sizes) => {
        const trace = syntheticTrace(reqs, { narration: [[10, 'first'], [2000, 'second']] });
        const builder = new TraceIndexBuilder();
        let at = 0;
        for (let k = 0; at < trace.length; k++) {
          const size = sizes[k % sizes.length] as number;
          builder.add(trace.slice(at, at + size));
          at += size;
        }
        expect(builder.finish(trace)).toEqual(buildTraceIndex(trace));
      }),
      { seed, numRuns: 200 },
    );
  });

  it('counts, for every key and every i, how many of the first i ended requests match the key', () => {
    const row = fc.record({
      client: fc.constantFrom('c1', 'c2'),
      status: fc.constantFrom(200, 429, 503),
      source: fc.constantFrom('upstream', 'gateway', 'front') as fc.Arbitrary<RequestRow['source']>,
      outcome: fc.constantFrom('ok', 'rejected', 'upstream-error') as fc.Arbitrary<RequestRow['outcome']>,
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 40 }), (rows) => {
        const ends = rows as RequestRow[];
        const statuses = [...new Set(ends.map((r) => r.status as number))].sort((a, b) => a - b);
        const got = buildCumulative(ends, statuses);
        const matches = (key: string, r: RequestRow): boolean =>
          key === 'ended' || (key === 'admitted' && r.source === 'upstream') || key === `outcome:${r.outcome}` || key === `status:${r.status}` ||
          key === `client:${r.client}:ended` || (r.source === 'upstream' && key === `client:${r.client}:admitted`) ||
          (r.source !== 'upstream' && key === `gateway-status:${r.outcome}:${r.status}`);
        for (const key of ['ended', 'admitted', ...statuses.map((s) => `status:${s}`)]) expect(got.has(key)).toBe(true);
        for (const [key, arr] of got) {
          expect(arr).toHaveLength(ends.length + 1);
          for (let i = 0; i <= ends.length; i++) expect(arr[i], `${key}[${i}]`).toBe(ends.slice(0, i).filter((r) => matches(key, r)).length);
        }
        // Every key some request matches has its array.
        for (const r of ends) expect(got.has(`client:${r.client}:ended`) && got.has(`outcome:${r.outcome}`)).toBe(true);
      }),
      { seed, numRuns: 200 },
    );
  });

  it('refuses to finish with a trace other than the one it was fed', () => {
    const trace = syntheticTrace([{ id: 'a-1', at: 100, upstreamMs: 20 }]);
    const builder = new TraceIndexBuilder();
    builder.add(trace.slice(1));
    expect(() => builder.finish(trace)).toThrow(/saw/);
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

describe('a limiter that refuses with a 5xx (semantics §2: nginx limit_req answers 503 by default)', () => {
  const nginx = { status: 503, plugin: 'rate-limit', reason: 'nginx limit_req zone "perip": excess would be 6, over burst 5 → 503' };
  const breaker = { status: 503, plugin: 'circuit-breaker', reason: 'circuit breaker OPEN; failing fast' };
  const index = buildTraceIndex(
    syntheticTrace([
      { id: 'a-1', at: 100, reject: nginx, data: { algorithm: 'leaky-bucket', outcome: 'REJECTED' } },
      { id: 'a-2', at: 200, reject: breaker, data: { state: 'open' } },
      { id: 'a-3', at: 300, reject: rl },
    ]),
  );

  it('is a rejection by the gateway, while a breaker failing fast stays a gateway error', () => {
    // The nginx panel read "rejected by the gateway 0, gateway error 27" in which-algorithm.
    expect(index.byId.get('a-1')?.outcome).toBe('rejected');
    expect(index.byId.get('a-2')?.outcome).toBe('gateway-error');
    expect(index.byId.get('a-3')?.outcome).toBe('rejected');
    const counts = countsAt(index, 1000);
    expect(counts.rejected).toEqual([{ status: 429, count: 1 }, { status: 503, count: 1 }]);
    expect(counts.gatewayErrors).toEqual([{ status: 503, count: 1 }]);
  });

  it('outcomeOf takes the refusal over the status', () => {
    expect(outcomeOf(503, 'gateway', true)).toBe('rejected');
    expect(outcomeOf(503, 'gateway')).toBe('gateway-error');
    // A refusal only counts for a gateway reply: the backend's own 503 stays the backend's error.
    expect(outcomeOf(503, 'upstream', true)).toBe('upstream-error');
  });
});
