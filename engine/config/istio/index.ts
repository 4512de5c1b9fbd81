/**
 * The Istio DestinationRule reader: parsed documents in, TrafficPolicyIR[] (GatewayIR.trafficPolicies)
 * out. A DestinationRule is not a gateway config by itself; the Kubernetes adapters pass the ones they
 * meet beside their own resources to `adaptDestinationRules`.
 */
import type { Diagnostic } from '../../core/errors.ts';
import type { SourceMap } from '../yaml-source.ts';
import { adaptDestinationRules, type IstioObject } from './adapt.ts';
import type { TrafficPolicyIR } from './types.ts';

export { adaptDestinationRules, type IstioObject } from './adapt.ts';
export { attachTrafficPolicies } from './attach.ts';
export type { TrafficPolicyIR, TrafficPolicySettingsIR, ConnectionPoolIR, OutlierDetectionIR, ConsistentHashIR } from './types.ts';
export { ISTIO_UNLIMITED } from './types.ts';

/** Every DestinationRule in the documents (a `List`'s items included); other objects are left alone. */
export function adaptIstio(docs: ReadonlyArray<{ value: unknown; map: SourceMap }>): { policies: TrafficPolicyIR[]; diagnostics: Diagnostic[] } {
  const objects: IstioObject[] = [];
  const visit = (doc: { value: unknown; map: SourceMap }, path: Array<string | number>, value: unknown): void => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    const obj = value as Record<string, unknown>;
    if (Array.isArray(obj['items']) && typeof obj['kind'] === 'string' && obj['kind'].endsWith('List')) {
      obj['items'].forEach((item, i) => visit(doc, [...path, 'items', i], item));
      return;
    }
    const apiVersion = typeof obj['apiVersion'] === 'string' ? obj['apiVersion'] : '';
    if (obj['kind'] === 'DestinationRule' && apiVersion.startsWith('networking.istio.io/')) objects.push({ doc, path, value: obj });
  };
  for (const doc of docs) visit(doc, [], doc.value);
  return adaptDestinationRules(objects);
}
