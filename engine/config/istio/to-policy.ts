/**
 * One DestinationRule's settings for one service port → the upstream policy engine/upstream/ runs
 * (semantics §9, §10). Port-level settings replace the top-level ones for their port (already merged
 * by the reader). What Istio sends Envoy:
 * - connection pool → circuit breakers; Istio's defaults are 2^32−1 for all four, so a rule without a
 *   connectionPool still sets "unlimited" breakers;
 * - outlierDetection → Envoy outlier detection only when the rule has it (outlierFromIstio fills
 *   Envoy's defaults and turns success-rate ejection off, as istiod does);
 * - loadBalancer: simple ROUND_ROBIN / LEAST_REQUEST / LEAST_CONN (an alias of LEAST_REQUEST since
 *   Istio 1.x) / RANDOM, or consistentHash → Envoy ring hash or Maglev.
 * UNSPECIFIED and PASSTHROUGH set no balancer: the gateway's own choice stays.
 */
import type { BalancerIR, UpstreamPolicyIR } from '../../upstream/policy.ts';
import { outlierFromIstio } from '../../upstream/outlier/index.ts';
import { RING_MAX } from './consistent-hash.ts';
import type { LoadBalancerIR, TrafficPolicyIR, TrafficPolicySettingsIR } from './types.ts';

/** The rule's settings for `port` (a Service port number). */
export function settingsForPort(rule: TrafficPolicyIR, port: number): TrafficPolicySettingsIR {
  return rule.portLevel.find((p) => p.port === port)?.policy ?? rule.policy;
}

export function policyFromRule(rule: TrafficPolicyIR, port: number): UpstreamPolicyIR {
  const s = settingsForPort(rule, port);
  const out: UpstreamPolicyIR = {};
  const balancer = balancerOf(s.loadBalancer);
  if (balancer) out.balancer = balancer;
  if (s.outlierDetection) out.outlierDetection = outlierFromIstio(s.outlierDetection);
  out.connectionPool = {
    maxConnections: s.connectionPool.maxConnections,
    maxPendingRequests: s.connectionPool.maxPendingRequests,
    maxRequests: s.connectionPool.maxRequests,
    maxRetries: s.connectionPool.maxRetries,
  };
  out.origin = `DestinationRule ${rule.name}${rule.portLevel.some((p) => p.port === port) ? ` (port ${port} settings)` : ''}`;
  return out;
}

export function balancerOf(lb: LoadBalancerIR | undefined): BalancerIR | undefined {
  if (!lb) return undefined;
  const ch = lb.consistentHash;
  if (ch) {
    return ch.algorithm === 'maglev'
      ? { kind: 'maglev', hashOn: ch.hashOn, tableSize: ch.tableSize }
      : { kind: 'ring-hash', hashOn: ch.hashOn, minRingSize: ch.minimumRingSize, maxRingSize: RING_MAX };
  }
  switch (lb.simple) {
    case 'ROUND_ROBIN':
      return { kind: 'round-robin' };
    case 'LEAST_REQUEST':
    case 'LEAST_CONN':
      // Envoy's least_request defaults: choice_count 2, active_request_bias 1.0.
      return { kind: 'least-request', choiceCount: 2, activeRequestBias: 1 };
    case 'RANDOM':
      return { kind: 'random' };
    default:
      return undefined;
  }
}
