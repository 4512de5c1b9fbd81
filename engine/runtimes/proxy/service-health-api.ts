/**
 * `GET /services/{service}/health` on serve's admin listener: gatelab's own view of one service's
 * targets for any dialect (the native IR included), where Kong's `/upstreams/{upstream}/health`
 * (kong-health-api.ts) exists only for Kong configs. Words are the trace's: healthy, unhealthy, and
 * `off` when the service has no passive or active checks; each check's own word beside them. A Kong
 * service over an upstream reports that upstream's one checker, shared with every service naming it.
 */
import type { AdminAnswer, HealthSource } from './kong-health-api.ts';
import { targetHealth } from './target-health.ts';

export function serviceHealth(src: HealthSource, name: string, now: number): AdminAnswer {
  // A Kong service over an upstream reads the upstream's one cluster, which its siblings share.
  const known = src.ir.services.some((s) => s.name === name);
  const cluster = known ? src.upstreamClusters().find((c) => c.serves(name)) : undefined;
  if (!cluster) {
    const names = src.ir.services.map((s) => s.name).join(', ');
    return { status: 404, body: { message: `Not found: no service "${name}" in the running config (services: ${names || 'none'})` } };
  }
  const policy = cluster.policy;
  const shared = cluster.upstream && cluster.upstream.services.length > 1 ? cluster.upstream : undefined;
  return {
    status: 200,
    body: {
      service: name,
      dialect: src.ir.dialect,
      checks: { passive: policy.passiveHealth?.kind ?? null, active: policy.activeHealth ? true : false },
      // Only when other services share the state: failures seen through any of them count here too.
      ...(shared ? { sharedWith: { upstream: shared.name, services: shared.services } } : {}),
      targets: targetHealth(cluster, now).map((t, i) => ({
        target: `${t.host}:${t.port}`,
        weight: t.weight,
        health: t.verdict,
        ...(t.passive ? { passive: t.passive } : {}),
        ...(t.active ? { active: t.active } : {}),
        // Envoy's outlier ejection is no health check (semantics §9), so it stands beside `health`.
        ...(cluster.outlier ? { ejected: cluster.outlier.isEjected(i) } : {}),
      })),
    },
  };
}
