import { describe, expect, it } from 'vitest';
import type { OutlierDetectionIR } from '../../config/istio/types.ts';
import { ENVOY_OUTLIER_DEFAULTS, outlierFromIstio } from './defaults.ts';

describe('outlier defaults', () => {
  it("semantics §9: Envoy's defaults", () => {
    expect(ENVOY_OUTLIER_DEFAULTS).toEqual({
      consecutive5xx: 5,
      enforcingConsecutive5xx: 100,
      consecutiveGatewayFailure: 5,
      enforcingConsecutiveGatewayFailure: 0,
      intervalMs: 10_000,
      baseEjectionTimeMs: 30_000,
      maxEjectionTimeMs: 300_000,
      maxEjectionPercent: 10,
      alwaysEjectOneHost: false,
      enforcingSuccessRate: 100,
      successRateMinimumHosts: 5,
      successRateRequestVolume: 100,
      successRateStdevFactor: 1900,
      failurePercentageThreshold: 85,
      enforcingFailurePercentage: 0,
      failurePercentageMinimumHosts: 5,
      failurePercentageRequestVolume: 50,
      splitExternalLocalOriginErrors: false,
      healthyPanicThreshold: 50,
      successfulActiveHealthCheckUnejectHost: true,
    });
    expect(Object.isFrozen(ENVOY_OUTLIER_DEFAULTS)).toBe(true);
  });

  const istio: OutlierDetectionIR = {
    consecutive5xx: 3,
    enforcingConsecutive5xx: 100,
    consecutiveGatewayFailure: 5,
    enforcingConsecutiveGatewayFailure: 0,
    intervalMs: 5_000,
    baseEjectionTimeMs: 60_000,
    maxEjectionTimeMs: 300_000,
    maxEjectionPercent: 50,
    enforcingSuccessRate: 0,
    healthyPanicThreshold: 0,
    splitExternalLocalOriginErrors: false,
  };

  it('semantics §9: Istio forces success-rate ejection off and maps minHealthPercent (default 0) to the panic threshold', () => {
    const p = outlierFromIstio(istio);
    expect(p.enforcingSuccessRate).toBe(0);
    expect(p.healthyPanicThreshold).toBe(0);
    expect(p.consecutive5xx).toBe(3);
    expect(p.intervalMs).toBe(5_000);
    expect(p.baseEjectionTimeMs).toBe(60_000);
    expect(p.maxEjectionPercent).toBe(50);
    expect(p.alwaysEjectOneHost).toBe(false);
    // What a DestinationRule cannot say stays at Envoy's defaults.
    expect(p.enforcingFailurePercentage).toBe(0);
    expect(p.successRateStdevFactor).toBe(1900);
    expect(outlierFromIstio({ ...istio, healthyPanicThreshold: 30 }).healthyPanicThreshold).toBe(30);
  });

  it('semantics §9: Istio enforces gateway errors only when consecutiveGatewayErrors > 0', () => {
    expect(outlierFromIstio({ ...istio, consecutiveGatewayFailure: 2, enforcingConsecutiveGatewayFailure: 100 }).enforcingConsecutiveGatewayFailure).toBe(100);
    expect(outlierFromIstio({ ...istio, consecutive5xx: 0, enforcingConsecutive5xx: 0 }).enforcingConsecutive5xx).toBe(0);
  });

  it('semantics §9: max ejection time is never below the base time', () => {
    expect(outlierFromIstio({ ...istio, baseEjectionTimeMs: 600_000, maxEjectionTimeMs: 300_000 }).maxEjectionTimeMs).toBe(600_000);
  });
});
