/**
 * Namespace labels, for `allowedRoutes.namespaces.from: Selector`. Kubernetes labels every namespace
 * with `kubernetes.io/metadata.name: <name>`, so that label is always there. When the input has no
 * `kind: Namespace` document at all, labels are unknown: gatelab then lets a selector admit the route
 * and says so, rather than rejecting routes for want of data the file never meant to give.
 */
import { isRecord, type K8sObject } from './context.ts';

export class Namespaces {
  private readonly labels = new Map<string, Record<string, string>>();

  constructor(objects: readonly K8sObject[]) {
    for (const o of objects) {
      const meta = isRecord(o.value['metadata']) ? o.value['metadata'] : {};
      const raw = isRecord(meta['labels']) ? meta['labels'] : {};
      const labels: Record<string, string> = {};
      for (const [k, v] of Object.entries(raw)) labels[k] = String(v);
      labels['kubernetes.io/metadata.name'] = o.name;
      this.labels.set(o.name, labels);
    }
  }

  /** True when the input declares its namespaces (so a missing one has only the name label). */
  get declared(): boolean {
    return this.labels.size > 0;
  }

  labelsOf(namespace: string): Record<string, string> {
    return this.labels.get(namespace) ?? { 'kubernetes.io/metadata.name': namespace };
  }
}

/** A metav1.LabelSelector: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist), ANDed. */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  if (!isRecord(selector)) return false;
  const matchLabels = isRecord(selector['matchLabels']) ? selector['matchLabels'] : {};
  for (const [k, v] of Object.entries(matchLabels)) if (labels[k] !== String(v)) return false;
  const exprs = Array.isArray(selector['matchExpressions']) ? selector['matchExpressions'] : [];
  for (const e of exprs) {
    if (!isRecord(e) || typeof e['key'] !== 'string') return false;
    const values = Array.isArray(e['values']) ? e['values'].map(String) : [];
    const has = Object.hasOwn(labels, e['key']);
    const value = labels[e['key']];
    switch (e['operator']) {
      case 'In':
        if (!has || !values.includes(value as string)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(value as string)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
