/**
 * policy/v1 PodDisruptionBudget: how many of the selected pods must stay healthy while evictions
 * (kubectl drain, cluster-autoscaler) take pods away. Exactly one of minAvailable / maxUnavailable.
 */
import { parseIntOrPercent, scaleIntOrPercent, type IntOrPercent } from './quantity.ts';
import { isObj, type Reader } from './read-kit.ts';

export interface PdbSpec {
  name: string;
  namespace: string;
  /** matchLabels only; matchExpressions are reported and not modelled. */
  selector: Record<string, string>;
  budget: { field: 'minAvailable' | 'maxUnavailable'; value: IntOrPercent };
  file: string;
}

export function readPdb(r: Reader): PdbSpec | undefined {
  if (!isObj(r.get(['spec']))) {
    r.error([], 'a PodDisruptionBudget needs a spec');
    return undefined;
  }
  r.unknownFields(['spec'], ['minAvailable', 'maxUnavailable', 'selector', 'unhealthyPodEvictionPolicy'], 'a PodDisruptionBudget spec');
  const min = r.get(['spec', 'minAvailable']);
  const max = r.get(['spec', 'maxUnavailable']);
  if (min !== undefined && max !== undefined) {
    r.error(['spec', 'maxUnavailable'], 'minAvailable and maxUnavailable cannot both be set');
    return undefined;
  }
  // policy/v1 defaults neither: an empty budget allows every eviction (maxUnavailable unset, minAvailable unset).
  const field = max !== undefined ? 'maxUnavailable' : 'minAvailable';
  const raw = field === 'maxUnavailable' ? max : (min ?? 0);
  const value = parseIntOrPercent(raw);
  if (!value || (value.kind === 'percent' && value.value > 100)) {
    r.error(['spec', field], `${field} must be a non-negative integer or a percentage up to 100%, not ${JSON.stringify(raw)}`);
    return undefined;
  }
  const selector: Record<string, string> = {};
  const labels = r.get(['spec', 'selector', 'matchLabels']);
  if (isObj(labels)) for (const [k, v] of Object.entries(labels)) selector[k] = String(v);
  if (r.get(['spec', 'selector', 'matchExpressions']) !== undefined) r.warn(['spec', 'selector', 'matchExpressions'], 'GL_W_NO_EFFECT', 'matchExpressions are not modelled; only matchLabels select pods here');
  if (r.get(['spec', 'selector']) === undefined) r.warn(['spec'], 'GL_W_NO_EFFECT', 'a policy/v1 PodDisruptionBudget without a selector selects no pods, so it protects nothing', 'selector: { matchLabels: { app: gateway } }');
  return { name: r.str(['metadata', 'name']), namespace: r.str(['metadata', 'namespace'], 'default'), selector, budget: { field, value }, file: r.file };
}

/**
 * How many selected pods must stay healthy (the disruption controller's desiredHealthy): minAvailable
 * as written, or expected − maxUnavailable; percentages of the controller's replica count, rounded up
 * in both cases (pkg/controller/disruption getExpectedPodCount).
 */
export function desiredHealthy(pdb: PdbSpec, expectedPods: number): number {
  const v = scaleIntOrPercent(pdb.budget.value, expectedPods, true);
  return pdb.budget.field === 'minAvailable' ? v : Math.max(0, expectedPods - v);
}

export function selects(pdb: PdbSpec, namespace: string, podLabels: Record<string, string>): boolean {
  const keys = Object.keys(pdb.selector);
  return pdb.namespace === namespace && keys.length > 0 && keys.every((k) => podLabels[k] === pdb.selector[k]);
}
