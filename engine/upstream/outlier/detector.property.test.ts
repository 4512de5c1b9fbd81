/**
 * Properties of the outlier detector over arbitrary policies and traffic (semantics §9). Set FC_SEED
 * to replay a failure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OutlierPolicyIR } from '../policy.ts';
import { createOutlierDetector } from './detector.ts';
import type { HostResult, OutlierDetector, OutlierEvent } from './types.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] outlier seed=${seed} (replay: FC_SEED=${seed})`);

const S = 1000;

const policy: fc.Arbitrary<OutlierPolicyIR> = fc.record({
  consecutive5xx: fc.integer({ min: 0, max: 6 }),
  enforcingConsecutive5xx: fc.constantFrom(0, 50, 100),
  consecutiveGatewayFailure: fc.integer({ min: 0, max: 6 }),
  enforcingConsecutiveGatewayFailure: fc.constantFrom(0, 50, 100),
  intervalMs: fc.integer({ min: 1, max: 20 }).map((s) => s * S),
  baseEjectionTimeMs: fc.integer({ min: 1, max: 60 }).map((s) => s * S),
  maxEjectionTimeMs: fc.integer({ min: 0, max: 300 }).map((s) => s * S),
  maxEjectionPercent: fc.integer({ min: 0, max: 100 }),
  alwaysEjectOneHost: fc.boolean(),
  enforcingSuccessRate: fc.constantFrom(0, 50, 100),
  successRateMinimumHosts: fc.integer({ min: 0, max: 6 }),
  successRateRequestVolume: fc.integer({ min: 1, max: 20 }),
  successRateStdevFactor: fc.constantFrom(0, 500, 1000, 1900),
  failurePercentageThreshold: fc.integer({ min: 0, max: 100 }),
  enforcingFailurePercentage: fc.constantFrom(0, 50, 100),
  failurePercentageMinimumHosts: fc.integer({ min: 0, max: 6 }),
  failurePercentageRequestVolume: fc.integer({ min: 1, max: 20 }),
  splitExternalLocalOriginErrors: fc.boolean(),
  healthyPanicThreshold: fc.integer({ min: 0, max: 100 }),
  successfulActiveHealthCheckUnejectHost: fc.boolean(),
});

const outcome: fc.Arbitrary<HostResult> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(200, 204, 404, 429, 500, 501, 502, 503, 504).map((status) => ({ status })) },
  { weight: 1, arbitrary: fc.constantFrom('connect', 'timeout', 'reset').map((failure) => ({ failure })) },
);

type Op = { kind: 'record'; dt: number; host: number; outcome: HostResult; draw: number } | { kind: 'advance'; dt: number; draw: number | null };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('record' as const), dt: fc.integer({ min: 0, max: 3_000 }), host: fc.nat(), outcome, draw: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), dt: fc.integer({ min: 0, max: 120_000 }), draw: fc.option(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })) }) },
);

const world = fc.record({
  policy,
  hosts: fc.integer({ min: 1, max: 12 }),
  startAt: fc.integer({ min: 0, max: 1_000_000 }),
  ops: fc.array(op, { maxLength: 250 }),
});

interface Run {
  events: OutlierEvent[];
  counts: number[];
  snapshots: Array<ReturnType<OutlierDetector['snapshot']>>;
}

function play(w: { policy: OutlierPolicyIR; hosts: number; startAt: number; ops: Op[] }): Run {
  const d = createOutlierDetector(w.policy, w.hosts, w.startAt);
  const run: Run = { events: [], counts: [], snapshots: [] };
  let now = w.startAt;
  for (const o of w.ops) {
    now += o.dt;
    if (o.kind === 'record') run.events.push(...d.record(o.host % w.hosts, o.outcome, now, () => o.draw));
    else run.events.push(...d.advance(now, o.draw === null ? undefined : () => o.draw as number));
    run.counts.push(d.ejectedCount());
    run.snapshots.push(d.snapshot());
  }
  return run;
}

describe('outlier detector properties (fast-check)', () => {
  it('semantics §9: the ejected count never breaks the max_ejection_percent rule', () => {
    fc.assert(
      fc.property(world, (w) => {
        const max = Math.min(100, w.policy.maxEjectionPercent);
        for (const count of play(w).counts) {
          const fits = count === 0 || (100 * count) / w.hosts <= max || (w.policy.alwaysEjectOneHost && count === 1);
          expect(fits).toBe(true);
        }
      }),
      { seed, numRuns: 300 },
    );
  });

  it('semantics §9: an ejected host returns only at a sweep instant, the first one its ejection time allows', () => {
    fc.assert(
      fc.property(world, (w) => {
        const { events } = play(w);
        const last = new Map<number, { at: number; ejectionMs: number }>();
        for (const e of events) {
          if (e.kind === 'eject') last.set(e.host, { at: e.at, ejectionMs: e.ejectionMs });
          if (e.kind !== 'uneject') continue;
          const k = (e.at - w.startAt) / w.policy.intervalMs;
          expect(Number.isInteger(k) && k >= 1).toBe(true);
          const ejection = last.get(e.host);
          expect(ejection).toBeDefined();
          if (!ejection) continue;
          expect(e.at).toBeGreaterThanOrEqual(ejection.at + ejection.ejectionMs);
          expect(e.at - w.policy.intervalMs).toBeLessThan(ejection.at + ejection.ejectionMs);
          last.delete(e.host);
        }
      }),
      { seed, numRuns: 300 },
    );
  });

  it('semantics §9: the events tell the whole story — replaying them gives the ejected set', () => {
    fc.assert(
      fc.property(world, (w) => {
        const { events, snapshots } = play(w);
        const out = new Set<number>();
        for (const e of events) {
          if (e.kind === 'eject') {
            expect(out.has(e.host)).toBe(false);
            out.add(e.host);
          }
          if (e.kind === 'uneject') expect(out.delete(e.host)).toBe(true);
        }
        const final = snapshots.at(-1)?.ejected ?? [];
        expect([...out].sort((a, b) => a - b)).toEqual(final);
      }),
      { seed, numRuns: 200 },
    );
  });

  it('determinism: the same policy, traffic and draws give the same events and states', () => {
    fc.assert(
      fc.property(world, (w) => {
        expect(play(w)).toEqual(play(w));
      }),
      { seed, numRuns: 100 },
    );
  });
});
