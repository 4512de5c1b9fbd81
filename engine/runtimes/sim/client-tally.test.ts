/**
 * ClientTally counts request.end events as they go by; its summaries must be what summarizeClients
 * gives over the same events kept in a list: the same clients in the same order, the same counts with
 * the same key order, the same percentiles. Events are handed over in one object, refilled, as a sink
 * that keeps nothing may do.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { RequestEndEvent } from '../../trace/events.ts';
import { summarizeClients } from '../../trace/summary.ts';
import { ClientTally } from './client-tally.ts';

const end = fc.record({
  client: fc.constantFrom('app', 'b', 'c-1', '__proto__', '0'),
  status: fc.constantFrom(0, 200, 201, 401, 429, 499, 502, 503, 504),
  source: fc.constantFrom('upstream' as const, 'gateway' as const, 'front' as const, 'client' as const),
  ms: fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 50 })),
});

describe('ClientTally', () => {
  it('summarises as summarizeClients does over the kept events, reading each refilled event once', () => {
    const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
    console.log(`[fast-check] ClientTally seed=${seed} (replay: FC_SEED=${seed})`);
    fc.assert(
      fc.property(fc.array(end, { maxLength: 300 }), (rows) => {
        const kept: RequestEndEvent[] = rows.map((r, i) => ({
          type: 'request.end', t: i, req: `r-${i}`, client: r.client, replica: 'gw-0', status: r.status, source: r.source,
          route: null, service: null, ms: r.ms, gatewayMs: 0, upstreamMs: null,
        }));
        const tally = new ClientTally();
        const shared: RequestEndEvent = { type: 'request.end', t: 0, req: '', client: '', replica: '', status: 0, source: 'client', route: null, service: null, ms: 0, gatewayMs: 0, upstreamMs: null };
        for (const e of kept) tally.add(Object.assign(shared, e));
        const got = tally.summaries();
        const want = summarizeClients(kept);
        expect(got).toStrictEqual(want);
        expect(JSON.stringify(got)).toBe(JSON.stringify(want));
        for (let i = 0; i < got.length; i++) {
          expect(Object.keys(got[i]!.byStatus)).toEqual(Object.keys(want[i]!.byStatus));
          expect(Object.keys(got[i]!.rejected)).toEqual(Object.keys(want[i]!.rejected));
        }
      }),
      { seed, numRuns: 300 },
    );
  });

  it('gives no client for no events', () => {
    expect(new ClientTally().summaries()).toEqual([]);
  });
});
