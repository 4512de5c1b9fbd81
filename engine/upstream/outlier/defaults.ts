/**
 * Envoy's outlier-detection defaults and Istio's mapping of a DestinationRule onto them (semantics §9).
 * They differ on purpose and students meet both: Envoy's success-rate ejection is on by default, Istio
 * always turns it off; Envoy's panic threshold is 50 %, Istio's default minHealthPercent 0 disables it.
 */
import type { OutlierDetectionIR } from '../../config/istio/types.ts';
import type { OutlierPolicyIR } from '../policy.ts';

/** What Envoy enforces for a cluster whose `outlier_detection` block is present but empty. */
export const ENVOY_OUTLIER_DEFAULTS: OutlierPolicyIR = Object.freeze({
  consecutive5xx: 5,
  enforcingConsecutive5xx: 100,
  consecutiveGatewayFailure: 5,
  // Counted but never acted on unless raised: the most common surprise in Envoy configs.
  enforcingConsecutiveGatewayFailure: 0,
  intervalMs: 10_000,
  baseEjectionTimeMs: 30_000,
  maxEjectionTimeMs: 300_000,
  // Since Envoy 1.27 this means "< 10 hosts ⇒ no ejection at all" (see maxEjectionAllowed).
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
  // A cluster setting (common_lb_config), not part of outlier_detection; kept here because it decides
  // whether ejection is obeyed at all.
  healthyPanicThreshold: 50,
  // Only matters when the cluster also has active health checks (see the detector's activeCheckPassed).
  successfulActiveHealthCheckUnejectHost: true,
});

/**
 * The outlier policy Envoy runs for an Istio DestinationRule's outlierDetection. The adapter already
 * resolved Istio's own defaults (engine/config/istio/settings.ts); what Istio never sets falls back to
 * Envoy's defaults, except success-rate ejection, which istiod always disables.
 */
export function outlierFromIstio(istio: OutlierDetectionIR): OutlierPolicyIR {
  return {
    ...ENVOY_OUTLIER_DEFAULTS,
    consecutive5xx: istio.consecutive5xx,
    enforcingConsecutive5xx: istio.enforcingConsecutive5xx,
    consecutiveGatewayFailure: istio.consecutiveGatewayFailure,
    enforcingConsecutiveGatewayFailure: istio.enforcingConsecutiveGatewayFailure,
    intervalMs: istio.intervalMs,
    baseEjectionTimeMs: istio.baseEjectionTimeMs,
    // Envoy rejects max < base; Istio derives max as max(300 s, base), so this only guards hand-built IR.
    maxEjectionTimeMs: Math.max(istio.maxEjectionTimeMs, istio.baseEjectionTimeMs),
    maxEjectionPercent: istio.maxEjectionPercent,
    // The DestinationRule API has no field for it.
    alwaysEjectOneHost: false,
    enforcingSuccessRate: 0,
    splitExternalLocalOriginErrors: istio.splitExternalLocalOriginErrors,
    // minHealthPercent; Istio's default 0 means "never panic", unlike Envoy's 50.
    healthyPanicThreshold: istio.healthyPanicThreshold,
    // istiod never sets successful_active_health_check_uneject_host, so Envoy's true stays; a
    // DestinationRule configures no active health checks either, so it never acts under Istio.
    successfulActiveHealthCheckUnejectHost: true,
  };
}
