/**
 * Semantics §9, Envoy's `successful_active_health_check_uneject_host` (default true): when a cluster has
 * active health checks and outlier detection, a passing check on a host that outlier detection ejected
 * returns it to the pool at once instead of at the sweep after its ejection time. What Envoy's
 * unejectHost does then (outlier_detection_impl.cc) is pinned here: the consecutive counters restart,
 * the ejection multiplier and the count of ejections stay, and the multiplier comes down only at
 * sweeps a full interval after the early return.
 */
import { describe, expect, it } from 'vitest';
import { ENVOY_OUTLIER_DEFAULTS, outlierFromIstio } from './defaults.ts';
import { createOutlierDetector } from './detector.ts';
import type { OutlierPolicyIR } from '../policy.ts';
import type { OutlierDetector } from './types.ts';

const S = 1000;
const draw = (): number => 0.5;
const P = (over: Partial<OutlierPolicyIR> = {}): OutlierPolicyIR => ({ ...ENVOY_OUTLIER_DEFAULTS, maxEjectionPercent: 100, ...over });

/** Five 500s from host 0, 10 ms apart from `t`: ejected at t + 40 ms (consecutive_5xx 5). */
function ejectHost0(d: OutlierDetector, t: number): void {
  for (let k = 0; k < 5; k++) d.record(0, { status: 500 }, t + k * 10, draw);
  expect(d.isEjected(0)).toBe(true);
}

describe('semantics §9: successful_active_health_check_uneject_host', () => {
  it('is true by default in Envoy and under Istio, which never sets it', () => {
    expect(ENVOY_OUTLIER_DEFAULTS.successfulActiveHealthCheckUnejectHost).toBe(true);
    const istio = outlierFromIstio({
      consecutive5xx: 5,
      enforcingConsecutive5xx: 100,
      consecutiveGatewayFailure: 5,
      enforcingConsecutiveGatewayFailure: 0,
      intervalMs: 10 * S,
      baseEjectionTimeMs: 30 * S,
      maxEjectionTimeMs: 300 * S,
      maxEjectionPercent: 10,
      splitExternalLocalOriginErrors: false,
      enforcingSuccessRate: 0,
      healthyPanicThreshold: 0,
    });
    expect(istio.successfulActiveHealthCheckUnejectHost).toBe(true);
  });

  it('a passing check returns an ejected host at once, long before its sweep, and says so', () => {
    const d = createOutlierDetector(P(), 2, 0, ['10.0.0.1:80', '10.0.0.2:80']);
    ejectHost0(d, 1 * S); // ejected at 1.04 s for 30 s; its sweep would be at 40 s
    // Two more 500s while ejected (panic traffic): the counter they build must not survive the return.
    d.record(0, { status: 500 }, 2 * S, draw);
    d.record(0, { status: 500 }, 3 * S, draw);
    expect(d.snapshot().hosts[0]?.consecutive5xx).toBe(2);
    const events = d.activeCheckPassed(0, 5 * S);
    expect(events).toEqual([
      {
        kind: 'uneject',
        host: 0,
        at: 5 * S,
        by: 'active-health-check',
        reason:
          'an active health check on 10.0.0.1:80 passed, so the host was unejected early: 3.96 s into its 30 s ejection, ' +
          '35 s before the sweep that would have returned it (successful_active_health_check_uneject_host, true by default); ' +
          'its consecutive-error counters are back at 0, its ejection multiplier stays 1',
      },
    ]);
    expect(d.isEjected(0)).toBe(false);
    expect(d.snapshot().hosts[0]).toMatchObject({ consecutive5xx: 0, consecutiveGatewayFailure: 0, timesEjected: 1, multiplier: 1, ejectedUntil: null });
    // The sweep at 40 s has nothing left to return.
    expect(d.advance(40 * S)).toEqual([]);
  });

  it('does not forgive the multiplier: a relapse right after the early return is ejected for base × 2', () => {
    const d = createOutlierDetector(P(), 2, 0);
    ejectHost0(d, 1 * S);
    d.activeCheckPassed(0, 5 * S);
    ejectHost0(d, 6 * S);
    expect(d.snapshot().hosts[0]).toMatchObject({ timesEjected: 2, multiplier: 2, ejectedUntil: 6 * S + 40 + 60 * S });
  });

  it('the multiplier comes down only at sweeps a full interval after the early return', () => {
    const d = createOutlierDetector(P(), 2, 0);
    ejectHost0(d, 1 * S);
    d.activeCheckPassed(0, 5 * S);
    d.advance(10 * S); // 5 s after the return: less than an interval
    expect(d.snapshot().hosts[0]?.multiplier).toBe(1);
    d.advance(20 * S); // 15 s after: one step down
    expect(d.snapshot().hosts[0]?.multiplier).toBe(0);
  });

  it('when the ejection time already ran out at a due sweep, the sweep returns the host, not the check', () => {
    const d = createOutlierDetector(P(), 2, 0);
    ejectHost0(d, 1 * S); // back at the 40 s sweep, which nothing has run yet
    const events = d.activeCheckPassed(0, 41 * S);
    expect(events).toMatchObject([{ kind: 'uneject', host: 0, at: 40 * S, by: 'sweep' }]);
    expect(events).toHaveLength(1);
  });

  it('with the knob false an ejected host waits out its ejection whatever the checks say', () => {
    const d = createOutlierDetector(P({ successfulActiveHealthCheckUnejectHost: false }), 2, 0);
    ejectHost0(d, 1 * S);
    expect(d.activeCheckPassed(0, 5 * S)).toEqual([]);
    expect(d.isEjected(0)).toBe(true);
    expect(d.advance(40 * S)).toMatchObject([{ kind: 'uneject', by: 'sweep' }]);
  });

  it('a host in the pool is left alone, and no sweep is run for it', () => {
    const d = createOutlierDetector(P(), 2, 0);
    expect(d.activeCheckPassed(1, 25 * S)).toEqual([]);
    expect(d.snapshot().nextSweepAt).toBe(10 * S);
  });
});
