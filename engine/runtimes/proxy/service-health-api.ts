/**
 * `GET /services/{service}/health` on serve's admin listener: gatelab's own view of one service's
 * targets for any dialect (the native IR included), where Kong's `/upstreams/{upstream}/health`
 * (kong-health-api.ts) exists only for Kong configs. Words are the trace's: healthy, unhealthy, and
 * `off` when the service has no passive or active checks; each check's own word beside them.
 */
import type { AdminAnswer, HealthSource } from './kong-health-api.ts';
import { targetHealth } from './target-health.ts';

export function serviceHealth(src: HealthSource, name: string, now: number): AdminAnswer {
  const at = src.ir.services.findIndex((s) => s.name === name);
  const cluster = at < 0 ? undefined : src.upstreamClusters()[at];
  if (!cluster) {
    const names = src.ir.services.map((s) => s.name).join(', ');
    return { status: 404, body: { message: `Not found: no service "${name}" in the running config (services: ${names || 'none'})` } };
  }
  const policy = cluster.policy;
  return {
    status: 200,
    body: {
      service: name,
      dialect: src.ir.dialect,
      checks: { passive: policy.passiveHealth?.kind ?? null, active: policy.activeHealth ? true : false },
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
