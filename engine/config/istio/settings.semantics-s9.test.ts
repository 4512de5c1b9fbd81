/**
 * Semantics §9 (Istio DestinationRule → Envoy), read from YAML by the real reader: which field becomes
 * which Envoy setting, the enforcing percentages Istio derives, and the defaults when a field is unset.
 */
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../yaml-source.ts';
import { adaptIstio, ISTIO_UNLIMITED } from './index.ts';
import type { TrafficPolicySettingsIR } from './types.ts';

function policy(trafficPolicy: string): TrafficPolicySettingsIR {
  const yaml = `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: dr, namespace: shop }\nspec:\n  host: catalog\n  trafficPolicy:\n${trafficPolicy.replace(/^/gm, '    ')}`;
  const { policies, diagnostics } = adaptIstio(parseYaml(yaml, 'dr.yaml').docs);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return policies[0]?.policy as TrafficPolicySettingsIR;
}

describe('semantics §9 Istio outlierDetection → Envoy outlier_detection', () => {
  it('§9 unset fields: consecutive_5xx 5 enforced, gateway failures 5 not enforced, interval 10 s, base 30 s, max 10 %, max time 300 s', () => {
    expect(policy('outlierDetection: {}').outlierDetection).toEqual({
      consecutive5xx: 5,
      enforcingConsecutive5xx: 100,
      consecutiveGatewayFailure: 5,
      enforcingConsecutiveGatewayFailure: 0,
      intervalMs: 10_000,
      baseEjectionTimeMs: 30_000,
      maxEjectionTimeMs: 300_000,
      maxEjectionPercent: 10,
      enforcingSuccessRate: 0,
      healthyPanicThreshold: 0,
      splitExternalLocalOriginErrors: false,
    });
  });

  it('§9 consecutive5xxErrors: > 0 → enforcing 100, 0 → enforcing 0 (the count is kept, ejection is off)', () => {
    expect(policy('outlierDetection: { consecutive5xxErrors: 3 }').outlierDetection).toMatchObject({ consecutive5xx: 3, enforcingConsecutive5xx: 100 });
    expect(policy('outlierDetection: { consecutive5xxErrors: 0 }').outlierDetection).toMatchObject({ enforcingConsecutive5xx: 0 });
  });

  it('§9 consecutiveGatewayErrors > 0 → consecutive_gateway_failure with enforcing 100', () => {
    expect(policy('outlierDetection: { consecutiveGatewayErrors: 2 }').outlierDetection).toMatchObject({ consecutiveGatewayFailure: 2, enforcingConsecutiveGatewayFailure: 100 });
  });

  it('§9 interval, baseEjectionTime, maxEjectionPercent, minHealthPercent map one to one; success-rate stays forced off', () => {
    const od = policy('outlierDetection: { interval: 5s, baseEjectionTime: 1m, maxEjectionPercent: 50, minHealthPercent: 30 }').outlierDetection;
    expect(od).toMatchObject({ intervalMs: 5000, baseEjectionTimeMs: 60_000, maxEjectionPercent: 50, healthyPanicThreshold: 30, enforcingSuccessRate: 0 });
  });

  it('§9 a rule without outlierDetection configures no ejection at all', () => {
    expect(policy('loadBalancer: { simple: ROUND_ROBIN }').outlierDetection).toBeUndefined();
  });
});

describe('semantics §9 Istio connectionPool → Envoy circuit breakers', () => {
  it('§9 tcp.maxConnections → max_connections, http1MaxPendingRequests → max_pending_requests, http2MaxRequests → max_requests, maxRetries → max_retries', () => {
    const cp = policy('connectionPool: { tcp: { maxConnections: 7 }, http: { http1MaxPendingRequests: 8, http2MaxRequests: 9, maxRetries: 2, maxRequestsPerConnection: 1 } }').connectionPool;
    expect(cp).toMatchObject({ maxConnections: 7, maxPendingRequests: 8, maxRequests: 9, maxRetries: 2, maxRequestsPerConnection: 1 });
  });

  it('§9 Istio’s defaults for all four breakers are 2^32−1 (not Envoy’s 1024/3); maxRequestsPerConnection 0 = unlimited', () => {
    expect(ISTIO_UNLIMITED).toBe(2 ** 32 - 1);
    const cp = policy('connectionPool: { tcp: { connectTimeout: 1s } }').connectionPool;
    expect(cp).toMatchObject({ maxConnections: ISTIO_UNLIMITED, maxPendingRequests: ISTIO_UNLIMITED, maxRequests: ISTIO_UNLIMITED, maxRetries: ISTIO_UNLIMITED, maxRequestsPerConnection: 0 });
  });
});
