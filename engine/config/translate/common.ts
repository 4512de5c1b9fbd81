/** Small helpers the target writers share: Kubernetes-style names, weights as integers, backends. */
import type { PModel, PRoute, PService } from './model.ts';

/** A DNS-1123 label from any name: lower case, [a-z0-9-], at most 63 characters. */
export function dnsLabel(name: string): string {
  const s = name.toLowerCase().replace(/@.*$/, '').replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  return (s || 'x').slice(0, 63).replace(/-+$/, '');
}

/** Integer weights with the same ratios (Kong and Gateway API take integers). */
export function integerWeights(weights: readonly number[]): number[] {
  if (weights.every((w) => Number.isInteger(w))) return [...weights];
  const total = weights.reduce((s, w) => s + w, 0) || 1;
  return weights.map((w) => Math.round((w / total) * 1000));
}

/** A Kubernetes Service for a backend: its name and namespace, and whether the host is outside the cluster. */
export function kubernetesService(s: PService): { name: string; namespace?: string; external: boolean } {
  const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.cluster\.local)?$/.exec(s.host);
  if (m) return { name: m[1] as string, namespace: m[2] as string, external: false };
  return { name: dnsLabel(s.name), external: true };
}

export function serviceOf(model: PModel, name: string): PService | undefined {
  return model.services.find((s) => s.name === name);
}

export function usedServices(model: PModel): PService[] {
  const names = new Set(model.routes.flatMap((r) => r.backends.map((b) => b.service)));
  return model.services.filter((s) => names.has(s.name));
}

export function routeLabel(r: PRoute): string {
  return dnsLabel(r.name);
}

/** The namespace every cluster backend lives in, when they agree: the translation goes there too. */
export function commonNamespace(model: PModel): string | undefined {
  const set = new Set(usedServices(model).map((s) => kubernetesService(s)).filter((k) => !k.external).map((k) => k.namespace ?? 'default'));
  return set.size === 1 ? [...set][0] : undefined;
}
