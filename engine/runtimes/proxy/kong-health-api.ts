/**
 * Kong's Admin API `GET /upstreams/{upstream}/health` (and `?balancer_health=1`) on serve's admin
 * listener, for a Kong config: the per-target HEALTHY / UNHEALTHY / HEALTHCHECKS_OFF a Kong user reads
 * there, from the same health state the proxy balances with. Shapes follow Kong's
 * kong/api/routes/upstreams.lua and kong/db/dao/targets.lua (page_for_upstream_with_health,
 * get_balancer_health). What gatelab does not have it writes as null, never an invented value:
 * entity ids, timestamps and tags (the IR keeps none of them) and node_id (there is no Kong node).
 * docs/proxy.md, "Upstream health", lists every field.
 */
import type { GatewayIR } from '../../config/ir.ts';
import type { UpstreamCluster } from '../../upstream/cluster.ts';
import { targetHealth, type TargetHealth } from './target-health.ts';

export interface AdminAnswer {
  status: number;
  body: unknown;
}

/** What the endpoint reads of the proxy: its config and its clusters (each once, a shared one included). */
export interface HealthSource {
  readonly ir: GatewayIR;
  upstreamClusters(): UpstreamCluster[];
}

/** Kong's words for a target (targets.lua); gatelab resolves no DNS, so it never says DNS_ERROR. */
export type KongTargetHealth = 'HEALTHY' | 'UNHEALTHY' | 'HEALTHCHECKS_OFF';

const KONG_WORD: Record<TargetHealth['verdict'], KongTargetHealth> = { healthy: 'HEALTHY', unhealthy: 'UNHEALTHY', off: 'HEALTHCHECKS_OFF' };

/** Kong's 404 body for an upstream it does not know (upstreams.lua). */
export const KONG_NOT_FOUND = { message: 'Not found' };

/**
 * The cluster of Kong upstream `name`. Kong runs one balancer and one health checker per upstream
 * (balancers.lua keeps them in balancers_by_id[upstream.id]), and so does gatelab: every service whose
 * host names the upstream carries its name as ServiceIR.upstreamKey and shares that one cluster
 * (Gateway.clusterFor), so this is the state every such service balances with.
 */
export function kongUpstreamCluster(src: HealthSource, name: string): UpstreamCluster | undefined {
  if (src.ir.dialect !== 'kong') return undefined;
  return src.upstreamClusters().find((c) => c.upstream?.name === name);
}

/** `balancerHealth`: the `?balancer_health=1` form, about the upstream as a whole. */
export function kongUpstreamHealth(src: HealthSource, name: string, balancerHealth: boolean, now: number): AdminAnswer {
  if (src.ir.dialect !== 'kong') {
    return {
      status: 404,
      body: { message: `Not found: /upstreams/{upstream}/health is Kong's Admin API and this proxy runs a config of dialect "${src.ir.dialect}"; GET /services/{service}/health reports any dialect` },
    };
  }
  const cluster = kongUpstreamCluster(src, name);
  if (!cluster) return { status: 404, body: KONG_NOT_FOUND };
  const targets = targetHealth(cluster, now);
  if (balancerHealth) return { status: 200, body: { data: balancerData(cluster, targets), next: null, node_id: null } };
  const data = targets.map((t) => {
    const health = KONG_WORD[t.verdict];
    return {
      id: null,
      created_at: null,
      updated_at: null,
      upstream: null,
      tags: null,
      target: `${t.host}:${t.port}`,
      weight: t.weight,
      health,
      // Kong lists each address DNS gave the target; gatelab connects to the target as written, one address.
      data: { addresses: [{ ip: t.host, port: t.port, weight: t.weight, health }] },
    };
  });
  return { status: 200, body: { data, next: null, node_id: null } };
}

/**
 * Kong's balancer health (healthcheckers.lua get_balancer_health): HEALTHCHECKS_OFF without checks;
 * otherwise HEALTHY while the healthy targets' share of the weight is above healthchecks.threshold
 * (0 unless set), the rule UpstreamCluster applies to picks. `details` is the balancer's status,
 * as far as gatelab has it: healthy and the weight split.
 */
function balancerData(cluster: UpstreamCluster, targets: readonly TargetHealth[]): Record<string, unknown> {
  // Kong's balancer status is only asked when the upstream has checks; `details` is then absent.
  if (!cluster.policy.passiveHealth && !cluster.policy.activeHealth) return { health: 'HEALTHCHECKS_OFF', id: null };
  const total = targets.reduce((n, t) => n + t.weight, 0);
  const available = targets.reduce((n, t) => n + (t.verdict === 'unhealthy' ? 0 : t.weight), 0);
  const threshold = cluster.policy.healthyWeightThreshold ?? 0;
  const healthy = total > 0 && (available / total) * 100 > threshold;
  return { health: healthy ? 'HEALTHY' : 'UNHEALTHY', id: null, details: { healthy, weight: { total, available, unavailable: total - available } } };
}
