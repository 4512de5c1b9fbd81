/**
 * Properties of the outlier detector over arbitrary policies and traffic (semantics §9), with active
 * health checks passing now and then (successful_active_health_check_uneject_host on and off). Set
 * FC_SEED to replay a failure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OutlierPolicyIR } from '../policy.ts';
import { createOutlierDetector } from './detector.ts';
import { ejectionTimeMs } from './rules.ts';
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

type Op =
  | { kind: 'record'; dt: number; host: number; outcome: HostResult; draw: number }
  | { kind: 'advance'; dt: number; draw: number | null }
  /**
   * An active health check on `host` passed (the cluster calls this only once active checks call the
   * host healthy). With `ejected`, the check goes to an ejected host when there is one: random hosts
   * would rarely be out when their check passes.
   */
  | { kind: 'active'; dt: number; host: number; ejected: boolean };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('record' as const), dt: fc.integer({ min: 0, max: 3_000 }), host: fc.nat(), outcome, draw: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), dt: fc.integer({ min: 0, max: 120_000 }), draw: fc.option(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('active' as const), dt: fc.integer({ min: 0, max: 10_000 }), host: fc.nat(), ejected: fc.boolean() }) },
);

/**
 * Half the worlds eject readily (any run of 1–3 5xx, enforced, one host always allowed, a cap of at
 * least 30 %): in arbitrary ones an ejected host whose active check passes is too rare to say much.
 */
const ejecting = policy.map((p) => ({
  ...p,
  consecutive5xx: 1 + (p.consecutive5xx % 3),
  enforcingConsecutive5xx: 100,
  alwaysEjectOneHost: true,
  maxEjectionPercent: 30 + (p.maxEjectionPercent % 71),
}));
const world = fc.record({
  policy: fc.oneof(policy, ejecting),
  hosts: fc.integer({ min: 1, max: 12 }),
  startAt: fc.integer({ min: 0, max: 1_000_000 }),
  // 'medium': fast-check's default size keeps arrays near 10 long, too short for eject, check and relapse.
  ops: fc.array(op, { maxLength: 250, size: 'medium' }),
});

type Snapshot = ReturnType<OutlierDetector['snapshot']>;

/** One operation as played: the instant, its events, and the detector's state just before and after. */
interface Step {
  op: Op;
  /** The host the op touched (its `host` modulo the cluster size), -1 for an advance. */
  host: number;
  now: number;
  events: OutlierEvent[];
  before: Snapshot;
  after: Snapshot;
}

interface Run {
  events: OutlierEvent[];
  counts: number[];
  snapshots: Snapshot[];
  steps: Step[];
}

function play(w: { policy: OutlierPolicyIR; hosts: number; startAt: number; ops: Op[] }): Run {
  const d = createOutlierDetector(w.policy, w.hosts, w.startAt);
  const run: Run = { events: [], counts: [], snapshots: [], steps: [] };
  let now = w.startAt;
  for (const o of w.ops) {
    now += o.dt;
    const before = d.snapshot();
    const out = before.ejected;
    const host = o.kind === 'advance' ? -1 : o.kind === 'active' && o.ejected && out.length > 0 ? (out[o.host % out.length] as number) : o.host % w.hosts;
    let events: OutlierEvent[];
    if (o.kind === 'record') events = d.record(host, o.outcome, now, () => o.draw);
    else if (o.kind === 'active') events = d.activeCheckPassed(host, now);
    else events = d.advance(now, o.draw === null ? undefined : () => o.draw as number);
    run.events.push(...events);
    run.counts.push(d.ejectedCount());
    const after = d.snapshot();
    run.snapshots.push(after);
    run.steps.push({ op: o, host, now, events, before, after });
  }
  return run;
}

