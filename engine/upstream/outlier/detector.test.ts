import { describe, expect, it } from 'vitest';
import type { OutlierPolicyIR } from '../policy.ts';
import { ENVOY_OUTLIER_DEFAULTS } from './defaults.ts';
import { createOutlierDetector } from './detector.ts';
import type { OutlierEvent } from './types.ts';

const P = (over: Partial<OutlierPolicyIR> = {}): OutlierPolicyIR => ({ ...ENVOY_OUTLIER_DEFAULTS, ...over });
const draw = (): number => 0.5;
const S = 1000;

/** Records `count` responses of `status` from host i, 10 ms apart from `t`; returns all events. */
function burst(d: ReturnType<typeof createOutlierDetector>, i: number, status: number, count: number, t: number): OutlierEvent[] {
  const events: OutlierEvent[] = [];
  for (let k = 0; k < count; k++) events.push(...d.record(i, { status }, t + k * 10, draw));
  return events;
}

const kinds = (events: OutlierEvent[]): string[] => events.map((e) => `${e.kind}:${e.host}${'rule' in e ? `:${e.rule}` : ''}`);

describe('outlier detector', () => {
  it('semantics §9: consecutive 5xx are counted per host and reset by a non-error response', () => {
    const d = createOutlierDetector(P({ maxEjectionPercent: 100 }), 2, 0, ['10.0.0.1:8080', '10.0.0.2:8080']);
    expect(burst(d, 1, 500, 4, 0)).toEqual([]);
    expect(burst(d, 0, 500, 4, 100)).toEqual([]); // another host's run does not reset host 1's
    d.record(1, { status: 404 }, 200, draw); // a 4xx is not an error for outlier detection
    expect(d.snapshot().hosts[1]?.consecutive5xx).toBe(0);
    expect(d.snapshot().hosts[0]?.consecutive5xx).toBe(4);
    expect(burst(d, 1, 500, 4, 300)).toEqual([]);
    const e = burst(d, 1, 500, 1, 400);
    expect(kinds(e)).toEqual(['eject:1:consecutive-5xx']);
    expect(e[0]?.reason).toBe(
      'consecutive 5xx: 5 in a row from 10.0.0.2:8080 (threshold 5) — ejected for 30 s (1st ejection); it rejoins at the first sweep after that, 39.6 s from now (sweeps every 10 s)',
    );
  });

  it('semantics §9: the consecutive ejection happens inline, at the response that reaches the threshold', () => {
    const d = createOutlierDetector(P({ maxEjectionPercent: 100 }), 2, 0);
    const e = burst(d, 0, 503, 5, 1234);
    const eject = e.find((x) => x.kind === 'eject');
    expect(eject).toMatchObject({ host: 0, at: 1234 + 40, rule: 'consecutive-5xx', ejectionMs: 30 * S, timesEjected: 1 });
    expect(d.isEjected(0)).toBe(true);
  });

  it('semantics §9: consecutive gateway failures are counted but not enforced by default (enforcing 0 %)', () => {
    const d = createOutlierDetector(P({ consecutive5xx: 100, maxEjectionPercent: 100 }), 2, 0);
    const e = burst(d, 0, 503, 10, 0);
    expect(kinds(e)).toEqual(['not-enforced:0:consecutive-gateway-failure', 'not-enforced:0:consecutive-gateway-failure']);
    expect(e[0]?.reason).toContain("enforcing_consecutive_gateway_failure is 0 % (Envoy's default: gateway failures are counted, not acted on)");
    expect(d.isEjected(0)).toBe(false);
    const on = createOutlierDetector(P({ consecutive5xx: 100, maxEjectionPercent: 100, enforcingConsecutiveGatewayFailure: 100 }), 2, 0);
    expect(kinds(burst(on, 0, 504, 5, 0))).toEqual(['eject:0:consecutive-gateway-failure']);
  });

  it('semantics §9: a non-gateway 5xx breaks a gateway-failure run but continues the 5xx run', () => {
    const d = createOutlierDetector(P({ maxEjectionPercent: 100, enforcingConsecutiveGatewayFailure: 100 }), 2, 0);
    burst(d, 0, 502, 3, 0);
    burst(d, 0, 500, 1, 100);
    expect(d.snapshot().hosts[0]).toMatchObject({ consecutive5xx: 4, consecutiveGatewayFailure: 0 });
    expect(kinds(burst(d, 0, 502, 1, 200))).toEqual(['eject:0:consecutive-5xx']);
  });

  it('semantics §9: local-origin failures count as 5xx and gateway failures unless split_external_local_origin_errors', () => {
    const d = createOutlierDetector(P({ maxEjectionPercent: 100 }), 2, 0);
    const e: OutlierEvent[] = [];
    for (const [k, failure] of (['connect', 'timeout', 'reset', 'connect', 'timeout'] as const).entries()) e.push(...d.record(1, { failure }, k, draw));
    expect(kinds(e)).toEqual(['not-enforced:1:consecutive-gateway-failure', 'eject:1:consecutive-5xx']);
    const split = createOutlierDetector(P({ maxEjectionPercent: 100, splitExternalLocalOriginErrors: true }), 2, 0);
    for (let k = 0; k < 10; k++) expect(split.record(1, { failure: 'connect' }, k, draw)).toEqual([]);
    expect(split.snapshot().hosts[1]?.consecutive5xx).toBe(0);
  });

  it('semantics §9: enforcing_consecutive_5xx is a chance decided by the draw', () => {
    const d = createOutlierDetector(P({ maxEjectionPercent: 100, enforcingConsecutive5xx: 40 }), 2, 0);
    const no = burst(d, 0, 500, 4, 0).concat(d.record(0, { status: 500 }, 50, () => 0.4));
    expect(kinds(no)).toEqual(['not-enforced:0:consecutive-5xx']);
    expect(no[0]?.reason).toContain('enforcing_consecutive_5xx is 40 % and this time the draw (0.400) fell outside it');
    // The counter restarted: the next run needs five more.
    const yes = burst(d, 0, 500, 4, 100).concat(d.record(0, { status: 500 }, 150, () => 0.39));
    expect(kinds(yes)).toEqual(['eject:0:consecutive-5xx']);
  });

  it('semantics §9: with the default 10 %, fewer than 10 hosts eject nothing (ejections_overflow)', () => {
    for (let n = 1; n < 10; n++) {
      const d = createOutlierDetector(P(), n, 0);
      const e = burst(d, 0, 500, 5, 0);
      expect(kinds(e)).toEqual(['overflow:0:consecutive-5xx']);
      expect(d.ejectedCount()).toBe(0);
    }
    const d = createOutlierDetector(P(), 2, 0, ['a:1', 'b:1']);
    expect(burst(d, 0, 500, 5, 0)[0]?.reason).toBe(
      'consecutive 5xx: 5 in a row from a:1 (threshold 5), but not ejected: 0 of 2 hosts are out already and one more would make 50 %, ' +
        'above max_ejection_percent 10 % (counted in ejections_overflow) — since Envoy 1.27 even the first ejection must fit, so with fewer ' +
        'than 10 hosts nothing is ever ejected; always_eject_one_host (Envoy 1.31) allows one',
    );
    const ten = createOutlierDetector(P(), 10, 0);
    expect(kinds(burst(ten, 3, 500, 5, 0))).toEqual(['eject:3:consecutive-5xx']);
    expect(kinds(burst(ten, 4, 500, 5, 100))).toEqual(['overflow:4:consecutive-5xx']);
  });

  it('semantics §9: always_eject_one_host ejects the first host even below the percentage, and only one', () => {
    const d = createOutlierDetector(P({ alwaysEjectOneHost: true }), 3, 0);
    expect(kinds(burst(d, 0, 500, 5, 0))).toEqual(['eject:0:consecutive-5xx']);
    expect(kinds(burst(d, 1, 500, 5, 100))).toEqual(['overflow:1:consecutive-5xx']);
    expect(d.ejectedCount()).toBe(1);
  });

  it('semantics §9: uneject only at interval sweeps, once now ≥ ejected_at + ejection time', () => {
    const d = createOutlierDetector(P({ maxEjectionPercent: 100 }), 2, 0);
    burst(d, 0, 500, 5, 960); // ejected at 1 s
    expect(d.advance(30 * S)).toEqual([]);
    expect(d.advance(31 * S)).toEqual([]); // 30 s have passed, but no sweep ran since
    expect(d.isEjected(0)).toBe(true);
    expect(d.snapshot()).toMatchObject({ ejected: [0], nextSweepAt: 40 * S });
    const back = d.advance(40 * S);
    expect(back).toEqual([
      {
        kind: 'uneject',
        host: 0,
        at: 40 * S,
        by: 'sweep',
        reason:
          'ejection over: host 0 was ejected 39 s ago, at least its ejection time 30 s (base 30 s × 1, capped at 300 s), so it rejoins at this sweep with its consecutive-error counters back at 0',
      },
    ]);
    expect(d.isEjected(0)).toBe(false);
  });

  it('semantics §9: consecutive counters reset on uneject', () => {
    const d = createOutlierDetector(P({ maxEjectionPercent: 100, consecutiveGatewayFailure: 10 }), 2, 0);
    burst(d, 0, 503, 5, 0); // ejected by consecutive 5xx; the 5xx counter restarts, the gateway one is at 5
    burst(d, 0, 503, 3, 100); // panic-mode traffic still counts, but an ejected host is not judged again
    expect(d.snapshot().hosts[0]).toMatchObject({ consecutive5xx: 3, consecutiveGatewayFailure: 8 });
    d.advance(30 * S); // ejected at 40 ms: 30 s are not up at the 30 s sweep
    expect(d.isEjected(0)).toBe(true);
    d.advance(40 * S);
    expect(d.snapshot().hosts[0]).toMatchObject({ consecutive5xx: 0, consecutiveGatewayFailure: 0 });
  });

  it('semantics §9: the multiplier grows per ejection and shrinks one step per healthy sweep a full interval after rejoining', () => {
    const d = createOutlierDetector(P({ maxEjectionPercent: 100 }), 2, 0);
    burst(d, 0, 500, 5, 0); // 1st at 40 ms: m = 1, 30 s
    d.advance(40 * S); // the first sweep ≥ 30.04 s; no decrement at the sweep that returns it
    expect(d.isEjected(0)).toBe(false);
    expect(d.snapshot().hosts[0]?.multiplier).toBe(1);
    const second = burst(d, 0, 500, 5, 41 * S);
    expect(second.at(-1)).toMatchObject({ kind: 'eject', ejectionMs: 60 * S, timesEjected: 2 });
    expect(second.at(-1)?.reason).toContain('ejected for 60 s (base 30 s × 2');
    d.advance(110 * S); // 41.04 + 60 = 101.04 → the 110 s sweep
    expect(d.isEjected(0)).toBe(false);
    expect(d.snapshot().hosts[0]?.multiplier).toBe(2);
    d.advance(120 * S);
    expect(d.snapshot().hosts[0]?.multiplier).toBe(1);
    d.advance(130 * S);
    expect(d.snapshot().hosts[0]?.multiplier).toBe(0);
    d.advance(200 * S);
    expect(d.snapshot().hosts[0]?.multiplier).toBe(0); // never below 0
    expect(burst(d, 0, 500, 5, 201 * S).at(-1)).toMatchObject({ kind: 'eject', ejectionMs: 30 * S, timesEjected: 3 });
  });

  it('semantics §9: the ejection time is capped at max_ejection_time', () => {
    const d = createOutlierDetector(P({ maxEjectionPercent: 100, intervalMs: 1 * S, baseEjectionTimeMs: 10 * S, maxEjectionTimeMs: 25 * S }), 2, 0);
    const times: number[] = [];
    let t = 0;
    for (let k = 0; k < 5; k++) {
      const e = burst(d, 0, 500, 5, t).find((x) => x.kind === 'eject');
      if (e?.kind !== 'eject') throw new Error('expected an ejection');
      times.push(e.ejectionMs);
      const rejoin = Math.ceil((e.at + e.ejectionMs) / S) * S;
      expect(d.advance(rejoin).map((x) => x.kind)).toEqual(['uneject']);
      t = rejoin + 100; // relapses within the same interval, before any decrement
    }
    expect(times).toEqual([10 * S, 20 * S, 25 * S, 25 * S, 25 * S]);
  });

  /** Five hosts with `ok` successes out of `total` each during the first interval, swept at 10 s. */
  function rated(policy: OutlierPolicyIR, perHost: Array<[number, number]>): { d: ReturnType<typeof createOutlierDetector>; events: OutlierEvent[] } {
    const d = createOutlierDetector(policy, perHost.length, 0);
    perHost.forEach(([ok, total], i) => {
      for (let k = 0; k < total; k++) d.record(i, { status: k < ok ? 200 : 500 }, 1 + k, draw);
    });
    return { d, events: d.advance(10 * S) };
  }
  const FIVE: Array<[number, number]> = [
    [50, 100],
    [100, 100],
    [100, 100],
    [100, 100],
    [100, 100],
  ];
  const noConsecutive = { consecutive5xx: 1000, consecutiveGatewayFailure: 1000 };

  it('semantics §9: success-rate ejection at the sweep: below mean − 1.9·stdev over hosts with ≥ request_volume', () => {
    const { events } = rated(P({ ...noConsecutive, maxEjectionPercent: 20 }), FIVE);
    expect(kinds(events)).toEqual(['eject:0:success-rate']);
    expect(events[0]?.at).toBe(10 * S);
    expect(events[0]?.reason).toContain(
      'success rate: host 0 answered 50 % of 100 requests in the last interval, below the cluster threshold 52 % (mean 90 % − 1.9 × stdev 20 %, over the 5 hosts with at least 100 requests)',
    );
    // The default 10 % forbids it with five hosts.
    expect(kinds(rated(P(noConsecutive), FIVE).events)).toEqual(['overflow:0:success-rate']);
  });

  it('semantics §9: success-rate needs success_rate_minimum_hosts hosts with enough volume', () => {
    const low: Array<[number, number]> = FIVE.map(([ok, total], i) => (i === 4 ? [ok - 1, total - 1] : [ok, total]));
    expect(rated(P({ ...noConsecutive, maxEjectionPercent: 20 }), low).events).toEqual([]);
    expect(rated(P({ ...noConsecutive, maxEjectionPercent: 20 }), FIVE.slice(0, 4)).events).toEqual([]);
    // With four hosts one outlier sits at most √3 ≈ 1.73 stdev below the mean, so factor 1.9 never fires.
    const four = P({ ...noConsecutive, maxEjectionPercent: 25, successRateMinimumHosts: 4 });
    expect(rated(four, FIVE.slice(0, 4)).events).toEqual([]);
    expect(kinds(rated({ ...four, successRateStdevFactor: 1000 }, FIVE.slice(0, 4)).events)).toEqual(['eject:0:success-rate']);
  });

  it('semantics §9: sweeps judge only the interval that just finished', () => {
    const p = P({ ...noConsecutive, maxEjectionPercent: 20 });
    const d = createOutlierDetector(p, 5, 0);
    FIVE.forEach(([ok, total], i) => {
      for (let k = 0; k < total; k++) d.record(i, { status: k < ok ? 200 : 500 }, 1 + k, draw);
    });
    d.advance(9_999);
    // Nothing at the 10 s sweep judged from traffic that arrived later, and nothing carried into the next interval.
    const later = createOutlierDetector(p, 5, 0);
    FIVE.forEach(([ok, total], i) => {
      for (let k = 0; k < total; k++) later.record(i, { status: k < ok ? 200 : 500 }, 10 * S + 1 + k, draw);
    });
    expect(later.advance(10 * S + 5_000)).toEqual([]);
    expect(kinds(later.advance(20 * S))).toEqual(['eject:0:success-rate']);
    expect(later.advance(30 * S)).toEqual([]);
  });

  it('semantics §9: failure-percentage ejection at the sweep (off by default: enforcing 0 %)', () => {
    const perHost: Array<[number, number]> = [
      [5, 50],
      [50, 50],
      [50, 50],
      [50, 50],
      [50, 50],
    ];
    const p = P({ ...noConsecutive, maxEjectionPercent: 20, enforcingSuccessRate: 0 });
    const off = rated(p, perHost).events;
    expect(kinds(off)).toEqual(['not-enforced:0:failure-percentage']);
    expect(off[0]?.reason).toContain("failure percentage: 90 % of 50 requests to host 0 failed in the last interval (threshold 85 %");
    const on = rated({ ...p, enforcingFailurePercentage: 100 }, perHost);
    expect(kinds(on.events)).toEqual(['eject:0:failure-percentage']);
    expect(on.d.isEjected(0)).toBe(true);
    expect(rated({ ...p, enforcingFailurePercentage: 100, failurePercentageThreshold: 95 }, perHost).events).toEqual([]);
  });

  it('semantics §9: Istio turns success-rate ejection off, so the outlier is only reported', () => {
    const { events, d } = rated(P({ ...noConsecutive, maxEjectionPercent: 20, enforcingSuccessRate: 0 }), FIVE);
    expect(kinds(events)).toEqual(['not-enforced:0:success-rate']);
    expect(events[0]?.reason).toContain('Istio always turns success-rate ejection off');
    expect(d.ejectedCount()).toBe(0);
  });

  it('semantics §9: panic when fewer than healthy_panic_threshold % of hosts are healthy; 0 disables it', () => {
    const d = createOutlierDetector(P({ maxEjectionPercent: 100 }), 3, 0);
    burst(d, 0, 500, 5, 0);
    expect(d.panic()).toBe(false); // 66.7 % healthy
    burst(d, 1, 500, 5, 100);
    expect(d.panic()).toBe(true); // 33.3 % < 50 %
    const istio = createOutlierDetector(P({ maxEjectionPercent: 100, healthyPanicThreshold: 0 }), 2, 0);
    burst(istio, 0, 500, 5, 0);
    burst(istio, 1, 500, 5, 100);
    expect(istio.ejectedCount()).toBe(2);
    expect(istio.panic()).toBe(false);
    const half = createOutlierDetector(P({ maxEjectionPercent: 100 }), 2, 0);
    burst(half, 0, 500, 5, 0);
    expect(half.panic()).toBe(false); // exactly 50 % healthy is not fewer than 50 %
  });

  it('sweeps are lazy: a long idle gap costs nothing and lands on the right next sweep', () => {
    const d = createOutlierDetector(P(), 3, 5);
    expect(d.advance(1e12)).toEqual([]);
    expect(d.snapshot().nextSweepAt).toBe(5 + (Math.floor((1e12 - 5) / 10_000) + 1) * 10_000);
    expect(() => d.record(3, { status: 200 }, 1e12, draw)).toThrow(RangeError);
  });
});
