/** Envoy outlier detection: defaults, the Istio mapping and the per-cluster detector (semantics §9). */
export { ENVOY_OUTLIER_DEFAULTS, outlierFromIstio } from './defaults.ts';
export { createOutlierDetector } from './detector.ts';
export {
  ejectionTimeMs,
  isGatewayError,
  maxEjectionAllowed,
  multiplierAfterEjection,
  successRateThreshold,
  type OutlierRule,
} from './rules.ts';
export type { HostResult, OutlierDetector, OutlierEvent, OutlierHostSnapshot } from './types.ts';