/** The first sweep instant after `at` that is at least `at + ms` (the sweep that ends an ejection). */
function returnSweep(w: { policy: OutlierPolicyIR; startAt: number }, at: number, ms: number): number {
  const i = w.policy.intervalMs;
  const firstAfter = w.startAt + (Math.floor((at - w.startAt) / i) + 1) * i;
  return Math.max(firstAfter, w.startAt + Math.ceil((at + ms - w.startAt) / i) * i);
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

  it('semantics §9: an ejected host returns at a sweep instant, the first one its ejection time allows, unless an active check returns it sooner', () => {
    fc.assert(
      fc.property(world, (w) => {
        const { events } = play(w);
        const last = new Map<number, { at: number; ejectionMs: number }>();
        for (const e of events) {
          if (e.kind === 'eject') last.set(e.host, { at: e.at, ejectionMs: e.ejectionMs });
          if (e.kind !== 'uneject') continue;
          if (e.by === 'active-health-check') {
            // Only with the knob on, and strictly before the sweep that would have returned the host
            // (a due sweep runs first, so a host whose time ran out is the sweep's, not the check's).
            expect(w.policy.successfulActiveHealthCheckUnejectHost).toBe(true);
            const ejection = last.get(e.host);
            expect(ejection).toBeDefined();
            if (ejection) expect(e.at).toBeLessThan(returnSweep(w, ejection.at, ejection.ejectionMs));
            last.delete(e.host);
            continue;
          }
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

  it('semantics §9: a passing active check ends an ejection and nothing else — multiplier, count of ejections kept, consecutive counters cleared', () => {
    fc.assert(
      fc.property(world, (w) => {
        for (const s of play(w).steps) {
          if (s.op.kind !== 'active') continue;
          const was = s.before.hosts[s.host];
          const now = s.after.hosts[s.host];
          if (!was || !now) throw new Error('the touched host is missing from a snapshot');
          if (!w.policy.successfulActiveHealthCheckUnejectHost || was.ejectedUntil === null) {
            // Knob off, or a host already in the pool: the check touches nothing (not even the sweeps).
            expect(s.events).toEqual([]);
            expect(s.after).toEqual(s.before);
            continue;
          }
          // An ejected host with the knob on is back in the pool after the check, whoever returned it.
          expect(now.ejectedUntil).toBeNull();
          expect(s.after.ejected).not.toContain(s.host);
          const byCheck = s.events.filter((e) => e.kind === 'uneject' && e.by === 'active-health-check');
          expect(byCheck.map((e) => e.host)).toEqual(byCheck.length > 0 ? [s.host] : []);
          // Whoever returned it, a host comes back with its consecutive counters at 0.
          expect([now.consecutive5xx, now.consecutiveGatewayFailure]).toEqual([0, 0]);
          // The plain case, the check's uneject alone (no sweep fell due in between to return, or
          // return and eject again, this host or another).
          if (byCheck.length !== 1 || s.events.length !== 1) continue;
          // Envoy's unejectHost leaves ejectTimeBackoff alone: a host back early is not forgiven, so a
          // relapse is ejected for longer; only healthy sweeps bring the multiplier down, and none
          // does while the host is out.
          expect(now.multiplier).toBe(was.multiplier);
          expect(now.multiplier).toBeGreaterThanOrEqual(1);
          expect(now.timesEjected).toBe(was.timesEjected);
          // Every other host stays in or out as it was.
          for (const [i, h] of s.before.hosts.entries()) if (i !== s.host) expect(s.after.hosts[i]?.ejectedUntil).toBe(h.ejectedUntil);
        }
      }),
      { seed, numRuns: 300 },
    );
  });

  it('semantics §9: the multiplier stays in bounds and every ejection lasts base × multiplier, capped, checks or not', () => {
    fc.assert(
      fc.property(world, (w) => {
        const cap = Math.max(w.policy.maxEjectionTimeMs, w.policy.baseEjectionTimeMs);
        // Envoy increments while m·base < max + base: the multiplier stops at the first m past that.
        const top = Math.ceil((cap + w.policy.baseEjectionTimeMs) / w.policy.baseEjectionTimeMs);
        // One op may run many sweeps after an ejection (returning the host, lowering its multiplier),
        // so an ejection is checked against every multiplier the bounds allow, not the final one.
        const allowed = new Set(Array.from({ length: top }, (_, m) => ejectionTimeMs(w.policy, m + 1)));
        for (const s of play(w).steps) {
          for (const h of s.after.hosts) {
            expect(h.multiplier).toBeGreaterThanOrEqual(0);
            expect(h.multiplier).toBeLessThanOrEqual(top);
          }
          for (const e of s.events) {
            if (e.kind !== 'eject') continue;
            expect(allowed.has(e.ejectionMs), `ejection of ${e.ejectionMs} ms`).toBe(true);
            expect(s.after.hosts[e.host]?.timesEjected).toBeGreaterThanOrEqual(e.timesEjected);
          }
        }
      }),
      { seed, numRuns: 300 },
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
