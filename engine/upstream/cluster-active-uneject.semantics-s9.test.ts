/**
 * Semantics §9, `successful_active_health_check_uneject_host` as the cluster applies it: both hosts
 * (the simulator's probe schedule and `gatelab serve`'s prober) report probes through
 * UpstreamCluster.probed, which is where a passing check ends an outlier ejection. Envoy's callback
 * acts only on a Healthy check result for a host without FAILED_ACTIVE_HC, so a host that active checks
 * still call unhealthy stays ejected. Configs come through the native reader, the one dialect that can
 * give a cluster both active checks and outlier detection.
 */
import { describe, expect, it } from 'vitest';
import { UpstreamCluster } from './cluster.ts';
import { nativeService } from './native-service-kit.ts';

const draw = (): number => 0.5;
/** Ejection at the first 5xx; `outlier` adds fields (maxEjectionPercent 100 unless it names one). */
const cluster = (outlier: string, active = 'interval: 5s, healthyThreshold: 1, unhealthyThreshold: 1'): UpstreamCluster => {
  const max = outlier.includes('maxEjectionPercent') ? '' : ', maxEjectionPercent: 100';
  return new UpstreamCluster(nativeService(2, `{outlierDetection: {consecutive5xx: 1${max}${outlier}}, activeHealth: {${active}}}`), 0);
};

describe('semantics §9: a passing active check unejects an outlier-ejected host', () => {
  it('is read from the native IR, default true', () => {
    expect(cluster('').policy.outlierDetection?.successfulActiveHealthCheckUnejectHost).toBe(true);
    expect(cluster(', successfulActiveHealthCheckUnejectHost: false').policy.outlierDetection?.successfulActiveHealthCheckUnejectHost).toBe(false);
  });

  it('the probe returns an outlier-detection move ejected → healthy, with the sentence a student reads', () => {
    const c = cluster('');
    c.finished(0, { status: 503 }, 1, 500, draw);
    expect(c.outlier?.isEjected(0)).toBe(true);
    expect(c.probed(0, false, 1000)).toMatchObject([{ machine: 'active-health', to: 'unhealthy' }]);
    expect(c.outlier?.isEjected(0)).toBe(true); // a failing check returns nothing
    expect(c.probed(0, true, 2000)).toMatchObject([
      { machine: 'active-health', to: 'healthy' },
      { machine: 'outlier-detection', subject: 'orders 10.0.0.1:80', from: 'ejected', to: 'healthy', at: 2000 },
    ]);
    const c2 = cluster('');
    c2.finished(0, { status: 503 }, 1, 500, draw);
    const [move] = c2.probed(0, true, 2000);
    expect(move?.reason).toContain('an active health check on 10.0.0.1:80 passed, so the host was unejected early: 1.5 s into its 30 s ejection');
    expect(c2.outlier?.isEjected(0)).toBe(false);
  });

  it('a host that active checks still call unhealthy stays ejected until they call it healthy', () => {
    const c = cluster('', 'interval: 5s, healthyThreshold: 2, unhealthyThreshold: 1');
    c.probed(0, false, 100); // failing active checks
    c.finished(0, { status: 503 }, 1, 500, draw); // and ejected
    expect(c.probed(0, true, 1000)).toEqual([]); // 1 of 2 passes: still FAILED_ACTIVE_HC
    expect(c.outlier?.isEjected(0)).toBe(true);
    expect(c.probed(0, true, 2000).map((m) => `${m.machine}:${m.to}`)).toEqual(['active-health:healthy', 'outlier-detection:healthy']);
  });

  it('with the knob false the probe changes nothing and the host waits for its sweep', () => {
    const c = cluster(', successfulActiveHealthCheckUnejectHost: false');
    c.finished(0, { status: 503 }, 1, 500, draw);
    expect(c.probed(0, true, 2000)).toEqual([]);
    expect(c.outlier?.isEjected(0)).toBe(true);
  });

  it('a note from a sweep the probe ran is kept for the next request, not lost', () => {
    // Two hosts, max 50 %: host 0 may go, host 1 never. Failure percentage is judged at each 1 s sweep.
    const c = cluster(', maxEjectionPercent: 50, interval: 1s, enforcingFailurePercentage: 100, failurePercentageMinimumHosts: 1, failurePercentageRequestVolume: 1');
    c.finished(0, { status: 503 }, 1, 100, draw); // host 0 ejected
    c.finished(1, { status: 503 }, 1, 200, draw); // host 1: refused inline (overflow)
    // The probe at 1.5 s runs the 1 s sweep, whose failure-percentage ejection of host 1 is refused too.
    expect(c.probed(0, true, 1500).map((m) => `${m.machine}:${m.to}`)).toEqual(['outlier-detection:healthy']);
    const next = c.advance(1600);
    expect(next.notes).toHaveLength(1);
    expect(next.notes[0]).toMatch(/^failure percentage: 100 % of 1 requests to 10\.0\.0\.2:80 failed.*max_ejection_percent 50 %/);
    expect(c.advance(1700).notes).toEqual([]);
  });
});
