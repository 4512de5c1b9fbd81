// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countsAt } from './counters.ts';
import { counterDiff } from './diff.ts';
import { upperBound } from './search.ts';
import { buildTraceIndex, type RequestRow } from './trace-index.ts';
import { syntheticTrace, type SyntheticRequest } from './testing/synthetic.ts';

// Replay a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`counters property seed: ${seed} (set FC_SEED to replay)`);

const BREAKER = { status: 503, plugin: 'circuit-breaker', reason: 'breaker open: failing fast' };
const LIMITED = { status: 429, plugin: 'rate-limit', reason: 'limit reached' };

describe('countsAt groups requests as the chart does (outcomeOf)', () => {
  it('counts an open breaker\'s 503 as a gateway error, not a rejection', () => {
    const index = buildTraceIndex(syntheticTrace([
      { id: 'a-1', at: 0, reject: BREAKER },
      { id: 'a-2', at: 10, reject: LIMITED },
      { id: 'a-3', at: 20, upstreamMs: 5, status: 503 },
    ]));
    const c = countsAt(index, 1000);
    expect(index.byId.get('a-1')?.outcome).toBe('gateway-error');
    expect(c.rejected).toEqual([{ status: 429, count: 1 }]);
    expect(c.rejectedTotal).toBe(1);
    expect(c.gatewayErrors).toEqual([{ status: 503, count: 1 }]);
    expect(c.gatewayErrorTotal).toBe(1);
    // The backend's own 503 was admitted: a backend answered.
    expect(c.admitted).toBe(1);
    expect(counterDiff(index, index, 1000).find((d) => d.key === 'gatewayErrors')).toMatchObject({ label: 'gateway error', base: 1 });
    // ...and counted apart as a backend error, which is what a breaker or outlier rule changes.
    expect(c.backendErrors).toEqual([{ status: 503, count: 1 }]);
    expect(c.backendErrorTotal).toBe(1);
    expect(counterDiff(index, index, 1000).find((d) => d.key === 'backendErrors')).toMatchObject({ label: 'backend error', base: 1 });
  });

  it('each ended request no backend answered is in exactly the counter of its outcome, at every instant', () => {
    const request = fc.record({
      at: fc.integer({ min: 0, max: 500 }),
      kind: fc.constantFrom('ok', 'limited', 'breaker', 'backend-error', 'open'),
    });
    fc.assert(
      fc.property(fc.array(request, { maxLength: 30 }), fc.integer({ min: 0, max: 600 }), (reqs, t) => {
        const sorted = [...reqs].sort((a, b) => a.at - b.at);
        const synthetic = sorted.map((r, i): SyntheticRequest => {
          const base = { id: `c-${i}`, at: r.at };
          if (r.kind === 'limited') return { ...base, reject: LIMITED };
          if (r.kind === 'breaker') return { ...base, reject: BREAKER };
          if (r.kind === 'backend-error') return { ...base, upstreamMs: 3, status: 502 };
          if (r.kind === 'open') return { ...base, open: true };
          return { ...base, upstreamMs: 3 };
        });
        const index = buildTraceIndex(syntheticTrace(synthetic));
        const ended = index.ends.slice(0, upperBound(index.endTimes, t)) as RequestRow[];
        const c = countsAt(index, t);
        expect(c.rejectedTotal).toBe(ended.filter((r) => r.outcome === 'rejected').length);
        expect(c.gatewayErrorTotal).toBe(ended.filter((r) => r.outcome === 'gateway-error').length);
        expect(c.admitted + c.rejectedTotal + c.gatewayErrorTotal + c.gaveUp).toBe(c.ended);
        // Backend errors are the admitted requests a backend answered with a 5xx, by status too.
        expect(c.backendErrorTotal).toBe(ended.filter((r) => r.outcome === 'upstream-error').length);
        expect(c.backendErrors.reduce((n, r) => n + r.count, 0)).toBe(c.backendErrorTotal);
      }),
      { seed, numRuns: 150 },
    );
  });
});
